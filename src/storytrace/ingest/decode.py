"""Bytes to text: UTF-8 first, a byte-order mark when there is one, charset-normalizer otherwise.

News archives are full of legacy encodings (cp1252 pages saved by old CMSs, latin-1 wire copy),
so a failed UTF-8 decode is not an error: it is a question for charset-normalizer. What *is* an
error is a file that is not text at all; :func:`decode_text` says so by raising
:class:`UndecodableError`, and the reader turns that into an ``InputError`` for the file.
"""

from __future__ import annotations

import codecs
import logging
import re
import unicodedata

import charset_normalizer
from charset_normalizer.md import mess_ratio

logger = logging.getLogger(__name__)

# Longest byte-order marks first: the UTF-32-LE mark starts with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# The legacy encodings charset-normalizer cannot tell apart on short Western text; when it has
# no language evidence we prefer cp1252, by far the most common of them in news archives.
_WESTERN = frozenset({"cp1252", "latin_1", "iso8859_15", "windows_1252"})
# Ties: charset-normalizer's scores are rounded and noisy on short text. A wider coherence
# margin (0.1 before) took Turkish cp1254 for cp1252 (0.654 against 0.577).
_COHERENCE_TIE = 0.02
_MESS_TIE = 0.01

# Control characters allowed in text; any other one (beyond a small share) means binary data.
_TEXT_CONTROLS = frozenset("\t\n\r\f\v\x1b")
_MAX_CONTROL_SHARE = 0.02


# Where markup names its charset: <meta charset=...>, <meta http-equiv=... content="...;
# charset=...">, or an XML declaration's encoding; only the head of a document is searched.
_DECLARED = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]{1,40})"""
    rb"""|<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})""",
    re.IGNORECASE,
)
_DECLARED_HEAD_BYTES = 4096
# WHATWG's encoding standard: browsers read these labels as windows-1252, so pages declare them
# for cp1252 text all the time (the C1 range of latin-1 holds no text).
_AS_CP1252 = frozenset({"latin_1", "iso8859_1", "ascii", "cp1252"})


def declared_encoding(data: bytes) -> str | None:
    """The Python codec a page or feed declares for itself in its head, if any and known."""
    match = _DECLARED.search(data[:_DECLARED_HEAD_BYTES])
    if match is None:
        return None
    label = (match.group(1) or match.group(2)).decode("ascii").lower()
    try:
        name = codecs.lookup(label).name.replace("-", "_")
    except LookupError:
        return None
    return "cp1252" if name in _AS_CP1252 else name


class UndecodableError(ValueError):
    """The bytes are not text in any encoding we can recognise (the file is binary)."""


def bom_encoding(data: bytes) -> tuple[str, int] | None:
    """The encoding named by a leading byte-order mark and the mark's length, if any."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding, len(bom)
    return None


def looks_binary(data: bytes) -> bool:
    """A quick test on a file's first bytes: NUL bytes outside UTF-16/32 mean binary data."""
    return bom_encoding(data) is None and b"\x00" in data


def is_mostly_printable(text: str) -> bool:
    """True when control characters (other than whitespace) are a negligible share of ``text``.

    Binary data decoded in a single-byte encoding "succeeds" but is full of control characters;
    this is what tells the two apart.
    """
    if not text:
        return True
    controls = sum(
        1 for ch in text if ch not in _TEXT_CONTROLS and unicodedata.category(ch) == "Cc"
    )
    return controls <= len(text) * _MAX_CONTROL_SHARE


def decode_text(data: bytes, declared: str | None = None) -> str:
    """Decode ``data`` as text, or raise :class:`UndecodableError`.

    Valid UTF-8 always decodes as UTF-8 (a leading byte-order mark is dropped, it is an encoding
    marker, not content), so any Unicode text written as UTF-8 round-trips exactly, whatever a
    page declares. Otherwise a byte-order mark decides, and failing that charset-normalizer,
    biased to the ``declared`` encoding (a page's ``<meta charset>``, see
    :func:`declared_encoding`) or else cp1252, unless it reads the bytes clearly better in
    another encoding: declarations lie (cp1250 or cp1254 pages labelled iso-8859-1 are common).
    """
    bom = bom_encoding(data)
    if bom is not None:
        encoding, length = bom
        try:
            return data[length:].decode(encoding)
        except UnicodeDecodeError as exc:
            raise UndecodableError(f"invalid {encoding} after byte-order mark") from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if b"\x00" in data:
        raise UndecodableError("binary file, not a supported format")
    return _decode_legacy(data, declared)


def _decode_legacy(data: bytes, declared: str | None) -> str:
    """Pick a legacy encoding with charset-normalizer, preferring the declared one (or cp1252).

    The preferred encoding wins when it reads the bytes as well as charset-normalizer's pick:
    with the same text, with as much language evidence (coherence), or, where there is no
    language evidence at all, with no more mess (charset-normalizer's ratio of odd characters).
    The last test keeps short Japanese, Chinese or Korean text (a soup of accented letters and
    symbols in cp1252) from being taken for Western text.
    """
    # Declarations are weighed here, not by charset-normalizer, which would take them on trust.
    matches = charset_normalizer.from_bytes(data, preemptive_behaviour=False)
    best = matches.best()
    if best is None:
        raise UndecodableError("binary file, not a supported format")
    for preferred in dict.fromkeys((declared, "cp1252")):
        if preferred is None:
            continue
        try:
            text = data.decode(preferred)
        except (UnicodeDecodeError, LookupError):
            continue
        if _reads_as_well(text, preferred, best, matches):
            logger.debug("decoded as %s (as good as %s)", preferred, best.encoding)
            return text
    logger.debug("decoded as %s", best.encoding)
    return str(best)


def _reads_as_well(
    text: str,
    encoding: str,
    best: charset_normalizer.models.CharsetMatch,
    matches: charset_normalizer.models.CharsetMatches,
) -> bool:
    """True when ``text`` (the bytes read in ``encoding``) is as plausible as ``best``."""
    family = _WESTERN if encoding == "cp1252" else frozenset({encoding})
    if best.encoding in family or str(best) == text:
        return True
    for match in matches:
        if match.encoding in family or str(match) == text:
            return best.coherence - match.coherence <= _COHERENCE_TIE
    return best.coherence == 0.0 and mess_ratio(text, 1.0) <= best.chaos + _MESS_TIE
