"""The example suite's conftest.py: the ses_mock.yaml beside it is read automatically."""
