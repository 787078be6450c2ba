"""Ingest: read files, folders, feeds, WARC archives and JSONL into Articles.

:func:`read_paths` is the one entry point. It walks folders in sorted order (so two runs read
the same articles in the same order), opens gzip transparently, and picks a reader by sniffing
each file's content (:mod:`.sniff`), because extensions are unreliable in scraped corpora:

======  =========================================  ==========================================
format  reader                                     origin of each article
======  =========================================  ==========================================
text    :func:`.text.read_text`, one article       ``<path>``
html    :func:`.html.read_html`, one article       ``<path>``
feed    :func:`.feeds.read_feed`, one per entry    ``<path>#E<entry number>``
WARC    :func:`.warc.read_warc`, one per HTML 200  ``<path>#<record offset>``
JSONL   :func:`.jsonl.read_jsonl`, one per line    ``<path>#L<line number>``
======  =========================================  ==========================================

In a folder, hidden files and a corpus's companions (README, LICENSE, scripts) are passed over;
a path given explicitly is always read.

Every file, line, record and page is held to the limits of :class:`.limits.IngestSettings`
(``Settings.ingest``): a file too large, a gzip bomb, a runaway line, an oversized WARC record or
a page nested past what the parser keeps is refused with an error naming the limit.

Bad input never stops a run: every problem (a missing path, an empty or binary file, a
truncated gzip stream, a malformed feed, a bad JSONL line, a damaged WARC record) goes to the
caller's ``on_error`` as one :class:`~storytrace.errors.InputError` and reading goes on.
Readers hand errors back as items rather than calling ``on_error`` themselves, so an
exception raised by the caller's ``on_error`` (to abort a strict run, say) propagates as is
instead of being caught and reported as a bad file.
"""

from __future__ import annotations

import gzip
import io
import logging
import os
import stat
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ..errors import InputError
from ..model import Article
from .feeds import read_feed
from .html import read_html
from .jsonl import read_jsonl
from .limits import CappedReader, IngestSettings, over_limit, size_text
from .sniff import SNIFF_BYTES, sniff_format
from .source import FileContext, content_id, one_line
from .text import read_text
from .warc import read_warc

__all__ = ["IngestSettings", "content_id", "read_paths"]

logger = logging.getLogger(__name__)

_MAX_GZIP_LAYERS = 2

# Inside a folder, files that travel with a corpus but are not articles (its README, the script
# that built it) are passed over, as are hidden files; a file named explicitly is always read.
_SKIPPED_NAME_PREFIXES = ("readme", "license", "licence", "changelog")
_SKIPPED_SUFFIXES = frozenset(
    {".py", ".pyc", ".sh", ".js", ".css", ".toml", ".cfg", ".ini", ".yml", ".yaml", ".lock"}
)

Item = Article | InputError


def read_paths(
    paths: Iterable[str | Path],
    on_error: Callable[[InputError], None],
    limits: IngestSettings | None = None,
) -> Iterator[Article]:
    """Articles from every path (recursing into folders); bad input goes to ``on_error``.

    ``limits`` bound what each file may cost (the defaults of :class:`IngestSettings` if None).
    """
    limits = limits or IngestSettings()
    for given in paths:
        for item in _read_path(Path(given), limits):
            if isinstance(item, InputError):
                logger.debug("skipped %s", item)
                on_error(item)
            else:
                yield item


