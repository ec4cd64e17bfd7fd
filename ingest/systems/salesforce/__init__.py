"""Salesforce (FORMATS.md §2): Data Loader / report exports, the REST API connector,
15 → 18-character ids (functions.py) and write-back through sObject Collections."""
