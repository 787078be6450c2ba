"""Build examples/warc/sample.warc.gz: two HTML pages and records ingest must skip.

Run from anywhere: ``python examples/make_warc.py``. The output is reproducible (fixed dates
and record ids), so rebuilding it gives the same bytes. All page text is fictional, written
for storytrace's examples.
"""

from __future__ import annotations

import io
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

OUT = Path(__file__).resolve().parent / "warc" / "sample.warc.gz"

HARBOURWATCH = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Corran Star: what we know about the Port Halvard grounding | Harbourwatch</title>
<meta name="author" content="Per Lindqvist">
<meta property="og:site_name" content="Harbourwatch">
<meta property="article:published_time" content="2024-03-12T16:20:00+00:00">
</head>
<body>
<nav><a href="/">Harbourwatch</a> <a href="/ports">Ports</a> <a href="/ferries">Ferries</a></nav>
<article>
<h1>Corran Star: what we know about the Port Halvard grounding</h1>
<p>The Westfjord Lines ferry Corran Star ran aground in fog on Tuesday morning with 41
passengers and six crew on board.</p>
<p>The Corran Star, a 62-metre ferry operated by Westfjord Lines, struck a sandbank about
400 metres from the harbour entrance shortly after 7.10am on Tuesday.</p>
<p>Lifeboats from Port Halvard and Skarra took everyone off in a little under two hours.
Three passengers were treated for minor injuries.</p>
<p>Harbour master Ingrid Solvang said: "The crew followed every procedure we would ask of
them, and nobody was left on board longer than they had to be."</p>
<p>The ship was refloated on the evening tide and towed to the Westfjord yard.</p>
</article>
<footer>Harbourwatch is an independent maritime news site. <a href="/about">About</a></footer>
</body>
</html>
"""

KELPIE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Fog, a sandbank and a long morning for Skarra commuters - The Kelpie Post</title>
<meta property="og:site_name" content="The Kelpie Post">
</head>
<body>
<div class="nav"><a href="/">Home</a> <a href="/islands">Islands</a></div>
<div class="story">
<h1>Fog, a sandbank and a long morning for Skarra commuters</h1>
<p>For the 41 people on the 6.30am sailing from Skarra, Tuesday began with a jolt.</p>
<p>"There was a scraping sound and then everything stopped," said Ruth Dale, a nurse who
makes the crossing four times a week. "Nobody panicked. The crew had lifejackets on us
within minutes."</p>
<p>Westfjord Lines chief executive Tomas Brekke said the company would not run the Corran
Star again until inspectors had cleared her.</p>
</div>
<div class="footer">The Kelpie Post - island news since 1998</div>
</body>
</html>
"""

ROBOTS = "User-agent: *\nDisallow: /admin/\n"


def _response(
    writer: WARCWriter, url: str, date: str, record_id: str, ctype: str, body: str
) -> None:
    """Write one HTTP 200 response record with fixed date and id, so output is reproducible."""
    payload = body.encode("utf-8")
    http_headers = StatusAndHeaders(
        "200 OK",
        [("Content-Type", ctype), ("Content-Length", str(len(payload)))],
        protocol="HTTP/1.1",
    )
    record = writer.create_warc_record(
        url,
        "response",
        payload=io.BytesIO(payload),
        http_headers=http_headers,
        warc_headers_dict={"WARC-Date": date, "WARC-Record-ID": record_id},
    )
    writer.write_record(record)


def main() -> None:
    """Write the sample archive: warcinfo, two HTML pages, and a plain-text response."""
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        info = writer.create_warcinfo_record(
            "sample.warc.gz",
            {"software": "storytrace examples/make_warc.py", "format": "WARC File Format 1.1"},
        )
        info.rec_headers.replace_header("WARC-Date", "2024-03-13T06:00:00Z")
        info.rec_headers.replace_header(
            "WARC-Record-ID", "<urn:uuid:00000000-0000-4000-8000-000000000000>"
        )
        writer.write_record(info)
        _response(
            writer,
            "https://harbourwatch.net/ferries/2024/corran-star-what-we-know",
            "2024-03-13T06:01:00Z",
            "<urn:uuid:00000000-0000-4000-8000-000000000001>",
            "text/html; charset=utf-8",
            HARBOURWATCH,
        )
        _response(
            writer,
            "https://www.thekelpiepost.com/islands/skarra-commuters-fog",
            "2024-03-13T06:02:00Z",
            "<urn:uuid:00000000-0000-4000-8000-000000000002>",
            "text/html; charset=utf-8",
            KELPIE,
        )
        # Not HTML: ingest must skip this record.
        _response(
            writer,
            "https://harbourwatch.net/robots.txt",
            "2024-03-13T06:03:00Z",
            "<urn:uuid:00000000-0000-4000-8000-000000000003>",
            "text/plain",
            ROBOTS,
        )


if __name__ == "__main__":
    main()
