"""Customer search over the serving file: exact ids, then name prefix, substring, typos.

The query is folded the ways the build folded the index (warehouse/sql/serving/
customer_search.sql and search_key.sql): lower-case without accents for text; legal ids
and codes without spaces, dots, dashes or slashes; e-mails lower-cased; phones by their
last nine digits. Each tier is one indexed read bounded by SEARCH_CAP rows, or by a
fixed number of candidates when filters (segment, owner, overdue) must be checked on them:

0. exact keys (SIREN, SIRET, another SIRET of the same SIREN, VAT, customer code,
   company or contact e-mail or phone): the sorted key file, by binary search
   (api/search_keys.py), its customers' ranks and filters by `customer_search`'s index.
   A query naming an id wants that customer: when it names one, the tiers below are
   skipped;
1. name prefix: a range of `customer_search.folded_name`'s index (of `(owner,
   folded_name)` for a salesperson's scope);
2. substring of the name, city or an e-mail (3 characters or more), and postcodes: the
   trigram index `search_text` (for one owner, `search_owned`: their own customers'
   index, one row-id range, so they find every one of their hits);
3. typos (4 characters or more with a letter, no e-mail, when the tiers above found
   fewer than FUZZY_BELOW): names holding two of the query's four rarest trigrams
   (their counts read from `search_gram`), at most _GRAM_CANDIDATES of them, the
   closest _FUZZY_CANDIDATES by `similarity` (rapidfuzz), the closest first.

Every hit says why it matched (`match_reason`). The tiers collect ids only; the page's
hits are then read by id, each stored as its JSON (`customer_search`'s documents, an Arrow
file read by seq), and sent as read with its reason appended: no model is built or
validated per hit. The ranked list is paged by position in it (it never exceeds
SEARCH_CAP); browsing without `q` pages by keyset over the whole index.
"""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from collections.abc import Iterable, Sequence
from itertools import combinations
from typing import Any

from rapidfuzz import fuzz, process

from api.evidence import format_siret
from api.list_rows import ListFiles
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
# Hits of a tier read before checking filters on them: a search filtered by segment or
# overdue looks among this many, never the whole index (one owner's hits are read from
# their own index ranges, every one of them).
FILTERED_CANDIDATES = 5000
# The row ids of one owner in `search_owned`: base + seq, seq < 2**32 (the build's
# sqlite_search_text.sql gives each owner base rank << 32).
_OWNER_SPAN = 1 << 32
# How close a typed word is to a name (0 to 100): `similarity`, and the typo tier's rank.
_CLOSENESS = fuzz.partial_ratio
_COMPACT = re.compile(r"[\s.\-/]")
_PHONE = re.compile(r"^[\d\s.\-+()/]+$")

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


class _Scope:
    """The filters of a search as SQL conditions on `customer_search as s`, and the row-id
    base of the owner's own trigram index when one owner is asked for (a salesperson's
    scope, or an admin's `owner=`): its text tiers read that index, and check only the
    other filters on their hits."""

    def __init__(self, filters: dict[str, Any], base: int | None = None) -> None:
        self.where, self.values = _where(filters)
        self.base = base
        rest = {k: v for k, v in filters.items() if k != "owner"} if base is not None else filters
        self.rest_where, self.rest_values = _where(rest)


def _where(filters: dict[str, Any]) -> tuple[str, tuple[Any, ...]]:
    active = {FILTERS[k]: v for k, v in filters.items() if v is not None}
    return "".join(f" and {c}" for c in active), tuple(active.values())


def _scope(lite: sqlite3.Connection, filters: dict[str, Any]) -> _Scope | None:
    """The search's scope; None when the owner asked for has no customer."""
    owner = filters.get("owner")
    if owner is None:
        return _Scope(filters)
    row = lite.execute("select base from search_owner where owner = ?", (owner,)).fetchone()
    return _Scope(filters, int(row[0])) if row else None


def _text(scope: _Scope, match: str, limit: int) -> tuple[str, tuple[Any, ...]]:
    """The select of the seqs whose folded text matches the FTS5 query `match`, in seq
    (name) order, at most `limit`: the owner's own index when the scope has one."""
    if scope.base is None:
        return (
            "select rowid as seq from search_text where search_text match ? order by rowid limit ?",
            (match, limit),
        )
    return (
        "select rowid - ? as seq from search_owned where search_owned match ? "
        "and rowid > ? and rowid < ? order by rowid limit ?",
        (scope.base, match, scope.base, scope.base + _OWNER_SPAN, limit),
    )


