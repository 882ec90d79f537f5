"""Business rules as plain functions: they take and return plain values and never read `request`."""
