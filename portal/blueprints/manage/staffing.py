"""Placeholder: filled in by the whole-school budget work (issue 16)."""
