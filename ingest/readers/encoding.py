"""Character-set detection and transcoding to UTF-8 (what the CSV reader is given).

A byte-order mark wins; else the profile's declared encoding; else UTF-8 when the whole
file is valid UTF-8; else the profile's fallback (cp1252, ISO-8859-15 for FEC), or cp1252
when that fallback is ISO-8859-15/Latin-1 and the file holds bytes only cp1252 gives a
meaning (0x80-0x9F: € œ ’ …). UTF-16 is transcoded here too, so every later step (header
sniffing, DuckDB) sees UTF-8.
Transcoding streams the file in 256 KiB chunks through an incremental codec: no per-row work.

Line endings are normalised in the same pass: records may end in LF, CR LF, CR alone, or
CR CR LF (a file converted to Windows line endings twice), mixed in one file (the FEC
standard, art. A47 A-1, allows "CR and/or LF"). DuckDB's parser expects one style, so the
copy it reads has LF only: a run of CRs before an LF is one line break, a lone CR is one.
Line numbers then count line breaks as `grep -n` would on the original.

A file that is not valid UTF-8 yet holds UTF-8 sequences (`Ã©` read as cp1252) mixes two
encodings: rows exported in UTF-8 and rows in cp1252, appended by two tools. Read in
either encoding, one kind of row would be stored as mojibake (`SociÃ©tÃ©`), so the file
is refused, naming a line of each kind. UTF-8 evidence is a two-byte sequence led by
0xC2-0xC5 (Â Ã Ä Å in cp1252, followed by a cp1252 symbol: never seen in real text) or
the three-byte punctuation and euro sequences (0xE2 0x80-0x82 …).
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import AnyStr

from ingest.readers import UnreadableFile

CHUNK = 1 << 20
# Transcoding works on chunks that stay in the CPU's cache through decode and encode: 1 MiB
# chunks (a 2 MiB string when one character needs two bytes) ran twice as slow.
TRANSCODE_CHUNK = 1 << 18
UTF8_EVIDENCE = re.compile(b"[\xc2-\xc5][\x80-\xbf]|\xe2[\x80-\x82][\x80-\xbf]")
# Byte classes for a scan at memory speed (bytes.translate, then find): a lead byte of
# UTF8_EVIDENCE is L, a continuation byte C; a match always starts at an "LC", and the
# regular expression only confirms those few places.
_LEAD = {*range(0xC2, 0xC6), 0xE2}
_CLASSES = bytes(
    ord("L") if b in _LEAD else ord("C") if 0x80 <= b <= 0xBF else ord(".") for b in range(256)
)
_NOT_C1 = bytes(b for b in range(256) if not 0x80 <= b <= 0x9F)
UNICODE = ("utf-8", "utf-8-sig", "utf-16")
CRS_LF = re.compile("\r+\n")
CRS_LF_BYTES = re.compile(b"\r+\n")
LATIN = (
    "iso-8859-15",
    "iso8859-15",
    "latin-9",
    "latin9",
    "iso-8859-1",
    "iso8859-1",
    "latin-1",
    "latin1",
)
BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _first_invalid_utf8(path: Path) -> int | None:
    """Offset of the first byte that is not UTF-8, or None when the whole file is."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                return max(0, offset + exc.start)
            offset += len(chunk)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return offset
    return None


def _is_utf8(path: Path) -> bool:
    return _first_invalid_utf8(path) is None


def utf8_head(path: Path) -> bool:
    """Whether the file's first MiB is UTF-8 with at least one character outside ASCII
    (no byte-order mark, no NUL): what a UTF-8 export shows early, and a cp1252 one never.

    Only a head: a reader that parses every byte of the file with UTF-8 validation (DuckDB
    rejects a record holding an invalid sequence, as `_first_invalid_utf8` would find it)
    can take the file as UTF-8 on this and skip the pass over the whole file, provided any
    reject sends the file back through `detect`. A head of plain ASCII proves nothing."""
    with open(path, "rb") as fh:
        head = fh.read(CHUNK)
        whole = len(head) < CHUNK or not fh.read(1)
    if any(head.startswith(bom) for bom, _ in BOMS) or b"\x00" in head or head.isascii():
        return False
    try:
        # A character cut by the head's end is not an error, unless the file ends there.
        codecs.getincrementaldecoder("utf-8")().decode(head, final=whole)
    except UnicodeDecodeError:
        return False
    return True


def _first_utf8_evidence(path: Path) -> int | None:
    """Offset of the first sequence only UTF-8 explains (see the module's docstring)."""
    offset, tail = 0, b""
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            data = tail + chunk
            classes = data.translate(_CLASSES)
            at = classes.find(b"LC")
            while at >= 0:
                if UTF8_EVIDENCE.match(data, at):
                    return offset - len(tail) + at
                at = classes.find(b"LC", at + 1)
            tail = data[-2:]
            offset += len(chunk)
    return None


def _line_of(path: Path, offset: int) -> int:
    """1-based line of a byte offset (LF, else CR, counts as a line break)."""
    lf = cr = 0
    with open(path, "rb") as fh:
        while offset > 0 and (chunk := fh.read(min(CHUNK, offset))):
            lf, cr, offset = lf + chunk.count(b"\n"), cr + chunk.count(b"\r"), offset - len(chunk)
    return (lf or cr) + 1


