"""One blueprint per domain: public pages, sign-in, and the staff workspace."""
