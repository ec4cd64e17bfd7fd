"""Page-wide CSS: no developer toolbar, tables that fit the page, and a print style.

Injected once per run by ``app.py``. Everything here is inline: the dashboard loads no
asset from another host (fonts are Streamlit's bundled ones, the favicon is a local file).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

FAVICON = Path(__file__).resolve().parent / "static" / "favicon.png"

CSS = """
<style>
/* The developer toolbar ("Deploy", rerun menu) means nothing to a salesperson. */
[data-testid="stAppDeployButton"], [data-testid="stMainMenu"], [data-testid="stToolbarActions"] {
  display: none !important;
}
/* Cards and tables never run past the page at 1,280-1,440 px. */
[data-testid="stMetricValue"] { font-size: 1.6rem; white-space: normal; }
[data-testid="stDataFrame"] { max-width: 100%; }
@media print {
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"],
  [data-testid="stBaseButton-secondary"], [data-testid="stBaseButton-primary"],
  [data-testid="stDownloadButton"], [data-testid="stTextInput"],
  [data-testid="stSelectbox"], [data-testid="stCheckbox"], .no-print {
    display: none !important;
  }
  [data-testid="stMain"], [data-testid="stMainBlockContainer"] {
    padding: 0 !important; margin: 0 !important; max-width: 100% !important;
  }
  [data-testid="stAlert"], [data-testid="stMetric"] { break-inside: avoid; }
  @page { size: A4; margin: 12mm; }
}
</style>
"""


def apply() -> None:
    """Inject the page CSS (call after ``st.set_page_config``)."""
    st.html(CSS)
