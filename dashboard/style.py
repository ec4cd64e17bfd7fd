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
/* Bars drawn in HTML (charts.bars_html): no chart library on a page's first view. */
.c360-bars { font-size: 0.9rem; margin: 0.25rem 0 1rem 0; }
.c360-bars-title { font-weight: 600; margin-bottom: 0.4rem; }
.c360-bar-row { display: flex; align-items: center; gap: 0.6rem; margin: 0.2rem 0; }
.c360-bar-label { flex: 0 0 7.5rem; }
.c360-bar-track { flex: 1 1 auto; height: 1.1rem; background: rgba(128,128,128,0.12); }
.c360-bar { display: block; height: 100%; }
.c360-bar-text { flex: 0 0 9rem; text-align: right; font-variant-numeric: tabular-nums; }
/* The 360° cards (widgets.cards_html) and short tables (widgets.table_html) as plain HTML. */
.c360-cards { display: grid; gap: 0.9rem 1.5rem; margin: 0.4rem 0 0.8rem 0; }
.c360-card { min-width: 0; }
.c360-card-label { font-size: 0.875rem; opacity: 0.75; }
.c360-card-value { font-size: 1.6rem; line-height: 1.3; font-variant-numeric: tabular-nums;
  overflow-wrap: anywhere; }
@media (max-width: 900px) {
  .c360-cards { grid-template-columns: repeat(2, minmax(0, 1fr)) !important; }
}
/* Month lines drawn as SVG (charts.lines_html). */
.c360-chart { font-size: 0.9rem; margin: 0.25rem 0 1rem 0; }
.c360-chart img { display: block; max-width: 100%; }
.c360-legend { display: flex; flex-wrap: wrap; gap: 0.3rem 1rem; font-size: 0.8rem; }
.c360-legend-item { display: inline-flex; align-items: center; gap: 0.3rem; }
.c360-swatch { width: 0.8rem; height: 0.25rem; display: inline-block; }
.c360-table-box { max-width: 100%; max-height: 32rem; overflow: auto; margin-bottom: 0.5rem; }
.c360-table { border-collapse: collapse; font-size: 0.875rem; width: 100%; }
.c360-table th, .c360-table td { padding: 0.3rem 0.6rem; text-align: left; white-space: nowrap;
  border-bottom: 1px solid rgba(128, 128, 128, 0.2); }
.c360-table th { position: sticky; top: 0; background: #f0f2f6; font-weight: 600; }
.c360-table .num { text-align: right; font-variant-numeric: tabular-nums; }
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
  [data-testid="stAlert"], [data-testid="stMetric"], .c360-card { break-inside: avoid; }
  .c360-table-box { max-height: none; overflow: visible; }
  @page { size: A4; margin: 12mm; }
}
</style>
"""


def apply() -> None:
    """Inject the page CSS (call after ``st.set_page_config``)."""
    st.html(CSS)
