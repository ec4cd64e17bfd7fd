"""Microsoft Dynamics 365 Sales / Dataverse (FORMATS.md §3): Web API connector (OData,
change tracking) and write-back through OData $batch."""
