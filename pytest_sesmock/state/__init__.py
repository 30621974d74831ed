"""What the mock holds: configuration sets in layers, declarations, and SES's naming rules."""
