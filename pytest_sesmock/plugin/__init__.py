"""How users declare and activate the mock: the pytest plugin, ``mock_ses``, YAML, options."""
