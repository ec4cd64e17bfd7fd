"""A digest in words: the e-mail (text and HTML parts, French or English) and the chat
messages (Slack incoming webhook, Teams Workflows webhook with an Adaptive Card).

Amounts, dates and alert texts come from `kernel/locale_format.py`, the same rules as
the dashboard: 1 234,56 € and 28/11/2026 in French, €1,234.56 and 2026-11-28 in English.
Each line is built from the alert's code and parameters, never the mart's English message.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from kernel.locale_format import alert_fact, alert_title, format_amount, format_date, pick

# The digest's own items (the others are alert codes, titled in locale_format).
LABELS = {
    "overdue": ("Retard de paiement", "Overdue"),
    "balance_jump": ("Hausse de l'encours", "Balance jump"),
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
    "more": (
        "… et {n} autre(s) : la liste des alertes sur vos clients",
        "… and {n} more: the list of alerts on your customers",
    ),
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
    # One mapping per finding of an alert (reference, since, age_days, subject, amount).
    facts: list[Mapping[str, Any]] | None
    oldest_overdue_days: int | None


@dataclass
class Digest:
    """What one person is told: the lines shown, and how many more were left out."""

    lines: list[DigestLine]
    more: int = 0
    total: int = field(init=False)

    def __post_init__(self) -> None:
        self.total = len(self.lines) + self.more


def _t(key: str, lang: str) -> str:
    return pick(TEXT[key], lang)


def money(value: Decimal | None, lang: str, currency: str | None) -> str:
    return format_amount(value, lang, currency)


def day(value: date, lang: str) -> str:
    return format_date(value, lang)


def label(kind: str, lang: str) -> str:
    pair = LABELS.get(kind)
    return pick(pair, lang) if pair else alert_title(kind, lang) or kind


def describe(line: DigestLine, lang: str) -> str:
    amount = money(line.amount, lang, line.currency)
    previous = money(line.previous_amount, lang, line.currency)
    if line.kind in ("overdue", "credit_limit_exceeded", "overdue_before_offer", "balance_jump"):
        text = _t(line.kind, lang).format(
            amount=amount, previous=previous, days=line.oldest_overdue_days or 0
        )
    else:
        facts = [alert_fact(line.kind, f, lang, line.currency) for f in line.facts or []]
        text = "; ".join(f for f in facts if f)
        if line.amount is not None and len(facts) > 1:
            text += f" · {amount}"
    if line.previous_amount is not None and line.kind != "balance_jump":
        text += _t("was", lang).format(previous=previous)
    return text


def subject(digest: Digest, lang: str, today: date) -> str:
    return _t("subject", lang).format(n=digest.total, day=day(today, lang))


def more_line(digest: Digest, lang: str) -> str:
    return _t("more", lang).format(n=digest.more)


def worklist_url(base_url: str) -> str:
    # A salesperson's list of alerts on their own customers opens the customers page.
    return f"{base_url}/customers"


def text_body(digest: Digest, lang: str, who: str, base_url: str) -> str:
    out = [_t("intro", lang).format(who=who), ""]
    colon = " : " if lang == "fr" else ": "  # French puts a space before the colon
    for line in digest.lines:
        out.append(f"- {line.name} — {label(line.kind, lang)}{colon}{describe(line, lang)}")
        out.append(f"  {base_url}/customers?customer={line.customer_id}")
    if digest.more:
        out += [more_line(digest, lang), f"  {worklist_url(base_url)}"]
    out += ["", _t("footer", lang)]
    return "\n".join(out) + "\n"


def html_body(digest: Digest, lang: str, who: str, base_url: str, title: str) -> str:
    e = html.escape
    more = (
        f'<p><a href="{e(worklist_url(base_url))}">{e(more_line(digest, lang))}</a></p>'
        if digest.more
        else ""
    )
    lines = digest.lines
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
        f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>{more}"
        f'<p style="color: #6b7280; font-size: small">{e(_t("footer", lang))}</p>'
        "</body></html>"
    )


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_payload(digest: Digest, lang: str, title: str, base_url: str) -> dict[str, Any]:
    lines = digest.lines
    items = [
        f"• <{base_url}/customers?customer={line.customer_id}|{_slack_escape(line.name)}> — "
        f"*{label(line.kind, lang)}*: {_slack_escape(describe(line, lang))}"
        for line in lines
    ]
    if digest.more:
        items.append(f"<{worklist_url(base_url)}|{_slack_escape(more_line(digest, lang))}>")
    return {"text": f"*{_slack_escape(title)}*\n" + "\n".join(items)}


def teams_payload(digest: Digest, lang: str, title: str, base_url: str) -> dict[str, Any]:
    lines = digest.lines
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
    if digest.more:
        body.append(
            {
                "type": "TextBlock",
                "wrap": True,
                "text": f"[{more_line(digest, lang)}]({worklist_url(base_url)})",
            }
        )
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
