"""SAP ECC / S/4HANA (FORMATS.md §5): raw-table and GUI extracts; DATS dates, ZTERM and
net due dates in macros.sql."""
