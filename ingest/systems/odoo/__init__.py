"""Odoo (FORMATS.md §7): import-compatible CSV exports, the JSON-2 / JSON-RPC connector and
write-back through `write` on res.partner."""
