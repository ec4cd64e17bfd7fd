"""The demo company's export writers: its world written in each system's own file shapes
(hubspot.py: UI exports; odoo.py: import-compatible exports; fec.py: the FEC and the books
plan truth.py reads back; relationship.py: HubSpot activities, tickets, quotes and Odoo
payments, from one random stream of their own)."""
