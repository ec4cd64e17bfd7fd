"""A digest in words: the e-mail (text and HTML parts, French or English) and the chat
messages (Slack incoming webhook, Teams Workflows webhook with an Adaptive Card).

Amounts and dates in the reader's locale, as the dashboard shows them: 1 234,56 € and
28/11/2026 in French, €1,234.56 and 28 Nov 2026 in English.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

NNBSP = "\u202f"  # French thousands separator
NBSP = "\u00a0"
SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

LABELS = {
    "overdue": ("Retard de paiement", "Overdue"),
    "credit_limit_exceeded": ("Plafond de crédit dépassé", "Credit limit exceeded"),
    "overdue_before_offer": ("Offre ouverte chez un client en retard", "Open offer, late payer"),
    "balance_jump": ("Hausse de l'encours", "Balance jump"),
    "quote_unanswered": ("Devis sans réponse", "Quote unanswered"),
    "urgent_ticket": ("Ticket urgent", "Urgent ticket"),
}
TEXT = {
    "subject": (
        "c360 · {n} alerte(s) sur vos clients · {day}",
        "c360 · {n} alert(s) on your customers · {day}",
    ),
    "intro": (
        "Bonjour {who}, voici ce qui est nouveau ou a changé chez vos clients depuis le "
        "dernier résumé.",
        "Hello {who}, here is what is new or changed for your customers since the last digest.",
    ),
    "overdue": (
        "{amount} en retard (le plus ancien : {days} j)",
        "{amount} overdue (oldest {days} days)",
    ),
    "credit_limit_exceeded": ("{amount} au-dessus du plafond", "{amount} over the credit limit"),
    "overdue_before_offer": (
        "{amount} en retard alors qu'une offre est ouverte",
        "{amount} overdue while an offer is open",
    ),
    "balance_jump": (
        "encours passé de {previous} à {amount}",
        "outstanding rose from {previous} to {amount}",
    ),
    "was": (" (était {previous})", " (was {previous})"),
    "open": ("Ouvrir la fiche", "Open the 360° screen"),
    "customer": ("Client", "Customer"),
    "alert": ("Alerte", "Alert"),
    "detail": ("Détail", "Detail"),
    "footer": (
        "Envoyé par c360. Vous recevez ce résumé en tant que commercial de ces clients.",
        "Sent by c360 to you as the salesperson of these customers.",
    ),
}


@dataclass(frozen=True)
class DigestLine:
    customer_id: str
    name: str
    currency: str | None
    kind: str
    amount: Decimal | None
    previous_amount: Decimal | None
    detail: str | None
    oldest_overdue_days: int | None


def _t(key: str, lang: str) -> str:
    return TEXT[key][0 if lang == "fr" else 1]


def money(value: Decimal | None, lang: str, currency: str | None) -> str:
    if value is None:
        return "—"
    code = (currency or "EUR").upper()
    symbol = SYMBOLS.get(code, code)
    text = f"{abs(value):,.2f}"
    sign = "-" if value < 0 else ""
    if lang == "fr":
        text = text.replace(",", NNBSP).replace(".", ",")
        return f"{sign}{text}{NBSP}{symbol}"
    return f"{sign}{symbol}{'' if code in SYMBOLS else NBSP}{text}"


def day(value: date, lang: str) -> str:
    if lang == "fr":
        return value.strftime("%d/%m/%Y")
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def label(kind: str, lang: str) -> str:
    pair = LABELS.get(kind, (kind, kind))
    return pair[0 if lang == "fr" else 1]


def describe(line: DigestLine, lang: str) -> str:
    amount = money(line.amount, lang, line.currency)
    previous = money(line.previous_amount, lang, line.currency)
    if line.kind in ("overdue", "credit_limit_exceeded", "overdue_before_offer", "balance_jump"):
        text = _t(line.kind, lang).format(
            amount=amount, previous=previous, days=line.oldest_overdue_days or 0
        )
    else:
        text = " · ".join(
            p for p in (line.detail, amount if line.amount is not None else None) if p
        )
    if line.previous_amount is not None and line.kind != "balance_jump":
        text += _t("was", lang).format(previous=previous)
    return text


def subject(lines: list[DigestLine], lang: str, today: date) -> str:
    return _t("subject", lang).format(n=len(lines), day=day(today, lang))


def text_body(lines: list[DigestLine], lang: str, who: str, base_url: str) -> str:
    out = [_t("intro", lang).format(who=who), ""]
    colon = " : " if lang == "fr" else ": "  # French puts a space before the colon
    for line in lines:
        out.append(f"- {line.name} — {label(line.kind, lang)}{colon}{describe(line, lang)}")
        out.append(f"  {base_url}/customers?customer={line.customer_id}")
    out += ["", _t("footer", lang)]
    return "\n".join(out) + "\n"


def html_body(lines: list[DigestLine], lang: str, who: str, base_url: str, title: str) -> str:
    e = html.escape
    rows = "".join(
        "<tr>"
        f'<td><a href="{e(f"{base_url}/customers?customer={line.customer_id}")}">{e(line.name)}</a></td>'
        f"<td>{e(label(line.kind, lang))}</td>"
        f"<td>{e(describe(line, lang))}</td>"
        "</tr>"
        for line in lines
    )
    head = "".join(f"<th>{e(_t(k, lang))}</th>" for k in ("customer", "alert", "detail"))
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{e(title)}</title></head>'
        '<body style="font-family: sans-serif; color: #1f2937">'
        f"<p>{e(_t('intro', lang).format(who=who))}</p>"
        '<table style="border-collapse: collapse" cellpadding="6" border="1">'
        f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
        f'<p style="color: #6b7280; font-size: small">{e(_t("footer", lang))}</p>'
        "</body></html>"
    )


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_payload(lines: list[DigestLine], lang: str, title: str, base_url: str) -> dict[str, Any]:
    items = [
        f"• <{base_url}/customers?customer={line.customer_id}|{_slack_escape(line.name)}> — "
        f"*{label(line.kind, lang)}*: {_slack_escape(describe(line, lang))}"
        for line in lines
    ]
    return {"text": f"*{_slack_escape(title)}*\n" + "\n".join(items)}


def teams_payload(lines: list[DigestLine], lang: str, title: str, base_url: str) -> dict[str, Any]:
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": title, "weight": "Bolder", "size": "Medium", "wrap": True}
    ]
    body += [
        {
            "type": "TextBlock",
            "wrap": True,
            "text": f"[{line.name}]({base_url}/customers?customer={line.customer_id}) — "
            f"**{label(line.kind, lang)}**: {describe(line, lang)}",
        }
        for line in lines
    ]
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
    }
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": card,
            }
        ],
    }
