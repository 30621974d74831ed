"""The mock itself: the ``SesMock`` facade, the pipeline every request takes, records and limits."""
