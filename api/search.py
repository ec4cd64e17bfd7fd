"""Customer search over the serving file: exact ids, then name prefix, substring, typos.

The query is folded the ways the build folded the index (warehouse/sql/serving/
customer_search.sql and search_key.sql): lower-case without accents for text; legal ids
and codes without spaces, dots, dashes or slashes; e-mails lower-cased; phones by their
last nine digits. Each tier is one indexed read bounded by SEARCH_CAP rows:

0. exact keys (SIREN, SIRET, another SIRET of the same SIREN, VAT, customer code,
   company or contact e-mail or phone): `search_key` by its index;
1. name prefix: a range of `customer_search.folded_name`'s index;
2. substring of the name, city or an e-mail (3 characters or more), and postcodes: the
   trigram index `search_text`;
3. typos (4 characters or more, when the tiers above found fewer than FUZZY_BELOW): the
   candidates sharing the query's rarest trigrams, ranked by trigram similarity.

Every hit says why it matched (`match_reason`). The ranked list is paged by position in
it (it never exceeds SEARCH_CAP); browsing without `q` pages by keyset over the whole
index.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from typing import Any

from api.errors import ApiError
from api.evidence import format_siret
from api.queries import decode_cursor, encode_cursor
from api.serving import INVALID_CURSOR, seq_cursor, seq_from

SEARCH_CAP = 500
FUZZY_BELOW = 10
FUZZY_MIN_SCORE = 0.45
_RARE_TRIGRAMS = 6
_FUZZY_CANDIDATES = 300
_COMPACT = re.compile(r"[\s.\-/]")
_PHONE = re.compile(r"^[\d\s.\-+()/]+$")

SUMMARY = (
    "s.seq, s.customer_id, s.name, s.siren, s.city, s.postcode, s.segment, s.owner,"
    " s.customer_code, s.outstanding_amount, s.overdue_amount, s.alert_count,"
    " s.source_count, s.folded_name, s.folded_city, s.folded_email"
)
# Filter conditions on customer_search (constants); their values are bound.
FILTERS = {
    "segment": "s.segment = ?",
    "owner": "s.owner = ?",
    "has_overdue": "s.has_overdue = ?",
}
_ID_KINDS = {
    "siren": "SIREN",
    "siret": "SIRET",
    "vat": "VAT number",
    "code": "customer code",
    "email": "e-mail",
    "contact_email": "contact e-mail",
    "phone": "phone",
    "contact_phone": "contact phone",
}
_TEXT_KINDS = frozenset({"siren", "siret", "vat", "code", "postcode"})


def fold(text: str) -> str:
    """Lower-case without accents, as DuckDB's strip_accents(lower(...)) does."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _where(filters: dict[str, Any]) -> tuple[str, tuple[Any, ...]]:
    active = {FILTERS[k]: v for k, v in filters.items() if v is not None}
    return "".join(f" and {c}" for c in active), tuple(active.values())


def _rows(cursor: sqlite3.Cursor) -> list[dict[str, Any]]:
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def browse(
    lite: sqlite3.Connection, filters: dict[str, Any], limit: int, cursor: str | None
) -> dict[str, Any]:
    """Every customer in name order, keyset-paged on seq."""
    after = seq_from(cursor)
    where, values = _where(filters)
    rows = _rows(
        lite.execute(
            f"select {SUMMARY} from customer_search as s where s.seq > ?{where} "
            "order by s.seq limit ?",
            (after, *values, limit + 1),
        )
    )
    if values:
        counted = lite.execute(
            f"select count(*) from customer_search as s where 1 = 1{where}", values
        ).fetchone()
    else:
        counted = lite.execute("select coalesce(max(seq), 0) from customer_search").fetchone()
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "data": rows,
        "count": int(counted[0]) if counted else 0,
        "next_cursor": seq_cursor(rows[-1]["seq"]) if more else None,
    }


def _position(cursor: str | None) -> int:
    value = decode_cursor(cursor)
    if value is None:
        return 0
    pos = value.get("r") if isinstance(value, dict) else None
    if not isinstance(pos, int) or isinstance(pos, bool) or not 0 < pos < SEARCH_CAP:
        raise ApiError(422, "invalid_cursor", INVALID_CURSOR)
    return pos


def _grams(text: str) -> set[str]:
    padded = f"  {text} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def similarity(query: str, name: str) -> float:
    """Trigram similarity of the query to its best-matching run of words in the name."""
    wanted = _grams(query)
    words = name.split()
    n = max(len(query.split()), 1)
    best = 0.0
    for i in range(max(len(words) - n + 1, 1)):
        grams = _grams(" ".join(words[i : i + n]))
        union = len(wanted | grams)
        best = max(best, len(wanted & grams) / union if union else 0.0)
    return best


def _phrase(text: str) -> str:
    """An FTS5 string literal: the text as one phrase, quotes doubled."""
    return '"' + text.replace('"', '""') + '"'


class _Ranked:
    """The ranked hits, first tier first, each customer once."""

    def __init__(self) -> None:
        self.hits: dict[str, dict[str, Any]] = {}

    def add(self, row: dict[str, Any], reason: str) -> None:
        if row["customer_id"] not in self.hits and len(self.hits) < SEARCH_CAP:
            self.hits[row["customer_id"]] = {**row, "match_reason": reason}

    def add_all(self, rows: list[dict[str, Any]], reason: str) -> None:
        for row in rows:
            self.add(row, reason)


