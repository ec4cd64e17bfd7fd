"""Customer search over the serving file: exact ids, then name prefix, substring, typos.

The query is folded the ways the build folded the index (warehouse/sql/serving/
customer_search.sql and search_key.sql): lower-case without accents for text; legal ids
and codes without spaces, dots, dashes or slashes; e-mails lower-cased; phones by their
last nine digits. Each tier is one indexed read bounded by SEARCH_CAP rows, or by a
fixed number of candidates when filters (segment, owner, overdue) must be checked on them:

0. exact keys (SIREN, SIRET, another SIRET of the same SIREN, VAT, customer code,
   company or contact e-mail or phone): `search_key` by its index. A query naming an id
   wants that customer: when it names one, the tiers below are skipped;
1. name prefix: a range of `customer_search.folded_name`'s index (of `(owner,
   folded_name)` for a salesperson's scope);
2. substring of the name, city or an e-mail (3 characters or more), and postcodes: the
   trigram index `search_text`;
3. typos (4 characters or more with a letter, no e-mail, when the tiers above found
   fewer than FUZZY_BELOW): names holding two of the query's four rarest trigrams
   (their counts read from `search_gram`), at most _GRAM_CANDIDATES of them, the
   closest _FUZZY_CANDIDATES by `similarity` (rapidfuzz), the closest first.

Every hit says why it matched (`match_reason`). The tiers collect ids only; the page's
rows are then read by id. The ranked list is paged by position in it (it never exceeds
SEARCH_CAP); browsing without `q` pages by keyset over the whole index.
"""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from itertools import combinations
from typing import Any

from rapidfuzz import fuzz, process

from api.evidence import format_siret
from api.queries import cursor_position, position_cursor
from api.serving import seq_cursor, seq_from

SEARCH_CAP = 200
FUZZY_BELOW = 10
# One typo in a word of 6 letters scores 0.83; unrelated short names about 0.6.
FUZZY_MIN_SCORE = 0.75
_RARE_TRIGRAMS = 4
_FUZZY_CANDIDATES = 50
# Names read for the typo tier (those holding two of the query's rarest trigrams).
_GRAM_CANDIDATES = 1000
# Hits of a tier read before checking filters on them: a filtered search (segment,
# overdue; owner beyond its own index) looks among this many, never the whole index.
FILTERED_CANDIDATES = 5000
# How close a typed word is to a name (0 to 100): `similarity`, and the typo tier's rank.
_CLOSENESS = fuzz.partial_ratio
_COMPACT = re.compile(r"[\s.\-/]")
_PHONE = re.compile(r"^[\d\s.\-+()/]+$")

