"""RSS and Atom: one article per entry, entry metadata, malformed feeds reported once."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from storytrace.errors import InputError
from storytrace.ingest import read_paths
from storytrace.ingest.feeds import read_feed
from storytrace.ingest.source import FileContext
from storytrace.model import Article

DATA = Path(__file__).resolve().parent.parent / "data" / "ingest"
FEEDS = Path(__file__).resolve().parents[2] / "examples" / "feeds"


def _ctx(origin: str = "feeds/x.xml") -> FileContext:
    return FileContext(origin=origin, stem="x", folder="feeds")


def _split(items: list[Article | InputError]) -> tuple[list[Article], list[InputError]]:
    articles = [i for i in items if isinstance(i, Article)]
    errors = [i for i in items if isinstance(i, InputError)]
    return articles, errors


def test_rss_entries() -> None:
    path = FEEDS / "northsea-wire.rss"
    articles, errors = _split(list(read_feed(path.read_bytes(), _ctx(str(path)))))
    assert errors == []
    assert [a.origin for a in articles] == [f"{path}#E1", f"{path}#E2"]
    first, second = articles
    assert first.format == "html"
    assert first.title == "Ferry aground off Port Halvard, 41 passengers rescued"
    assert first.url == "https://www.northsea-wire.com/shipping/corran-star-aground"
    assert first.source == "northsea-wire.com"
    assert first.author == "Lise Aaberg"
    assert first.external_id == "nsw-2024-0312-017"
    assert first.published == datetime(2024, 3, 12, 10, 15, tzinfo=UTC)
    # content:encoded wins over the description
    assert first.raw.startswith(b"<p>PORT HALVARD, March 12")
    # no content: the summary (description) is the body
    assert second.raw.startswith(b"<p>Inspectors from the Marine Accident Board")


def test_atom_entries_use_updated_when_not_published() -> None:
    path = FEEDS / "ellerby-gazette.atom"
    articles, errors = _split(list(read_feed(path.read_bytes(), _ctx(str(path)))))
    assert errors == []
    first, second = articles
    assert first.published == datetime(2024, 3, 13, 6, 45, tzinfo=UTC)
    assert second.published == datetime(2024, 3, 13, 16, 30, tzinfo=UTC)
    assert second.raw.startswith(
        "<p>Westfjord Lines will charter the smaller vessel Havørn".encode()
    )
    assert first.author == "Sunniva Lie"
    assert first.source == "ellerby-gazette.org"
    assert all(a.published is not None and a.published.tzinfo is not None for a in articles)


def test_feed_title_is_the_source_when_entries_have_no_link() -> None:
    feed = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Pier Radio</title>
    <item><title>No link</title><description>Body of the item.</description></item>
    </channel></rss>"""
    [article] = list(read_feed(feed, _ctx()))
    assert isinstance(article, Article)
    assert article.source == "Pier Radio"
    assert article.url is None
    assert article.published is None


def test_malformed_feed_is_one_error() -> None:
    errors: list[InputError] = []
    path = DATA / "malformed_feed.xml"
    assert list(read_paths([path], errors.append)) == []
    [error] = errors
    assert error.origin == str(path)
    assert error.cause.startswith("malformed feed")
    assert "\n" not in str(error)


def test_feed_cut_mid_item_reports_the_damage() -> None:
    feed = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
    <item><title>Whole</title><link>https://a.example.org/1</link>
    <description>Complete item.</description></item>
    <item><title>Cut off"""
    articles, errors = _split(list(read_feed(feed, _ctx())))
    assert [a.title for a in articles] == ["Whole"]
    [error] = errors
    assert error.origin == "feeds/x.xml#E2"
    assert "feed is malformed" in error.cause


def test_recoverable_feed_errors_keep_the_entries() -> None:
    feed = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Fish & Chips</title>
    <item><title>One</title><description>Body one.</description></item>
    <item><title>Two</title><description>Body two.</description></item>
    </channel></rss>"""
    articles, errors = _split(list(read_feed(feed, _ctx())))
    assert errors == []
    assert [a.title for a in articles] == ["One", "Two"]


def test_feed_with_no_entries_is_not_an_error() -> None:
    feed = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet</title></channel></rss>'
    assert list(read_feed(feed, _ctx())) == []


def test_same_entry_in_two_feeds_has_one_id() -> None:
    item = (
        b"<item><title>A</title><link>https://www.example.com/a</link>"
        b"<description>Shared body.</description></item>"
    )
    one = b'<rss version="2.0"><channel><title>One</title>' + item + b"</channel></rss>"
    two = b'<rss version="2.0"><channel><title>Two</title>' + item + b"</channel></rss>"
    [a] = list(read_feed(one, _ctx()))
    [b] = list(read_feed(two, _ctx()))
    assert isinstance(a, Article) and isinstance(b, Article)
    assert a.id == b.id


def test_wrong_declared_encoding_is_not_damage() -> None:
    feed = (
        '<?xml version="1.0" encoding="us-ascii"?><rss version="2.0"><channel><title>Ø</title>'
        "<item><title>Café</title><description>Smörgås.</description></item></channel></rss>"
    ).encode()
    articles, errors = _split(list(read_feed(feed, _ctx())))
    assert errors == []
    assert len(articles) == 1
