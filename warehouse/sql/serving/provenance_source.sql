-- needs: core.source
-- The profile's provenance (api/profile.py) per source: its system and role (a few rows;
-- its last successful load is health_source's). The API joins them per request with the
-- customer's field sources (the profile's `field_sources`) and when each source last
-- changed the customer's record (its source records), instead of the build storing five
-- documents per customer.
create or replace table serving.provenance_source as
select source.name as source, source.system, source.role
from core.source as source