def _hits_json(rows: Sequence[tuple[str, str | None]]) -> str:
    """The stored hits (each a CustomerSummary's JSON but its match_reason)
    with their reasons, as the JSON array of a page: copied, not parsed or re-encoded."""
    # A page's hits share a few reasons: each is encoded once.
    reasons = dict.fromkeys(r for _, r in rows)
    said = {r: ',"match_reason":' + json.dumps(r, ensure_ascii=False) + "}" for r in reasons}
    return "[" + ",".join([hit[:-1] + said[reason] for hit, reason in rows]) + "]"


def _page(hits: str, count: int, next_cursor: str | None) -> bytes:
    """Page[CustomerSummary] as JSON, its `data` already written."""
    tail = json.dumps({"count": count, "next_cursor": next_cursor})
    return f'{{"data":{hits},{tail[1:]}'.encode()


def _stored_hits(files: ListFiles, seqs: list[int]) -> list[str]:
    """The stored hits of these seqs (`customer_search`'s documents, in a file of their
    own: its seq is its rowid)."""
    return files.docs("customer_search", seqs)


def browse_json(
    lite: sqlite3.Connection,
    files: ListFiles,
    filters: dict[str, Any],
    limit: int,
    cursor: str | None,
) -> bytes:
    """Every customer in name order, keyset-paged on seq: the response's JSON."""
    after = seq_from(cursor)
    where, values = _where(filters)
    rows = lite.execute(
        f"select s.seq from customer_search as s where s.seq > ?{where} order by s.seq limit ?",
        (after, *values, limit + 1),
    ).fetchall()
    if values:
        counted = lite.execute(
            f"select count(*) from customer_search as s where 1 = 1{where}", values
        ).fetchone()
    else:
        counted = lite.execute("select coalesce(max(seq), 0) from customer_search").fetchone()
    more = len(rows) > limit
    rows = rows[:limit]
    return _page(
        _hits_json([(hit, None) for hit in _stored_hits(files, [r[0] for r in rows])]),
        int(counted[0]) if counted else 0,
        seq_cursor(rows[-1][0]) if more else None,
    )


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

    def add(self, seqs: Iterable[int], reason: str | None) -> None:
        """The tier's seqs (each once, in its order) not ranked yet, while there is room."""
        hits = self.hits
        new = [seq for seq in dict.fromkeys(seqs) if seq not in hits]
        hits.update(dict.fromkeys(new[: SEARCH_CAP - len(hits)], reason))