def _read_path(path: Path, limits: IngestSettings) -> Iterator[Item]:
    """Items from one path the user gave: a file, or a folder read recursively."""
    origin = str(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        yield InputError(origin, "no such file or directory")
        return
    except OSError as exc:
        yield InputError(origin, one_line(exc.strerror or exc))
        return
    if stat.S_ISDIR(info.st_mode):
        yield from _walk(path, origin, set(), limits)
    else:
        yield from _read_file(path, origin, info, limits)


def _walk(
    folder: Path, origin: str, seen: set[tuple[int, int]], limits: IngestSettings
) -> Iterator[Item]:
    """Items from every file under ``folder``, entries in name order, hidden ones skipped.

    ``seen`` holds the (device, inode) of folders on the current walk, so a symlink loop is
    reported once instead of followed forever.
    """
    try:
        info = folder.stat()
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as exc:
        yield InputError(origin, one_line(exc.strerror or exc))
        return
    key = (info.st_dev, info.st_ino)
    if key in seen:
        yield InputError(origin, "folder already on this walk (symlink loop)")
        return
    seen = seen | {key}
    for entry in entries:
        if skipped_in_folder(entry.name):
            logger.debug("passing over %s (not an article)", os.path.join(origin, entry.name))
            continue
        child = Path(entry.path)
        child_origin = os.path.join(origin, entry.name)
        try:
            info = child.stat()
        except OSError as exc:
            yield InputError(child_origin, one_line(exc.strerror or exc))
            continue
        if stat.S_ISDIR(info.st_mode):
            yield from _walk(child, child_origin, seen, limits)
        else:
            yield from _read_file(child, child_origin, info, limits)


def skipped_in_folder(name: str) -> bool:
    """True for hidden files and a corpus's companions (README, scripts) met in a folder walk."""
    lowered = name.lower()
    if lowered.startswith(".") or lowered.startswith(_SKIPPED_NAME_PREFIXES):
        return True
    return Path(lowered).suffix in _SKIPPED_SUFFIXES


def _read_file(
    path: Path, origin: str, info: os.stat_result, limits: IngestSettings
) -> Iterator[Item]:
    """Items from one file; any failure to read it becomes one InputError naming it."""
    if not stat.S_ISREG(info.st_mode):
        yield InputError(origin, "not a regular file")
        return
    if info.st_size > limits.max_file_bytes:
        what = f"file of {size_text(info.st_size)} is"
        yield over_limit(origin, what, "max_file_bytes", limits.max_file_bytes)
        return
    ctx = FileContext.for_path(origin, path)
    try:
        with path.open("rb") as raw:
            yield from _read_stream(raw, ctx, limits)
    except InputError as exc:
        yield exc
    except EOFError:
        yield InputError(origin, "truncated gzip stream")
    except (gzip.BadGzipFile, zlib.error) as exc:
        yield InputError(origin, f"corrupt gzip stream: {one_line(exc)}")
    except OSError as exc:
        yield InputError(origin, one_line(exc.strerror or exc))
    except Exception as exc:  # a reader bug or library failure must not end the run
        logger.debug("%s: reader failed", origin, exc_info=True)
        yield InputError(origin, f"unreadable: {type(exc).__name__}: {one_line(exc)}")


def _read_stream(
    raw: io.BufferedIOBase, ctx: FileContext, limits: IngestSettings
) -> Iterator[Item]:
    """Sniff ``raw`` (through up to two gzip layers) and hand it to the matching reader.

    Every gzip layer is inflated as a stream through a :class:`CappedReader`, so a gzip bomb
    stops at ``max_decompressed_bytes`` (WARC files gzipped per record are inflated by warcio,
    which the WARC reader caps the same way).
    """
    stream: io.BufferedIOBase = raw
    layers = 0
    while True:
        head = stream.read(SNIFF_BYTES)
        form = sniff_format(head, complete=len(head) < SNIFF_BYTES)
        stream.seek(0)
        if form != "gzip":
            break
        if layers == _MAX_GZIP_LAYERS:
            raise InputError(ctx.origin, f"more than {_MAX_GZIP_LAYERS} nested gzip layers")
        bomb = over_limit(
            ctx.origin,
            "gzip data inflates",
            "max_decompressed_bytes",
            limits.max_decompressed_bytes,
        )
        inflated = gzip.GzipFile(fileobj=stream, mode="rb")
        stream = io.BufferedReader(CappedReader(inflated, limits.max_decompressed_bytes, bomb))
        layers += 1
    logger.debug("%s: sniffed as %s (gzip layers: %d)", ctx.origin, form, layers)
    if form == "empty":
        raise InputError(ctx.origin, "empty file")
    if form == "binary":
        raise InputError(ctx.origin, "binary file, not a supported format")
    if form in ("warc", "arc"):
        if layers <= 1:
            # warcio decompresses per record itself; giving it the file on disk keeps record
            # offsets those of the file, usable for random access and CDX lookups.
            raw.seek(0)
            yield from read_warc(raw, ctx, gzipped=layers == 1, arc=form == "arc", limits=limits)
        else:
            yield from read_warc(stream, ctx, gzipped=False, arc=form == "arc", limits=limits)
    elif form == "jsonl":
        yield from read_jsonl(stream, ctx, limits)
    else:
        name = "max_feed_bytes" if form == "feed" else "max_document_bytes"
        cap: int = getattr(limits, name)
        data = stream.read(cap + 1)
        if len(data) > cap:
            kind = "feed" if form == "feed" else "document"
            raise over_limit(ctx.origin, f"{kind} is", name, cap)
        if form == "feed":
            yield from read_feed(data, ctx, limits)
        elif form == "html":
            yield read_html(data, ctx, limits)
        else:
            yield read_text(data, ctx, limits)
