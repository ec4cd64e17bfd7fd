"""Finance worklist: all pages followed, filters, totals to the cent, and exports that hold
exactly the filtered rows and can never be read as formulas by a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from dashboard import worklist
from dashboard.worklist import Filters

# Rows as GET /receivables/overdue returns them, some with hostile names.
API_ROWS: list[dict[str, Any]] = [
    {"customer_id": "C1", "name": "=HYPERLINK(\"http://evil\",\"x\")", "owner": "Sophie Bernard",
     "segment": "Grand compte", "outstanding_amount": "256884.86", "overdue_amount": "256884.86",
     "oldest_overdue_days": 92, "credit_limit_amount": "1000000.00", "credit_utilisation": 0.2569},
    {"customer_id": "C2", "name": "+33 Négoce", "owner": "Julien Lefebvre", "segment": "Machinery",
     "outstanding_amount": "220122.06", "overdue_amount": "12400.00", "oldest_overdue_days": 67,
     "credit_limit_amount": None, "credit_utilisation": None},
    {"customer_id": "C3", "name": "@SUM(A1)", "owner": "Sophie Bernard", "segment": "-PME",
     "outstanding_amount": "100.10", "overdue_amount": "0.10", "oldest_overdue_days": 3,
     "credit_limit_amount": "5000.00", "credit_utilisation": 0.02},
    {"customer_id": "C4", "name": "\tTab SARL", "owner": None, "segment": None,
     "outstanding_amount": "999.99", "overdue_amount": "999.99", "oldest_overdue_days": 31,
     "credit_limit_amount": "0.00", "credit_utilisation": None},
]  # fmt: skip


def _pages(size: int) -> Any:
    """A fake API paging API_ROWS by an opaque cursor."""
    calls: list[str | None] = []

    def page(cursor: str | None) -> dict[str, Any]:
        calls.append(cursor)
        start = int(cursor or 0)
        end = start + size
        return {
            "data": API_ROWS[start:end],
            "count": len(API_ROWS),
            "next_cursor": str(end) if end < len(API_ROWS) else None,
        }

    return page, calls


def test_every_page_is_followed() -> None:
    page, calls = _pages(1)
    rows, truncated = worklist.load_all(page)
    assert [r["customer_id"] for r in rows] == ["C1", "C2", "C3", "C4"]
    assert calls == [None, "1", "2", "3"] and not truncated
    page, _ = _pages(1)
    rows, truncated = worklist.load_all(page, max_rows=2)
    assert len(rows) == 2 and truncated


def test_filters_and_totals_to_the_cent() -> None:
    rows = worklist.prepare(API_ROWS)
    assert [r["bucket"] for r in rows] == ["over_90", "61_90", "1_30", "31_60"]
    mine = worklist.apply(rows, Filters(owner="Sophie Bernard"))
    assert [r["customer_id"] for r in mine] == ["C1", "C3"]
    assert worklist.totals(mine)["overdue_amount"] == Decimal("256884.96")
    assert worklist.totals(mine)["outstanding_amount"] == Decimal("256984.96")
    big = worklist.apply(rows, Filters(min_amount=Decimal("999.99")))
    assert [r["customer_id"] for r in big] == ["C1", "C2", "C4"]
    assert [r["customer_id"] for r in worklist.apply(rows, Filters(bucket="31_60"))] == ["C4"]
    assert [r["customer_id"] for r in worklist.apply(rows, Filters(segment="Machinery"))] == ["C2"]
    assert worklist.totals(rows)["overdue_amount"] == Decimal("270284.95")


def test_sort_keeps_blanks_last() -> None:
    rows = worklist.prepare(API_ROWS)
    up = worklist.sort(rows, "credit_limit_amount", descending=False)
    assert [r["customer_id"] for r in up] == ["C4", "C3", "C1", "C2"]
    down = worklist.sort(rows, "overdue_amount", descending=True)
    assert [r["customer_id"] for r in down] == ["C1", "C2", "C4", "C3"]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_csv_export_is_exactly_the_filtered_rows_and_formula_safe(lang: str) -> None:
    shown = worklist.apply(worklist.prepare(API_ROWS), Filters(owner="Sophie Bernard"))
    text = worklist.to_csv(shown, lang).decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text), delimiter=";" if lang == "fr" else ","))
    assert len(table) == 1 + len(shown)
    assert table[1][0] == '\'=HYPERLINK("http://evil","x")'
    assert table[2][0] == "'@SUM(A1)" and table[2][2] == "'-PME"
    overdue = 5
    assert table[1][overdue] == ("256884,86" if lang == "fr" else "256,884.86".replace(",", ""))
    for row in table:
        for cell in row:
            assert not cell.startswith(worklist.FORMULA_START) or _is_number(cell)


def _is_number(cell: str) -> bool:
    try:
        Decimal(cell.replace(",", "."))
    except ArithmeticError:
        return False
    return True


def test_xlsx_export_has_no_formula_and_amounts_to_the_cent() -> None:
    shown = worklist.prepare(API_ROWS)
    book = load_workbook(io.BytesIO(worklist.to_xlsx(shown, "en")))
    sheet = book.active
    cells = list(sheet.iter_rows())
    assert len(cells) == 1 + len(shown)
    assert all(c.data_type != "f" for row in cells for c in row)
    names = [row[0].value for row in cells[1:]]
    assert names == ['\'=HYPERLINK("http://evil","x")', "'+33 Négoce", "'@SUM(A1)", "'\tTab SARL"]
    overdue = [row[5].value for row in cells[1:]]
    assert [Decimal(str(v)).quantize(Decimal("0.01")) for v in overdue] == [
        Decimal("256884.86"),
        Decimal("12400.00"),
        Decimal("0.10"),
        Decimal("999.99"),
    ]
    assert cells[0][5].value == "Overdue"


def test_worklist_page_shows_every_overdue_customer_and_opens_one(
    api_server: str, admin_token: str, signed_in_app: Callable[..., AppTest]
) -> None:
    with httpx.Client(base_url=f"{api_server}/api/v1", timeout=60) as http:
        http.headers["Authorization"] = f"Bearer {admin_token}"
        count = http.get("/receivables/overdue", params={"limit": 1}).json()["count"]
    app = signed_in_app("receivables", "en")
    app.run()
    assert not app.exception, app.exception
    assert any(f"{count} customer(s) shown" in m.value for m in app.markdown)
    # a page of the list as one HTML table, its place in the list said under it
    assert _table_rows(app) == min(count, 50)
    assert any(c.value == f"Rows 1–{min(count, 50)} of {count}" for c in app.caption)
    assert any("; days overdue counted at 20" in c.value for c in app.caption)
    assert app.button(key="wl_previous").disabled
    if count > 50:
        app.button(key="wl_next").click().run()
        assert any(c.value.startswith("Rows 51–") for c in app.caption)
    app.selectbox(key="wl_bucket").set_value("over_90").run()
    shown = int(next(m.value for m in app.markdown if "customer(s) shown" in m.value)
                .strip("*").split()[0])  # fmt: skip
    assert 0 < shown < count
    assert any(c.value == f"Rows 1–{min(shown, 50)} of {shown}" for c in app.caption)
    assert _table_rows(app) == min(shown, 50)
    # a customer of the page opens its 360° screen
    first = app.selectbox(key="wl_open").options[0]
    app.selectbox(key="wl_open").select_index(0).run()
    assert not app.exception, app.exception
    assert app.session_state["c360_customer"] and first


def _table_rows(app: AppTest) -> int:
    [table] = [h.proto.body for h in app.get("html") if 'data-table="worklist"' in h.proto.body]
    return table.count("<tr>") - 1  # the header row