def _exact(
    lite: sqlite3.Connection, q: str, where: str, values: tuple[Any, ...], ranked: _Ranked
) -> list[tuple[dict[str, Any], str]]:
    """Tier 0 into `ranked`; returns the postcode hits, which rank with substrings."""
    compact = _COMPACT.sub("", q).upper()
    wanted: dict[str, set[str]] = {compact: set(_TEXT_KINDS)}
    if "@" in q:
        wanted.setdefault(q.strip().lower(), set()).update({"email", "contact_email"})
    digits = re.sub(r"\D", "", q)
    if _PHONE.match(q) and len(digits) >= 9:
        wanted.setdefault(digits[-9:], set()).update({"phone", "contact_phone"})
    if compact.isdigit() and len(compact) == 14:
        wanted.setdefault(compact[:9], set()).add("siren_of_siret")
    keys = list(wanted)
    marks = ", ".join("?" * len(keys))
    rows = _rows(
        lite.execute(
            f"select {SUMMARY}, k.key, k.kind, k.shown from search_key as k "
            f"join customer_search as s on s.customer_id = k.customer_id "
            f"where k.key in ({marks}){where} order by s.seq limit ?",
            (*keys, *values, SEARCH_CAP),
        )
    )
    postcodes, direct, related = [], [], []
    for row in rows:
        kinds, kind, shown = wanted.get(row.pop("key"), set()), row.pop("kind"), row.pop("shown")
        if kind == "postcode" and kind in kinds:
            postcodes.append((row, f"postcode {shown}"))
        elif kind in kinds:
            text = format_siret(shown) if kind in ("siren", "siret") else shown
            direct.append((row, f"{_ID_KINDS[kind]} {text}"))
        elif kind == "siren" and "siren_of_siret" in kinds:
            text = f"SIREN {format_siret(shown)} of SIRET {format_siret(compact)}"
            related.append((row, text))
    # The id named itself first, then other establishments of the same SIREN.
    for row, reason in direct + related:
        ranked.add(row, reason)
    return postcodes


def search(
    lite: sqlite3.Connection,
    q: str,
    filters: dict[str, Any],
    limit: int,
    cursor: str | None,
) -> dict[str, Any]:
    start = _position(cursor)
    folded = fold(q)
    where, values = _where(filters)
    ranked = _Ranked()
    postcodes = _exact(lite, q, where, values, ranked)
    if folded:
        prefix = _rows(
            lite.execute(
                f"select {SUMMARY} from customer_search as s "
                f"where s.folded_name >= ? and s.folded_name < ?{where} "
                "order by s.folded_name, s.seq limit ?",
                (folded, folded + "\U0010ffff", *values, SEARCH_CAP),
            )
        )
        ranked.add_all(prefix, f"name starts with '{q}'")
    if len(folded) >= 3:
        found = _rows(
            lite.execute(
                f"select {SUMMARY} from search_text as t "
                f"join customer_search as s on s.seq = t.rowid "
                f"where search_text match ?{where} order by t.rowid limit ?",
                (_phrase(folded), *values, SEARCH_CAP),
            )
        )
        for row in found:
            column = next(
                (
                    label
                    for label, key in (("name", "folded_name"), ("city", "folded_city"))
                    if folded in (row[key] or "")
                ),
                "e-mail",
            )
            ranked.add(row, f"{column} contains '{q}'")
    for row, reason in postcodes:
        ranked.add(row, reason)
    if len(folded) >= 4 and len(ranked.hits) < FUZZY_BELOW:
        _fuzzy(lite, folded, where, values, ranked)
    hits = list(ranked.hits.values())
    page = hits[start : start + limit]
    more = start + limit < len(hits)
    return {
        "data": page,
        "count": len(hits),
        "next_cursor": encode_cursor({"r": start + limit}) if more else None,
    }


def _fuzzy(
    lite: sqlite3.Connection, folded: str, where: str, values: tuple[Any, ...], ranked: _Ranked
) -> None:
    """Tier 3: names sharing the query's rarest trigrams, the most similar first."""
    grams = sorted({folded[i : i + 3] for i in range(len(folded) - 2)})[:40]
    counted = []
    for gram in grams:
        row = lite.execute("select doc from search_vocab where term = ?", (gram,)).fetchone()
        if row and row[0]:
            counted.append((int(row[0]), gram))
    rare = [gram for _, gram in sorted(counted)[:_RARE_TRIGRAMS]]
    if not rare:
        return
    match = "name : (" + " OR ".join(_phrase(g) for g in rare) + ")"
    candidates = _rows(
        lite.execute(
            f"select {SUMMARY} from search_text as t "
            f"join customer_search as s on s.seq = t.rowid "
            f"where search_text match ?{where} order by t.rank limit ?",
            (match, *values, _FUZZY_CANDIDATES),
        )
    )
    scored = [(similarity(folded, row["folded_name"] or ""), row) for row in candidates]
    for score, row in sorted(scored, key=lambda x: (-x[0], x[1]["seq"])):
        if score >= FUZZY_MIN_SCORE:
            ranked.add(row, f"name close to '{folded}' ({score:.2f})")
