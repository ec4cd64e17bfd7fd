"""HubSpot CRM (FORMATS.md §1): UI / Exports-API CSV files, the CRM API v3 connector
and write-back through batch update."""
