"""Placeholder: filled in by the notifications work (issue 17)."""
