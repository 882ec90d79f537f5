"""Built-in content shipped with the portal (templates that staff start from)."""
