"""The one-page A4 brief of a customer (PDF, fpdf2): what a salesperson reads before a visit.

Identity, alerts, balances and aging, open orders and pipeline, last interactions and key
contacts. Pure: it takes what the API returned and returns PDF bytes. Lists are cut so
the brief always holds on one page (a test renders it and counts the pages).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from fpdf import FPDF

from dashboard.i18n import (
    MISSING,
    alert_line,
    column_label,
    format_amount,
    format_date,
    format_days,
    format_siren,
    format_siret,
    t,
    to_decimal,
    value_label,
)
from dashboard.profile import BUCKETS, data_line, dates_line, overdue_banner, relationship

# A Unicode TrueType font (Debian's fonts-dejavu-core) for €, narrow spaces and accents;
# without it the built-in Helvetica is used and such characters are replaced.
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
BOTTOM = 285.0  # mm: last usable line of an A4 page with a 12 mm margin
LATIN1_SWAPS = {"\u202f": " ", "\u00a0": " ", "€": "EUR", "–": "-", "—": "-", "’": "'"}


class _Brief(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.set_auto_page_break(auto=False)
        self.set_margins(12, 12, 12)
        self.unicode = (FONT_DIR / "DejaVuSans.ttf").exists()
        if self.unicode:
            self.add_font("brief", "", str(FONT_DIR / "DejaVuSans.ttf"))
            self.add_font("brief", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
            self.family_name = "brief"
        else:
            self.family_name = "helvetica"
        self.add_page()

    def text_of(self, value: Any) -> str:
        text = str(value if value not in (None, "") else MISSING)
        if self.unicode:
            return text
        for a, b in LATIN1_SWAPS.items():
            text = text.replace(a, b)
        return text.encode("latin-1", "replace").decode("latin-1")

    def room(self, height: float) -> bool:
        return self.get_y() + height <= BOTTOM

    def heading(self, text: str) -> bool:
        if not self.room(12):
            return False
        self.ln(2)
        self.set_font(self.family_name, "B", 11)
        self.set_fill_color(230, 236, 243)
        self.cell(0, 6.5, self.text_of(text), new_x="LMARGIN", new_y="NEXT", fill=True)
        self.set_font(self.family_name, "", 8.5)
        return True

    def line_of(self, text: str, bold: bool = False, height: float = 4.6) -> bool:
        if not self.room(height):
            return False
        self.set_font(self.family_name, "B" if bold else "", 8.5)
        self.multi_cell(0, height, self.text_of(text), new_x="LMARGIN", new_y="NEXT")
        self.set_font(self.family_name, "", 8.5)
        return True

    def grid(
        self, headers: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[float]
    ) -> None:
        if not rows:
            self.line_of(MISSING)
            return
        self.set_font(self.family_name, "B", 8)
        for head, width in zip(headers, widths, strict=True):
            self.cell(width, 5, self.text_of(head), border="B")
        self.ln(5)
        self.set_font(self.family_name, "", 8)
        for row in rows:
            if not self.room(4.6):
                break
            for value, width in zip(row, widths, strict=True):
                text = self.text_of(value)
                while len(text) > 3 and self.get_string_width(text) > width - 1:
                    text = text[:-2] + "…" if self.unicode else text[:-4] + "..."
                self.cell(width, 4.6, text)
            self.ln(4.6)


def _open(records: Sequence[dict[str, Any]], key: str, values: set[str]) -> list[dict[str, Any]]:
    return [r for r in records if str(r.get(key) or "").lower() in values]


def build_brief(
    profile: dict[str, Any],
    items: Sequence[dict[str, Any]],
    orders: Sequence[dict[str, Any]],
    opportunities: Sequence[dict[str, Any]],
    contacts: Sequence[dict[str, Any]],
    timeline: Sequence[dict[str, Any]],
    lang: str = "fr",
    as_of: date | None = None,
) -> bytes:
    """PDF bytes of the customer's one-page brief."""
    cur = (profile.get("terms") or {}).get("currency") or "EUR"
    fin = profile.get("financial") or {}
    legal = profile.get("legal") or {}
    coords = profile.get("coordinates") or {}
    terms = profile.get("terms") or {}
    pdf = _Brief()
    pdf.set_title(f"{t('brief_title', lang)} — {profile.get('name') or ''}")

    def money(key: str) -> str:
        return format_amount(fin.get(key), lang, cur)

    pdf.set_font(pdf.family_name, "B", 16)
    pdf.multi_cell(0, 8, pdf.text_of(profile.get("name")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(pdf.family_name, "", 8.5)
    pdf.line_of(t("brief_title", lang) + " · " + data_line(profile.get("snapshot"), as_of, lang))

    pdf.heading(t("identity", lang))
    pdf.line_of(
        " · ".join(
            [
                f"{t('code', lang)} {profile.get('customer_code') or MISSING}",
                f"{t('owner', lang)} {profile.get('owner') or MISSING}",
                f"{t('segment', lang)} {profile.get('segment') or MISSING}",
            ]
        )
    )
    pdf.line_of(
        " · ".join(
            [
                f"{t('siren', lang)} {format_siren(legal.get('siren'))}",
                f"{t('siret', lang)} {format_siret(legal.get('siret'))}",
                f"{t('vat', lang)} {legal.get('vat_number') or MISSING}",
                f"{t('payment_terms', lang)} {format_days(terms.get('payment_terms_days'), lang)}",
            ]
        )
    )
    place = " ".join(str(coords[k]) for k in ("street", "postcode", "city") if coords.get(k))
    reach = " · ".join(str(coords[k]) for k in ("email", "phone") if coords.get(k))
    pdf.line_of(" · ".join(x for x in (place, reach) if x) or MISSING)

    pdf.heading(t("alerts", lang))
    banner = overdue_banner(fin, list(items), lang, cur)
    alerts = [
        a
        for a in profile.get("alerts") or []
        if not banner
        or a.get("alert_type") not in ("overdue_before_offer", "credit_limit_exceeded")
    ]
    if banner:
        pdf.set_text_color(170, 20, 20)
        pdf.line_of(("⚠ " if pdf.unicode else "! ") + banner[1], bold=True)
        pdf.set_text_color(0, 0, 0)
    for alert in alerts[:4]:
        pdf.line_of(f"• {alert_line(alert, lang, cur)}")
    if not banner and not alerts:
        pdf.line_of(t("no_alerts", lang))

    pdf.heading(t("balances", lang))
    pdf.grid(
        [t(k, lang) for k in ("outstanding", "overdue", "oldest_overdue", "credit_limit", "exposure")],
        [[money("outstanding_amount"), money("overdue_amount"),
          format_days(fin.get("oldest_overdue_days"), lang), money("credit_limit_amount"),
          money("credit_exposure_amount")]],
        [37, 37, 37, 37, 38],
    )  # fmt: skip
    aging = fin.get("aging") or {}
    pdf.grid(
        [t(b, lang) for b in BUCKETS],
        [[format_amount(aging.get(b), lang, cur) for b in BUCKETS]],
        [37, 37, 37, 37, 38],
    )
    pdf.grid(
        [t(k, lang) for k in ("revenue_ytd", "revenue_last_year", "open_orders", "open_pipeline")],
        [[money("revenue_ytd_amount"), money("revenue_last_year_amount"),
          money("open_orders_amount"), money("open_pipeline_amount")]],
        [46, 46, 46, 48],
    )  # fmt: skip

    pdf.heading(t("open_orders_pipeline", lang))
    # Invoiced orders stay "confirmed" in the ERP: list orders only when some are open.
    if (to_decimal(fin.get("open_orders_amount")) or 0) > 0:
        live_orders = _open(orders, "status", {"draft", "confirmed", "sale", "sent"})[:5]
        pdf.grid(
            [column_label(c, lang) for c in ("order_number", "order_date", "status", "amount_incl_tax")],
            [[o.get("order_number"), format_date(o.get("order_date"), lang),
              value_label(o.get("status"), lang), format_amount(o.get("amount_incl_tax"), lang, cur)]
             for o in live_orders],
            [36, 40, 40, 70],
        )  # fmt: skip
    else:
        pdf.line_of(f"{t('open_orders', lang)} : {money('open_orders_amount')}")
    live_opps = _open(opportunities, "status", {"open"})[:5]
    pdf.grid(
        [column_label(c, lang) for c in ("name", "stage", "close_date", "amount")],
        [[o.get("name"), value_label(o.get("stage"), lang), format_date(o.get("close_date"), lang),
          format_amount(o.get("amount"), lang, cur)] for o in live_opps],
        [70, 46, 30, 40],
    )  # fmt: skip

    pdf.heading(t("recent", lang))
    pdf.line_of(dates_line(profile, list(items), as_of, lang))
    for label, text in relationship(profile, lang, cur):
        pdf.line_of(f"{label} : {text}" if lang == "fr" else f"{label}: {text}")
    pdf.grid(
        [column_label(c, lang) for c in ("event_date", "event_type", "reference", "status", "amount")],
        [[format_date(e.get("event_date"), lang), value_label(e.get("event_type"), lang),
          e.get("reference"), value_label(e.get("status"), lang),
          format_amount(e.get("amount"), lang, e.get("currency") or cur)] for e in timeline[:6]],
        [26, 30, 50, 40, 40],
    )  # fmt: skip

    pdf.heading(t("key_contacts", lang))
    pdf.grid(
        [column_label(c, lang) for c in ("full_name", "job_title", "email", "phone")],
        [[c.get("full_name") or " ".join(x for x in (c.get("first_name"), c.get("last_name")) if x),
          c.get("job_title"), c.get("email"), c.get("phone")] for c in contacts[:5]],
        [45, 40, 66, 35],
    )  # fmt: skip
    return bytes(pdf.output())