# The fields of a CustomerSummary (api/schemas.py) but `match_reason`, in its order.
_SUMMARY_FIELDS = (
    "customer_id",
    "name",
    "siren",
    "city",
    "postcode",
    "segment",
    "owner",
    "customer_code",
    "outstanding_amount",
    "overdue_amount",
    "alert_count",
    "source_count",
)
# A row's JSON is written by SQLite (amounts are stored as text to the cent, as the model
# sends them): the page is not validated again field by field, nor encoded in Python.
SUMMARY = (
    "s.seq, s.customer_id, s.name, s.siren, s.city, s.postcode, s.segment, s.owner,"
    " s.customer_code, s.outstanding_amount, s.overdue_amount, s.alert_count,"
    " s.source_count, s.folded_name, s.folded_city, s.folded_email, json_object("
    + ", ".join(f"'{f}', s.{f}" for f in _SUMMARY_FIELDS)
    + ") as row_json"
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
    """The rank the page starts at; past the capped hits it is an empty page."""
    return cursor_position(cursor)


def similarity(query: str, name: str) -> float:
    """How close the query is to the best-matching stretch of the name, 0 to 1 (rapidfuzz's
    partial ratio: a word being typed, or a word of the name, typo included)."""
    return float(_CLOSENESS(query, name)) / 100


def _phrase(text: str) -> str:
    """An FTS5 string literal: the text as one phrase, quotes doubled."""
    return '"' + text.replace('"', '""') + '"'


class _Ranked:
    """The ranked hits (by `customer_search.seq`, the row id every index leads to), first
    tier first, each customer once, with their reason (None: a substring hit, phrased once
    its row is read for the page)."""

    def __init__(self) -> None:
        self.hits: dict[int, str | None] = {}

    @property
    def full(self) -> bool:
        return len(self.hits) >= SEARCH_CAP

    def add(self, seq: int, reason: str | None) -> None:
        if seq not in self.hits and len(self.hits) < SEARCH_CAP:
            self.hits[seq] = reason


def _exact(
    lite: sqlite3.Connection, q: str, where: str, values: tuple[Any, ...], ranked: _Ranked
) -> tuple[bool, list[tuple[int, str]]]:
    """Tier 0 into `ranked`; returns whether the query named an id of a customer, and the
    postcode hits, which rank with substrings."""
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
    rows = lite.execute(
        "select s.seq, k.key, k.kind, k.shown from search_key as k "
        "join customer_search as s on s.customer_id = k.customer_id "
        f"where k.key in ({marks}){where} order by s.seq limit ?",
        (*keys, *values, SEARCH_CAP),
    ).fetchall()
    postcodes: list[tuple[int, str]] = []
    direct: list[tuple[int, str]] = []
    related: list[tuple[int, str]] = []
    for seq, key, kind, shown in rows:
        kinds = wanted.get(key, set())
        if kind == "postcode" and kind in kinds:
            postcodes.append((seq, f"postcode {shown}"))
        elif kind in kinds:
            text = format_siret(shown) if kind in ("siren", "siret") else shown
            direct.append((seq, f"{_ID_KINDS[kind]} {text}"))
        elif kind == "siren" and "siren_of_siret" in kinds:
            text = f"SIREN {format_siret(shown)} of SIRET {format_siret(compact)}"
            related.append((seq, text))
    # The id named itself first, then other establishments of the same SIREN.
    for seq, reason in direct + related:
        ranked.add(seq, reason)
    return bool(direct), postcodes


def _seqs(cursor: sqlite3.Cursor) -> list[int]:
    return [int(r[0]) for r in cursor.fetchall()]


def _prefix(
    lite: sqlite3.Connection,
    folded: str,
    filters: dict[str, Any],
    where: str,
    values: tuple[Any, ...],
    wanted: int,
) -> list[int]:
    """Tier 1: names starting with the query, in name order."""
    bounds = (folded, folded + "\U0010ffff")
    if not where:
        return _seqs(
            lite.execute(
                "select s.seq from customer_search as s "
                "where s.folded_name >= ? and s.folded_name < ? "
                "order by s.folded_name, s.seq limit ?",
                (*bounds, wanted),
            )
        )
    # A salesperson's names are one range of the (owner, folded_name) index; the other
    # filters are checked on at most FILTERED_CANDIDATES of the range.
    owner = filters.get("owner")
    scope, scoped = (" and s.owner = ?", (owner,)) if owner is not None else ("", ())
    rows = lite.execute(
        "select s.seq, s.folded_name from ("
        "select s.seq, s.folded_name, s.segment, s.owner, s.has_overdue "
        "from customer_search as s "
        f"where s.folded_name >= ? and s.folded_name < ?{scope} "
        "order by s.folded_name, s.seq limit ?"
        f") as s where 1 = 1{where} limit ?",
        (*bounds, *scoped, FILTERED_CANDIDATES, *values, wanted),
    ).fetchall()
    return [int(seq) for _, seq in sorted((name, seq) for seq, name in rows)]


def _substring(
    lite: sqlite3.Connection, folded: str, where: str, values: tuple[Any, ...]
) -> list[int]:
    """Tier 2: names, cities and e-mails containing the query, in name order."""
    if not where:
        return _seqs(
            lite.execute(
                "select rowid from search_text where search_text match ? order by rowid limit ?",
                (_phrase(folded), SEARCH_CAP),
            )
        )
    return _seqs(
        lite.execute(
            "select t.rowid from ("
            "select rowid from search_text where search_text match ? order by rowid limit ?"
            ") as t join customer_search as s on s.seq = t.rowid "
            f"where 1 = 1{where} order by t.rowid limit ?",
            (_phrase(folded), FILTERED_CANDIDATES, *values, SEARCH_CAP),
        )
    )


def search(
    lite: sqlite3.Connection,
    q: str,
    filters: dict[str, Any],
    limit: int,
    cursor: str | None,
) -> dict[str, Any]:
    """The ranked hits (row ids only, at most SEARCH_CAP), then the page's rows by id.

    Each tier reads at most what is left to fill SEARCH_CAP, and the tiers stop once it
    is full: a short, common fragment costs at most SEARCH_CAP index entries."""
    start = _position(cursor)
    folded = fold(q)
    where, values = _where(filters)
    ranked = _Ranked()
    named, postcodes = _exact(lite, q, where, values, ranked)
    if folded and not named and not ranked.full:
        for seq in _prefix(lite, folded, filters, where, values, SEARCH_CAP - len(ranked.hits)):
            ranked.add(seq, f"name starts with '{q}'")
    if len(folded) >= 3 and not named and not ranked.full:
        # Name-prefix hits contain the fragment too: read past as many as were found.
        for seq in _substring(lite, folded, where, values):
            ranked.add(seq, None)
    for seq, reason in postcodes:
        ranked.add(seq, reason)
    # Typos are looked for in words: not for ids, phones or e-mails (exact or nothing).
    wordy = any(ch.isalpha() for ch in folded) and "@" not in folded
    if wordy and not named and len(folded) >= 4 and len(ranked.hits) < FUZZY_BELOW:
        _fuzzy(lite, folded, where, values, ranked)
    ids = list(ranked.hits)
    page_ids = ids[start : start + limit]
    marks = ", ".join("?" * len(page_ids))
    rows = {
        r["seq"]: r
        for r in _rows(
            lite.execute(
                f"select {SUMMARY} from customer_search as s where s.seq in ({marks})",
                page_ids,
            )
        )
    }
    page = []
    for seq in page_ids:
        row = rows[seq]
        reason = ranked.hits[seq] or _contains(row, folded, q)
        page.append({**row, "match_reason": reason})
    more = start + limit < len(ids)
    return {
        "data": page,
        "count": len(ids),
        "next_cursor": position_cursor(start + limit) if more else None,
    }


def _contains(row: dict[str, Any], folded: str, q: str) -> str:
    for label, key in (("name", "folded_name"), ("city", "folded_city")):
        if folded in (row[key] or ""):
            return f"{label} contains '{q}'"
    return f"e-mail contains '{q}'"


def _fuzzy(
    lite: sqlite3.Connection, folded: str, where: str, values: tuple[Any, ...], ranked: _Ranked
) -> None:
    """Tier 3: names holding two of the query's rarest trigrams (a typo breaks at most
    three of a word's, so the name meant keeps two of four), the most similar first.

    Bounded: one trigram-index read of at most _GRAM_CANDIDATES names, narrowed by
    rapidfuzz to the _FUZZY_CANDIDATES most `similarity`."""
    grams = sorted({folded[i : i + 3] for i in range(len(folded) - 2)})[:40]
    marks = ", ".join("?" * len(grams))
    rare = [
        str(r[0])
        for r in lite.execute(
            f"select gram from search_gram where gram in ({marks}) order by docs, gram limit ?",
            (*grams, _RARE_TRIGRAMS),
        ).fetchall()
    ]
    if not rare:
        return
    pairs = combinations(rare, 2) if len(rare) > 1 else [(rare[0],)]
    match = (
        "name : ("
        + " OR ".join("(" + " AND ".join(_phrase(g) for g in pair) + ")" for pair in pairs)
        + ")"
    )
    seqs = _seqs(
        lite.execute(
            "select rowid from search_text where search_text match ? order by rowid limit ?",
            (match, _GRAM_CANDIDATES),
        )
    )
    if not seqs:
        return
    marks = ", ".join("?" * len(seqs))
    names = dict(
        lite.execute(
            f"select s.seq, s.folded_name from customer_search as s "
            f"where s.seq in ({marks}){where}",
            (*seqs, *values),
        ).fetchall()
    )
    closest = process.extract(
        folded,
        names,
        scorer=_CLOSENESS,
        limit=_FUZZY_CANDIDATES,
        score_cutoff=100 * FUZZY_MIN_SCORE,
    )
    for _, score, seq in sorted(closest, key=lambda x: (-x[1], x[2])):
        ranked.add(int(seq), f"name close to '{folded}' ({score / 100:.2f})")


def page_json(body: dict[str, Any]) -> bytes:
    """A search or browse page as the JSON of Page[CustomerSummary]: each row's JSON as
    SQLite wrote it, with its `match_reason`."""
    rows = ",".join(
        row["row_json"][:-1]
        + ',"match_reason":'
        + json.dumps(row.get("match_reason"), ensure_ascii=False)
        + "}"
        for row in body["data"]
    )
    tail = json.dumps({"count": body["count"], "next_cursor": body["next_cursor"]})
    return f'{{"data":[{rows}],{tail[1:]}'.encode()