def _exact(
    lite: sqlite3.Connection, files: ListFiles, q: str, scope: _Scope, ranked: _Ranked
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
    found = [row for key in wanted for row in files.keys.find(key)]
    if not found:
        return False, []
    # The customers' ranks (name order), those in the scope, the first SEARCH_CAP: one
    # read of customer_search's customer_id index per customer found.
    seqs = dict(
        lite.execute(
            "select s.customer_id, s.seq from customer_search as s where s.customer_id in"
            f" (select value from json_each(?)){scope.where} order by s.seq limit ?",
            (json.dumps(sorted({r.customer_id for r in found})), *scope.values, SEARCH_CAP),
        ).fetchall()
    )
    rows = sorted(
        (seqs[r.customer_id], r.key, r.kind, r.shown) for r in found if r.customer_id in seqs
    )[:SEARCH_CAP]
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
        ranked.add((seq,), reason)
    return bool(direct), postcodes


def _seqs(cursor: sqlite3.Cursor) -> list[int]:
    return [r[0] for r in cursor.fetchall()]


def _prefix(
    lite: sqlite3.Connection, folded: str, filters: dict[str, Any], scope: _Scope, wanted: int
) -> list[int]:
    """Tier 1: names starting with the query, in name order."""
    bounds = (folded, folded + "\U0010ffff")
    if not scope.where:
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
    scoped_sql, scoped = (" and s.owner = ?", (owner,)) if owner is not None else ("", ())
    rows = lite.execute(
        "select s.seq, s.folded_name from ("
        "select s.seq, s.folded_name, s.segment, s.owner, s.has_overdue "
        "from customer_search as s "
        f"where s.folded_name >= ? and s.folded_name < ?{scoped_sql} "
        "order by s.folded_name, s.seq limit ?"
        f") as s where 1 = 1{scope.where} limit ?",
        (*bounds, *scoped, FILTERED_CANDIDATES, *scope.values, wanted),
    ).fetchall()
    return [int(seq) for _, seq in sorted((name, seq) for seq, name in rows)]


def _substring(lite: sqlite3.Connection, folded: str, scope: _Scope) -> list[int]:
    """Tier 2: names, cities and e-mails containing the query, in name order. Filters
    other than the owner's index are checked on at most FILTERED_CANDIDATES hits."""
    if not scope.rest_where:
        return _seqs(lite.execute(*_text(scope, _phrase(folded), SEARCH_CAP)))
    text, params = _text(scope, _phrase(folded), FILTERED_CANDIDATES)
    return _seqs(
        lite.execute(
            f"select t.seq from ({text}) as t join customer_search as s on s.seq = t.seq "
            f"where 1 = 1{scope.rest_where} order by t.seq limit ?",
            (*params, *scope.rest_values, SEARCH_CAP),
        )
    )


def _ranked(
    lite: sqlite3.Connection,
    files: ListFiles,
    q: str,
    scope: _Scope,
    filters: dict[str, Any],
) -> _Ranked:
    """Every hit, ranked (at most SEARCH_CAP). Each tier reads at most what is left to
    fill SEARCH_CAP, and the tiers stop once it is full: a short, common fragment costs
    at most SEARCH_CAP index entries."""
    folded = fold(q)
    ranked = _Ranked()
    named, postcodes = _exact(lite, files, q, scope, ranked)
    if folded and not named and not ranked.full:
        wanted = SEARCH_CAP - len(ranked.hits)
        ranked.add(_prefix(lite, folded, filters, scope, wanted), f"name starts with '{q}'")
    if len(folded) >= 3 and not named and not ranked.full:
        # Name-prefix hits contain the fragment too: read past as many as were found.
        ranked.add(_substring(lite, folded, scope), None)
    for seq, reason in postcodes:
        ranked.add((seq,), reason)
    # Typos are looked for in words: not for ids, phones or e-mails (exact or nothing).
    wordy = any(ch.isalpha() for ch in folded) and "@" not in folded
    if wordy and not named and len(folded) >= 4 and len(ranked.hits) < FUZZY_BELOW:
        _fuzzy(lite, folded, scope, ranked)
    return ranked


def search_json(
    lite: sqlite3.Connection,
    files: ListFiles,
    q: str,
    filters: dict[str, Any],
    limit: int,
    cursor: str | None,
) -> bytes:
    """The ranked hits (row ids only, at most SEARCH_CAP), then the page's stored hits by
    id, each with its reason: the response's JSON."""
    start = _position(cursor)
    scope = _scope(lite, filters)
    if scope is None:
        return _page("[]", 0, None)
    ranked = _ranked(lite, files, q, scope, filters)
    ids = list(ranked.hits)
    page_ids = ids[start : start + limit]
    hits = ranked.hits
    # Substring hits are phrased from their folded text: read it only when the page has
    # some.
    texts: dict[int, tuple[str | None, str | None]] = {}
    if any(hits[seq] is None for seq in page_ids):
        marks = ", ".join("?" * len(page_ids))
        read = f"select seq, folded_name, folded_city from customer_search where seq in ({marks})"
        texts = {r[0]: (r[1], r[2]) for r in lite.execute(read, page_ids).fetchall()}
    folded = fold(q)
    rows = [
        (hit, hits[seq] or _contains(*texts[seq], folded, q))
        for seq, hit in zip(page_ids, _stored_hits(files, page_ids), strict=True)
    ]
    more = start + limit < len(ids)
    return _page(_hits_json(rows), len(ids), position_cursor(start + limit) if more else None)


def search(
    lite: sqlite3.Connection,
    files: ListFiles,
    q: str,
    filters: dict[str, Any],
    limit: int,
    cursor: str | None,
) -> dict[str, Any]:
    """search_json's page, parsed (for Python callers)."""
    page: dict[str, Any] = json.loads(search_json(lite, files, q, filters, limit, cursor))
    return page


def _contains(name: str | None, city: str | None, folded: str, q: str) -> str:
    if folded in (name or ""):
        return f"name contains '{q}'"
    if folded in (city or ""):
        return f"city contains '{q}'"
    return f"e-mail contains '{q}'"


def _fuzzy(lite: sqlite3.Connection, folded: str, scope: _Scope, ranked: _Ranked) -> None:
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
    text, params = _text(scope, match, _GRAM_CANDIDATES)
    names = dict(
        lite.execute(
            f"select s.seq, s.folded_name from ({text}) as t "
            f"join customer_search as s on s.seq = t.seq where 1 = 1{scope.rest_where}",
            (*params, *scope.rest_values),
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
        ranked.add((int(seq),), f"name close to '{folded}' ({score / 100:.2f})")


def page_json(body: dict[str, Any]) -> bytes:
    """A page parsed by `search` or `browse`, as the response's JSON again."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
