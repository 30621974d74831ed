"""The SES APIs, each a view of the same state: v1 (Query) and v2 (rest-json)."""