def _refuse_mixed(path: Path, encoding: str) -> None:
    """Refuse a file whose rows are in two encodings (see the module's docstring)."""
    if encoding.lower() in UNICODE:
        return
    bad = _first_invalid_utf8(path)
    if bad is None:
        return
    good = _first_utf8_evidence(path)
    if good is None:
        return
    raise UnreadableFile(
        f"{path.name}: mixes two encodings: line {_line_of(path, good)} is UTF-8, "
        f"line {_line_of(path, bad)} is not (byte 0x{_byte_at(path, bad):02x}); "
        "re-export the whole file in one encoding (UTF-8)"
    )


def _byte_at(path: Path, offset: int) -> int:
    with open(path, "rb") as fh:
        fh.seek(offset)
        return fh.read(1)[0]


def detect(path: Path, declared: str = "auto", fallback: str = "cp1252") -> str:
    """The file's encoding: its BOM, else the declared one, else UTF-8 if valid, else fallback."""
    with open(path, "rb") as fh:
        head = fh.read(CHUNK)
    for bom, name in BOMS:
        if head.startswith(bom):
            return name
    if b"\x00" in head:
        # Text in UTF-8 or any 8-bit charset never holds NUL bytes; UTF-16 without its
        # byte-order mark (or a binary file renamed .csv) does. Guessing would load garbage.
        raise UnreadableFile(
            f"{path.name}: contains NUL bytes, so it is not text in UTF-8 or {fallback}; "
            "it looks like UTF-16 without a byte-order mark or a binary file; "
            "re-export it as UTF-8 (or UTF-16 with a byte-order mark)"
        )
    if declared != "auto":
        _refuse_mixed(path, declared)
        return declared
    if _is_utf8(path):
        return "utf-8"
    _refuse_mixed(path, fallback)
    if fallback.lower().replace("_", "-") in LATIN and _has_c1(path):
        # Bytes 0x80-0x9F are control codes in ISO-8859-15/Latin-1, never in real text;
        # in cp1252 they are € œ Œ ’ … : the file is cp1252 (both are allowed in a FEC).
        return "cp1252"
    return fallback


def _has_c1(path: Path) -> bool:
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            if chunk.translate(None, _NOT_C1):
                return True
    return False


def has_cr(path: Path) -> bool:
    """Whether any line break of the file is not a plain LF (CR LF, CR CR LF, CR)."""
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            if b"\r" in chunk:
                return True
    return False


def _lf(text: AnyStr) -> AnyStr:
    """Every run of CRs before an LF, and every lone CR, as one LF. str.replace runs at
    memory speed (a regular expression alone was ten times slower); it covers CR LF and
    CR CR LF, the expression only what is left (longer runs of CRs)."""
    if isinstance(text, str):
        cr, crlf, lf, crs_lf = "\r", "\r\n", "\n", CRS_LF
    else:
        cr, crlf, lf, crs_lf = b"\r", b"\r\n", b"\n", CRS_LF_BYTES
    for _ in range(2):
        if crlf in text:
            text = text.replace(crlf, lf)
    if crlf in text:
        text = crs_lf.sub(lf, text)
    return text.replace(cr, lf)


def _lf_utf8(path: Path, out: Path) -> Path:
    """The same on UTF-8 bytes, without decoding: CR and LF never occur inside a UTF-8
    multi-byte sequence. Like a file read in place, bad UTF-8 is left to the parser,
    which rejects those lines ("invalid characters")."""
    held = b""
    with open(path, "rb") as src, open(out, "wb") as dst:
        while chunk := src.read(CHUNK):
            data = held + chunk
            kept = data.rstrip(b"\r")
            held = data[len(kept) :]
            dst.write(_lf(kept))
        dst.write(_lf(held))
    return out


def to_utf8(path: Path, encoding: str, out: Path) -> Path:
    """A UTF-8 copy of `path` with LF line breaks (the landed original is never modified).

    Returns `path` itself when it is already UTF-8 with LF line breaks only.
    """
    if encoding in ("utf-8", "utf-8-sig"):
        return _lf_utf8(path, out) if has_cr(path) else path
    try:
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    except LookupError as exc:
        raise UnreadableFile(f"{path.name}: unknown encoding {encoding!r}") from exc
    offset = 0
    tried = "UTF-8 nor " + encoding if encoding != "utf-16" else "UTF-16"
    held = ""  # CRs at the end of a chunk: the next chunk says if an LF follows them
    with open(path, "rb") as src, open(out, "wb") as dst:
        while chunk := src.read(TRANSCODE_CHUNK):
            try:
                text = held + decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                raise UnreadableFile(
                    f"{path.name}: cannot be decoded: it is neither {tried} "
                    f"(byte 0x{chunk[exc.start]:02x} at offset {offset + exc.start}); "
                    "re-export it as UTF-8"
                ) from exc
            kept = text.rstrip("\r")
            held = text[len(kept) :]
            dst.write(_lf(kept).encode("utf-8"))
            offset += len(chunk)
        try:
            rest = held + decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            raise UnreadableFile(
                f"{path.name}: ends in the middle of a {encoding} character (truncated?)"
            ) from exc
        dst.write(_lf(rest).encode("utf-8"))
    return out
