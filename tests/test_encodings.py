"""Legacy encodings and mis-declared charsets (issue 11 item 7), on generated samples.

Each sample is a sentence of news in its language, encoded in a legacy code page; text files,
HTML pages (declaration right, missing, or lying) and feeds must all come back as the sentence.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storytrace.clean import decode
from storytrace.ingest import read_paths
from storytrace.ingest.decode import declared_encoding, decode_text
from storytrace.ingest.feeds import read_feed
from storytrace.ingest.source import FileContext
from storytrace.model import Article

RU = "Президент России заявил во вторник, что переговоры продолжатся на следующей неделе в Москве."
SAMPLES = {
    "ru-cp1251": ("cp1251", RU),
    "ru-koi8": ("koi8_r", RU),
    "fr-cp1252": (
        "cp1252",
        "Le président a déclaré « dès que possible » ; l’école a fermé à Paris.",
    ),
    "de-latin1": (
        "latin_1",
        "Die Bürgermeisterin äußerte sich am Dienstag über die Größe des Schadens.",
    ),
    "de-short": ("cp1252", "Größe: 12 Straßen gesperrt."),
    "ja-sjis": (
        "shift_jis",
        "東京都は火曜日、新しい防災計画を発表した。避難所の数を増やすとしている。",
    ),
    "ja-eucjp": (
        "euc_jp",
        "東京都は火曜日、新しい防災計画を発表した。避難所の数を増やすとしている。",
    ),
    "zh-gb18030": (
        "gb18030",
        "国家统计局周二公布的数据显示，今年前三个季度国内生产总值同比增长百分之五。",
    ),
    "zh-big5": (
        "big5",
        "國家統計局週二公布的數據顯示，今年前三個季度國內生產總值同比增長百分之五。",
    ),
    "ko-euckr": (
        "euc_kr",
        "정부는 화요일 새로운 경제 정책을 발표했으며, 다음 달부터 시행할 예정이라고 밝혔다.",
    ),
    "el-iso8859_7": (
        "iso8859_7",
        "Ο πρωθυπουργός δήλωσε την Τρίτη ότι η κυβέρνηση θα παρουσιάσει νέο νομοσχέδιο.",
    ),
    "ar-cp1256": (
        "cp1256",
        "قال رئيس الوزراء يوم الثلاثاء إن الحكومة ستقدم مشروع قانون جديد بشأن الاقتصاد.",
    ),
    "he-cp1255": ("cp1255", "ראש הממשלה אמר ביום שלישי כי הממשלה תציג הצעת חוק חדשה בנושא הכלכלה."),
    "tr-cp1254": (
        "cp1254",
        "Başbakan salı günü yaptığı açıklamada, hükümetin yeni bir yasa tasarısı sunacağını"
        " söyledi.",
    ),
    "pl-cp1250": (
        "cp1250",
        "Premier powiedział we wtorek, że rząd przedstawi nowy projekt ustawy."
        " Źródła żądają zmian.",
    ),
    "utf16-bom": ("utf-16", "Le président — Президент — 東京都は発表した。"),
    "utf8-bom": ("utf-8-sig", "Le président — Президент — 東京都は発表した。"),
}
IDS = sorted(SAMPLES)
# Known misses, kept visible: charset-normalizer itself ranks koi8_r above cp1255 on this short
# Hebrew sentence (coherence 0.47 against 0.26), and with no usable declaration a cp1254 or
# koi8-r page of two sentences ties with cp1252/cp1251 readings.
_KNOWN = {
    ("he-cp1255", None),
    ("he-cp1255", "right"),
    ("he-cp1255", "utf-8"),
    ("tr-cp1254", None),
    ("tr-cp1254", "utf-8"),
    ("ru-koi8", "utf-8"),
}


def _xfail_known(name: str, declared: str | None = "right") -> None:
    if (name, declared) in _KNOWN or (name == "he-cp1255" and declared == "any"):
        pytest.xfail("known miss of charset detection on short text (see _KNOWN)")


@pytest.mark.parametrize("name", IDS)
def test_text_decodes(name: str) -> None:
    _xfail_known(name, "any")
    encoding, text = SAMPLES[name]
    raw = text.encode(encoding)
    assert decode_text(raw) == text
    assert decode(raw) == text  # the clean stage decodes as the readers do


@pytest.mark.parametrize("name", IDS)
def test_text_file_through_ingest(name: str, tmp_path: Path) -> None:
    _xfail_known(name, "any")
    encoding, text = SAMPLES[name]
    path = tmp_path / f"{name}.txt"
    path.write_bytes(f"Headline\n\n{text}\n".encode(encoding))
    errors: list[object] = []
    [article] = list(read_paths([path], errors.append))
    assert errors == []
    assert decode(article.raw) == f"Headline\n\n{text}\n"


def _page(text: str, declared: str | None) -> str:
    meta = f'<meta charset="{declared}">' if declared else ""
    return (
        f"<html><head>{meta}<title>t</title></head><body><p>{text}</p><p>{text}</p></body></html>"
    )


@pytest.mark.parametrize("name", [n for n in IDS if not n.startswith("utf")])
@pytest.mark.parametrize("declared", ["right", None, "utf-8"])
def test_html_declared_missing_or_lying(name: str, declared: str | None) -> None:
    _xfail_known(name, declared)
    encoding, text = SAMPLES[name]
    label = encoding if declared == "right" else declared
    raw = _page(text, label).encode(encoding)
    assert text in decode(raw)


@pytest.mark.parametrize(
    "name", ["fr-cp1252", "de-latin1", "ru-cp1251", "pl-cp1250", "el-iso8859_7", "ar-cp1256"]
)
def test_html_labelled_latin1_is_read_by_its_bytes(name: str) -> None:
    # iso-8859-1 is the most common lie: browsers read it as cp1252, and pages in other code
    # pages carry it from templates. The bytes decide when they read clearly better otherwise.
    encoding, text = SAMPLES[name]
    assert text in decode(_page(text, "iso-8859-1").encode(encoding))


def test_utf8_wins_over_any_declaration() -> None:
    raw = _page("café in Zürich", "windows-1251").encode("utf-8")
    assert "café in Zürich" in decode(raw)


def test_declared_encoding() -> None:
    assert declared_encoding(b'<meta charset="windows-1251">') == "cp1251"
    assert (
        declared_encoding(
            b'<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">'
        )
        == "cp1252"
    )
    assert declared_encoding(b"<?xml version='1.0' encoding='koi8-r'?>") == "koi8_r"
    assert declared_encoding(b'<meta charset="no-such-thing">') is None
    assert declared_encoding(b"plain text") is None


@pytest.mark.parametrize("name", [n for n in IDS if not n.startswith("utf")])
@pytest.mark.parametrize("with_declaration", [True, False])
def test_feed_in_legacy_encoding(name: str, with_declaration: bool) -> None:
    _xfail_known(name, "any")
    encoding, text = SAMPLES[name]
    head = f'<?xml version="1.0" encoding="{encoding}"?>' if with_declaration else ""
    feed = (
        f'{head}<rss version="2.0"><channel><title>N</title><item><title>{text[:20]}</title>'
        f"<description>{text}</description></item></channel></rss>"
    ).encode(encoding)
    [article] = list(read_feed(feed, FileContext("f.xml", "f", None)))
    assert isinstance(article, Article)
    assert article.raw.decode("utf-8") == text
    assert article.title == text[:20].strip()


@pytest.mark.parametrize("name", ["fr-cp1252", "ru-cp1251", "tr-cp1254"])
def test_jsonl_legacy_and_utf16(name: str, tmp_path: Path) -> None:
    encoding, text = SAMPLES[name]
    line = json.dumps({"text": text, "title": "t"}, ensure_ascii=False) + "\n"
    legacy = tmp_path / "legacy.jsonl"
    legacy.write_bytes(line.encode(encoding) * 2)
    wide = tmp_path / "wide.jsonl"
    wide.write_bytes((line * 2).encode("utf-16"))
    errors: list[object] = []
    articles = list(read_paths([legacy, wide], errors.append))
    assert errors == []
    assert [a.raw.decode("utf-8") for a in articles] == [text] * 4
