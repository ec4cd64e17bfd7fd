"""Generic: files already in c360's canonical shape (headers = canonical field names),
written by hand or by a script (docs/profiles.md)."""
