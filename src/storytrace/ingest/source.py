"""Where an article comes from: its content id, its origin, its outlet and its dates.

Every reader needs the same few rules, so they live here once:

* ``id`` is a hash of the raw bytes and of where they were published (outlet and URL), so the
  same input read twice is one article, while two outlets running the same wire text stay two
  articles: who republished what is exactly what the reuse stage must see;
* the outlet (``source``) is an explicit value first, then the URL's registered domain, then a
  name the document gives itself (feed title, HTML site name), then the folder the file is in;
* dates are timezone-aware or ``None``; a naive timestamp is read as UTC, nothing is guessed.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import tldextract

logger = logging.getLogger(__name__)

# The bundled public suffix snapshot only: no suffix list is fetched, and nothing is cached on
# disk, so ingest works offline and gives the same answer on every machine.
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)

_ID_HEX_CHARS = 16


def content_id(raw: bytes, source: str | None, url: str | None) -> str:
    """The article id: 16 hex characters of a SHA-256 over the raw bytes, outlet and URL.

    Same on any machine and on every run, so ingest is idempotent.
    """
    digest = hashlib.sha256(raw)
    for part in (source, url):
        digest.update(b"\x00" + (part or "").encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:_ID_HEX_CHARS]


@dataclass(frozen=True, slots=True)
class FileContext:
    """What a reader knows about the file it reads, for origins, ids and fallbacks.

    ``origin`` is the path as the user gave it (joined with the path inside a folder);
    ``stem`` is the file name without format and compression suffixes; ``folder`` is the name
    of the folder the file is in, the last-resort outlet name.
    """

    origin: str
    stem: str
    folder: str | None

    @classmethod
    def for_path(cls, origin: str, path: Path) -> FileContext:
        name = path.name
        if name.lower().endswith(".gz"):
            name = name[:-3]
        stem = Path(name).stem or name
        folder = path.resolve().parent.name or None
        return cls(origin=origin, stem=stem, folder=folder)


def domain_of(url: str | None) -> str | None:
    """The registered domain of ``url`` ("https://www.bbc.co.uk/x" -> "bbc.co.uk"), if any.

    Hosts with no public suffix (``localhost``, IP addresses) have no registered domain.
    """
    if not url:
        return None
    try:
        domain = _EXTRACT(url).top_domain_under_public_suffix
    except ValueError:
        logger.debug("no domain in URL %r", url)
        return None
    return domain.lower() or None


def pick_source(
    explicit: str | None, url: str | None, self_name: str | None, folder: str | None
) -> str | None:
    """The outlet name by the rules above: explicit, URL domain, the document's name, folder."""
    for candidate in (explicit, domain_of(url), self_name, folder):
        if candidate and candidate.strip():
            return candidate.strip()
    return None


def as_aware(moment: datetime) -> datetime:
    """``moment`` with a timezone: naive timestamps are read as UTC (the documented rule)."""
    if moment.tzinfo is None or moment.tzinfo.utcoffset(moment) is None:
        return moment.replace(tzinfo=UTC)
    return moment


def parse_iso_datetime(value: str) -> datetime | None:
    """An aware datetime from an ISO 8601 string (date only means midnight UTC), else None."""
    text = value.strip()
    if not text:
        return None
    try:
        return as_aware(datetime.fromisoformat(text))
    except ValueError:
        return None


def from_struct_time(value: time.struct_time | None) -> datetime | None:
    """An aware datetime from a UTC ``struct_time`` (what feedparser gives), else None."""
    if value is None:
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_field(value: object) -> str | None:
    """A metadata string stripped of surrounding whitespace, or None when empty or not text.

    Unpaired surrogates (JSON allows them as escapes, UTF-8 cannot store them) become U+FFFD,
    as a decoder would make them, so one odd title cannot stop the batch it is in.
    """
    if not isinstance(value, str):
        return None
    text = " ".join(_SURROGATE.sub("\ufffd", value).split())
    return text or None


def one_line(error: object) -> str:
    """An exception (or any value) as one short line, for an InputError's cause."""
    text = " ".join(str(error).split()) if error is not None else ""
    if isinstance(error, BaseException) and not text:
        return type(error).__name__
    return text or "unknown error"
