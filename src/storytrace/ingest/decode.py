"""Bytes to text: UTF-8 first, a byte-order mark when there is one, charset-normalizer otherwise.

News archives are full of legacy encodings (cp1252 pages saved by old CMSs, latin-1 wire copy),
so a failed UTF-8 decode is not an error: it is a question for charset-normalizer. What *is* an
error is a file that is not text at all; :func:`decode_text` says so by raising
:class:`UndecodableError`, and the reader turns that into an ``InputError`` for the file.
"""

from __future__ import annotations

import codecs
import logging
import unicodedata

import charset_normalizer

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
_COHERENCE_MARGIN = 0.1

# Control characters allowed in text; any other one (beyond a small share) means binary data.
_TEXT_CONTROLS = frozenset("\t\n\r\f\v\x1b")
_MAX_CONTROL_SHARE = 0.02


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


def decode_text(data: bytes) -> str:
    """Decode ``data`` as text, or raise :class:`UndecodableError`.

    Valid UTF-8 always decodes as UTF-8 (a leading byte-order mark is dropped, it is an encoding
    marker, not content), so any Unicode text written as UTF-8 round-trips exactly. Otherwise a
    byte-order mark decides, and failing that charset-normalizer, biased to cp1252 where it has
    no language evidence for anything else.
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
    return _decode_legacy(data)


def _decode_legacy(data: bytes) -> str:
    """Pick a legacy encoding with charset-normalizer, preferring cp1252 on a near tie."""
    matches = charset_normalizer.from_bytes(data)
    best = matches.best()
    if best is None:
        raise UndecodableError("binary file, not a supported format")
    try:
        western: str | None = data.decode("cp1252")
    except UnicodeDecodeError:
        western = None
    if western is not None and best.encoding not in _WESTERN:
        western_coherence: float | None = None
        for match in matches:
            if match.encoding in _WESTERN or str(match) == western:
                western_coherence = match.coherence
                break
        if western_coherence is not None:
            if best.coherence - western_coherence < _COHERENCE_MARGIN:
                logger.debug("decoded as cp1252 (charset-normalizer near tie with %s)", best)
                return western
        elif best.coherence == 0.0:
            logger.debug("decoded as cp1252 (no language evidence for %s)", best.encoding)
            return western
    logger.debug("decoded as %s", best.encoding)
    return str(best)
