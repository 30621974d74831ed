"""The wire: botocore's service models, Query (form in, XML out) and rest-json (JSON both ways)."""
