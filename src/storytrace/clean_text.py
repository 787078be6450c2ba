"""Line/block model for flattened pages: which lines are the article body, which are chrome.

A scraper that flattens a page to text keeps one HTML block per line, so the page's chrome
(title, byline, share widgets, captions, "read more" links, teasers for other stories) survives
as lines around the article. Each non-empty line is a block, classified from general features
only: its length, sentence punctuation, the share of stop words and of UI words, a few
multilingual call-to-action and credit patterns, and its position relative to the densest run
of body text (boilerplate sits at the edges, so the rules are stricter inside that run). Every
block keeps its offset in the input, so kept and removed blocks together account for the whole
input and any removal can be audited.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from .byline import parse_byline
from .model import RemovedBlock

if TYPE_CHECKING:
    from .clean import CleanSettings

logger = logging.getLogger(__name__)


def word_set(words: str) -> frozenset[str]:
    """A vocabulary written as one space-separated string, which keeps the lists compact."""
    return frozenset(words.split())


# Short function-word lists: enough to tell prose from chrome and to guess the language.
STOPWORDS_BY_LANG: dict[str, frozenset[str]] = {
    "en": word_set(
        "the a an and or but of to in on at for with from by as is are was were be been has have "
        "had that this these those it its he she they we you his her their our not no which who "
        "whom what when where will would can could should may might said than then there also "
        "into about after before over under more most"
    ),
    "de": word_set(
        "der die das und oder aber nicht ist sind war waren wird werden hat haben ein eine einen "
        "einem einer des dem den mit von zu im auf für dass sich auch als bei nach aus wie wir ihr "
        "sie er es noch nur über vor durch"
    ),
    "fr": word_set(
        "le la les un une des et ou mais de du au aux en dans sur pour par avec est sont était "
        "été que qui ne pas plus ce cette ces il elle ils nous vous leur son sa ses se a ont"
    ),
    "es": word_set(
        "el la los las un una unos unas y o pero de del al en con por para es son fue era que "
        "se no su sus lo como más este esta ha han sobre entre también"
    ),
    "it": word_set(
        "il lo la gli le un una uno e o ma di del della dei delle in con per che non è sono era "
        "ha hanno si come più anche questo questa alla nel nella"
    ),
    "pt": word_set(
        "o a os as um uma uns umas e ou mas de do da dos das em no na nos nas com por para que "
        "não é são foi era se seu sua como mais também ao pelo pela"
    ),
    "nl": word_set(
        "de het een en of maar van in op met voor door dat die dit is zijn was waren heeft hebben "
        "niet ook als bij naar uit over er hij zij we ze"
    ),
}
STOPWORDS: frozenset[str] = frozenset().union(*STOPWORDS_BY_LANG.values())

# Words of page chrome (buttons, menus, social networks), a few languages each. A line is a
# widget when most of its words are here, so single words that also occur in prose are fine.
UI_WORDS: frozenset[str] = word_set(
    """
    share shares shared sharing comment comments print printer email e mail tweet twitter x
    facebook whatsapp linkedin pinterest reddit telegram messenger instagram youtube tiktok
    flipboard pocket adjust font size text resize save saved bookmark copy link url subscribe
    subscribed unsubscribe follow following like likes reply replies login logout log sign in up
    out register menu home search close open next previous prev back top more less view views
    gallery photos photo video videos play listen audio podcast rss feed a +a -a print
    newsletter tags tag topics advertisement advertisements ad ads sponsored skip content
    toggle navigation nav cookies cookie accept settings account profile permalink embed
    teilen drucken kommentar kommentare kommentieren merken artikel anmelden abmelden suche
    schriftgröße mehr zurück weiter partager imprimer commentaire commentaires envoyer
    enregistrer connexion recherche suivant précédent compartir imprimir comentario comentarios
    enviar guardar buscar siguiente anterior condividi stampa commenti commento invia salva
    cerca successivo precedente compartilhar partilhar comentar imprimir salvar próximo
    delen reageren opslaan afdrukken volgende vorige
    """
)

_WORD = re.compile(r"\w+(?:['’\-]\w+)*")
_BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_BULLET = re.compile(r"^[•·▪◦■□►▶▸‣●○]")
_LIST_PREFIX = re.compile(r"^(?:[•·▪◦■□►▶▸‣●○*\-–—]|\d{1,2}[.)])\s*")
_SENTENCE_END = re.compile(r"[.!?…。！？]$")
_CLOSERS = "\"'”’»)]›"
_HEADLINE_BAD_END = re.compile(
    r"[,;:]$|(?<!\b[A-Z])(?<!\b(?:Co|Jr|Sr|St|Dr|Mr|Ms|vs))(?<!Inc|Ltd|Mrs)\.$"
)

_READ_MORE = re.compile(
    r"^\W*(?i:read\s+(?:the\s+)?(?:full|more|original|rest|whole|entire|complete|latest)|"
    r"read\s+more|continue\s+reading|keep\s+reading|click\s+here|tap\s+here|"
    r"(?:see|find\s+out|learn)\s+more|more\s+(?:here|at|on\s+this)|full\s+(?:story|article)|"
    r"read\s+(?:it|this|on|at)\b|view\s+(?:the\s+)?(?:full|original)|source\s*:\s*\S+\s*$|"
    r"weiterlesen|mehr\s+lesen|lesen\s+sie\s+(?:mehr|weiter)|lire\s+la\s+suite|en\s+savoir\s+plus|"
    r"leer\s+más|seguir\s+leyendo|leia\s+mais|continua\s+a\s+leggere|leggi\s+(?:di\s+più|tutto)|"
    r"lees\s+meer|verder\s+lezen)"
)
_PROMO = re.compile(
    r"^\W*(?i:sign\s+up|subscribe|register|join|download|get\s+(?:our|the|all|breaking|the\s+latest)|"
    r"follow\s+us|like\s+us|stay\s+(?:informed|up\s+to\s+date|connected)|don'?t\s+miss|"
    r"never\s+miss|want\s+more|support\s+(?:our|independent)|become\s+a\s+(?:member|subscriber)|"
    r"abonnieren|abonnez|inscrivez|suscr[ií]b|iscriviti|assine|inschrijven)\b"
)
_PROMO_NOUN = re.compile(
    r"(?i)\b(?:newsletters?|inbox|e-?mail|app|podcasts?|updates|alerts|digest|briefing|"
    r"subscription|subscribers?|members(?:hip)?|twitter|facebook|instagram|telegram|whatsapp|"
    r"youtube|journalism|newsletter\w*)\b"
)
_WIDGET_PHRASE = re.compile(
    r"^\W*(?i:(?:listen\s+to|print|share|save|email|e-mail|bookmark)\s+(?:this|the)\s+"
    r"(?:article|story|page|post)|(?:artikel|beitrag)\s+(?:anhören|teilen|drucken)|"
    r"(?:écouter|partager)\s+(?:cet|l')\s*article|(?:escuchar|compartir)\s+(?:este|el)\s+art[ií]culo)"
    r"\W*$"
)
_MENU_SEPARATOR = re.compile(r"\s+[|•·»/>]\s+|\s*\|\s*")
_TAG_LINE = re.compile(
    r"^(?i:tags?|topics?|categor(?:y|ies)|filed\s+under|keywords|schlagwörter|themen|"
    r"mots[-\s]clés|etiquetas|temas|argomenti)\s*:"
)
_FOOTER = re.compile(
    r"(?i)(?:©|\(c\)\s*\d{4}|\bcopyright\b|all\s+rights\s+reserved|privacy\s+policy|"
    r"terms\s+of\s+(?:use|service)|alle\s+rechte\s+vorbehalten|tous\s+droits\s+réservés|"
    r"todos\s+los\s+derechos)"
)
_IMAGE_SIZE = re.compile(r"(?:(?<=[a-z])x\d{2,4}|\b\d{2,4}\s*[x×]\s*\d{2,4}(?:px)?)\s*$")
_CREDIT = re.compile(
    r"(?i)(?:^|[\s(\[|])(?:photo(?:graph)?s?|images?|pictures?|pic|credit|illustration|foto|"
    r"fotos|bild|bilder|video|graphic|source\s+image)\s*(?:credit)?\s*[:©]\s*\S|"
    r"^(?:photo|image|picture|foto|bild)s?\s+(?:by|courtesy\s+of|von|de|par)\s+\S"
)
_AGENCY = re.compile(
    r"(?i)\b(?:getty(?:\s+images)?|reuters|afp|ap\s+photo|associated\s+press|epa(?:-efe)?|"
    r"shutterstock|istock(?:photo)?|alamy|dpa|xinhua|anadolu|sipa|pa\s+images|ansa|efe)\b"
)
_SLASH_CREDIT = re.compile(r"/\s*\w|\w\s*/")
_TEASER_MARKER = re.compile(
    r"^\W*(?i:related|more\s+(?:from|on|in|stories|news|articles|headlines|like\s+this)|"
    r"you\s+(?:may|might)\s+also\s+(?:like|be\s+interested)|read\s+(?:also|next)|see\s+also|"
    r"also\s+read|recommended|most\s+(?:read|popular|viewed|shared)|trending|top\s+stories|"
    r"latest\s+(?:news|stories|headlines)|other\s+stories|further\s+reading|"
    r"mehr\s+zum\s+thema|lesen\s+sie\s+auch|das\s+könnte\s+sie|à\s+lire\s+aussi|lire\s+aussi|"
    r"sur\s+le\s+même\s+sujet|lee\s+también|noticias\s+relacionadas|leia\s+também|"
    r"leggi\s+anche|ook\s+interessant)\b"
)


@dataclass(frozen=True, slots=True)
class Line:
    """A non-empty input line with the features every rule reads, computed once."""

    index: int
    text: str
    start: int
    blanks_before: int
    words: tuple[str, ...]
    n_words: int
    ends_sentence: bool
    stop_share: float
    ui_share: float
    bullet: bool


@dataclass(frozen=True, slots=True)
class Block:
    """A block of the page: kept in the body when ``reason`` is None, else removed.

    ``start`` is its offset in the cleaner's input; None only for body text that the HTML
    extractor rewrote, which therefore has no place in the flattened page.
    """

    text: str
    start: int | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class TextCleaning:
    """The outcome of cleaning a flattened page: its blocks and the metadata found in it."""

    blocks: tuple[Block, ...]
    title: str | None = None
    author: str | None = None
    published: datetime | None = None
    lang: str | None = None

    @property
    def body(self) -> str:
        return "\n\n".join(b.text for b in self.blocks if b.reason is None).strip()

    @property
    def removed(self) -> tuple[RemovedBlock, ...]:
        found = ((b.text, b.reason, b.start) for b in self.blocks)
        return tuple(RemovedBlock(t, r, s) for t, r, s in found if r is not None and s is not None)


def split_lines(text: str) -> list[Line]:
    """Split ``text`` into stripped non-empty lines with offsets and per-line features."""
    lines: list[Line] = []
    blanks = 0
    position = 0
    # (end of line, start of next line) for each physical line, as str.splitlines sees them.
    bounds = [*((m.start(), m.end()) for m in _BREAK.finditer(text)), (len(text), len(text))]
    for end, next_start in bounds:
        raw = text[position:end]
        stripped = raw.strip()
        line_start = position
        position = next_start
        if not stripped:
            blanks += 1
            continue
        words = tuple(w.lower() for w in _WORD.findall(stripped))
        n = len(words) or 1
        lines.append(
            Line(
                index=len(lines),
                text=stripped,
                start=line_start + (len(raw) - len(raw.lstrip())),
                blanks_before=blanks if lines else 0,
                words=words,
                n_words=len(words),
                ends_sentence=bool(_SENTENCE_END.search(stripped.rstrip(_CLOSERS))),
                stop_share=sum(w in STOPWORDS for w in words) / n,
                ui_share=sum(w in UI_WORDS or w.isdigit() for w in words) / n,
                bullet=bool(_BULLET.match(stripped)),
            )
        )
        blanks = 0
    return lines


def _normalize(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def _content_words(line: Line) -> set[str]:
    return {w for w in line.words if len(w) > 2 and w not in STOPWORDS and not w.isdigit()}


class _Page:
    """One page being classified: its lines, settings and the densest body run."""

    def __init__(self, lines: list[Line], settings: CleanSettings) -> None:
        self.lines = lines
        self.settings = settings
        self.has_stopwords = sum(line.stop_share for line in lines) / max(len(lines), 1) >= 0.03
        self.main = self._densest_run()

    def body_like(self, line: Line) -> bool:
        """Prose: enough words, sentence punctuation (or length), stop words when known."""
        s, n = self.settings, line.n_words
        if n < s.min_body_words or not (line.ends_sentence or n >= 3 * s.min_body_words):
            return False
        return line.stop_share >= s.min_stop_share or not self.has_stopwords

    def _densest_run(self) -> tuple[int, int]:
        """Maximum-sum run of lines (Kadane): body lines add words, others and gaps subtract."""
        s = self.settings
        best, best_span = 0.0, (0, len(self.lines) - 1)
        current, current_start = 0.0, 0
        for line in self.lines:
            value = float(line.n_words) if self.body_like(line) else -2.0 - min(line.n_words, 10)
            if line.blanks_before >= s.gap_blank_lines:
                value -= s.gap_penalty_words
            if current <= 0:
                current, current_start = value, line.index
            else:
                current += value
            if current > best:
                best, best_span = current, (current_start, line.index)
        return best_span

    def headline_like(self, line: Line) -> bool:
        """Short, capitalised, no final period: a title or a teaser's headline."""
        text = _LIST_PREFIX.sub("", line.text)
        first = next((ch for ch in text if ch.isalnum()), "")
        return (
            2 <= line.n_words <= self.settings.max_headline_words
            and len(text) <= 250
            and not _HEADLINE_BAD_END.search(text)
            and (first.isupper() or first.isdigit())
            and line.ui_share < 0.5
        )

    def edge_reason(self, line: Line) -> str | None:
        """Reason for a line that is chrome by its own looks; stricter inside the body run."""
        s = self.settings
        inside = self.main[0] <= line.index <= self.main[1]
        text = line.text
        n = line.n_words
        if n <= s.max_cta_words and _READ_MORE.match(text):
            return "read_more"
        if n <= s.max_promo_words and _PROMO.match(text) and _PROMO_NOUN.search(text):
            return "promo"
        if _TAG_LINE.match(text) and n <= s.max_widget_words * 2:
            return "widget"
        if n <= s.max_widget_words and (_WIDGET_PHRASE.match(text) or self._menu(line)):
            return "widget"
        share = s.widget_share_in_body if inside else s.widget_share
        if 0 < n <= s.max_widget_words and line.ui_share >= share:
            return "widget"
        if n <= s.max_caption_words and self._caption(line, inside):
            return "caption"
        if n <= s.max_caption_words and _FOOTER.search(text) and not (inside and n > 12):
            return "footer"
        if n == 0 and not inside:
            return "widget"
        return None

    def _menu(self, line: Line) -> bool:
        """A navigation menu: three or more short items between separators, no sentence."""
        items = [item for item in _MENU_SEPARATOR.split(line.text) if item.strip()]
        short = all(len(item.split()) <= 3 for item in items)
        return len(items) >= 3 and short and not line.ends_sentence

    def _caption(self, line: Line, inside: bool) -> bool:
        text = line.text
        if _IMAGE_SIZE.search(text) and not line.ends_sentence:
            return True
        if _CREDIT.search(text):
            return True
        if _AGENCY.search(text) and (
            _SLASH_CREDIT.search(text) or (not line.ends_sentence and line.n_words <= 15)
        ):
            return not inside or "/" in text
        if line.bullet and not line.ends_sentence and line.n_words <= 15:
            around = self.lines[max(line.index - 1, 0) : line.index + 2]
            return sum(other.bullet for other in around) == 1  # a lone bullet, not a list
        return False

    def teaser_lines(self) -> set[int]:
        """Indices of a trailing run of teasers for other stories (headline + blurb pairs).

        Read backwards from the end, skipping lines that are chrome on their own: units are a
        headline-like line with an optional short paragraph under it, up to a "Related"-style
        marker. The run counts as teasers when a marker heads it, or when its words are mostly
        new to the body and it is set apart (2+ blank lines) or has at least two pairs.
        """
        s = self.settings
        units: list[list[Line]] = []
        marker: Line | None = None
        i = len(self.lines) - 1
        while i >= 0:
            line = self.lines[i]
            if _TEASER_MARKER.match(line.text) and line.n_words <= 8:
                marker = line
                break
            if self.edge_reason(line) is not None:
                i -= 1
                continue
            prev = self.lines[i - 1] if i > 0 else None
            short_para = line.ends_sentence and 6 <= line.n_words <= s.max_teaser_blurb_words
            if short_para and prev is not None and self.headline_like(prev):
                units.append([prev, line])
                i -= 2
            elif self.headline_like(line):
                units.append([line])
                i -= 1
            else:
                break
        units.reverse()
        if marker is not None:
            return {marker.index} | {line.index for unit in units for line in unit}
        if not units:
            return set()
        first = units[0][0].index
        vocabulary: set[str] = set().union(*(_content_words(line) for line in self.lines[:first]))
        if len(vocabulary) < s.min_teaser_body_words:
            return set()
        while units:
            words = set().union(*(_content_words(line) for line in units[0]))
            novelty = len(words - vocabulary) / len(words) if words else 0.0
            if novelty >= s.teaser_novelty:
                break
            vocabulary |= words
            units.pop(0)
        if not units:
            return set()
        pairs = sum(len(unit) == 2 for unit in units)
        apart = units[0][0].blanks_before >= s.gap_blank_lines
        if not (apart or pairs >= 2):
            return set()
        all_words = [w for unit in units for line in unit for w in _content_words(line)]
        novelty = sum(w not in vocabulary for w in all_words) / max(len(all_words), 1)
        if novelty < s.teaser_novelty:
            return set()
        return {line.index for unit in units for line in unit}


def _is_title(line: Line, title: str) -> bool:
    """The line is the known title, possibly followed by a short site-name suffix."""
    norm_line, norm_title = _normalize(line.text), _normalize(title)
    if not norm_title or not norm_line.startswith(norm_title):
        return False
    rest = norm_line[len(norm_title) :]
    return not rest or (rest.startswith(" ") and len(rest.split()) <= 5)


def _looks_like_title(page: _Page, line: Line) -> bool:
    """A headline-like line ahead of the body run (one-word menu entries are not)."""
    return (
        line.index < len(page.lines) - 1
        and line.index < page.main[0]
        and page.headline_like(line)
        and not line.bullet
    )


def _cut_beyond_chrome(page: _Page, reasons: list[str | None]) -> None:
    """Remove short unclassified lines cut off from the body run by chrome or a wide gap.

    Walking outwards from the body run, once a removed line or a 2+ blank-line gap has been
    crossed, lines that are not prose belong to the page around the article (menus, link
    lists); prose beyond it is kept, as it may still be part of the article.
    """
    first, last = page.main
    for order in (range(first - 1, -1, -1), range(last + 1, len(page.lines))):
        cut = False
        for i in order:
            line = page.lines[i]
            inner = page.lines[i + 1] if i < first else line
            cut = cut or inner.blanks_before >= page.settings.gap_blank_lines
            if reasons[i] is not None:
                cut = True
            elif cut and not page.body_like(line):
                reasons[i] = "outside_body"


def guess_lang(lines: list[Line]) -> str | None:
    """The language whose stop words clearly dominate the text, or None when unsure."""
    counts = Counter(
        lang
        for line in lines
        for word in line.words
        for lang, words in STOPWORDS_BY_LANG.items()
        if word in words
    )
    ranked = [*counts.most_common(2), ("", 0)]
    clear = ranked[0][1] >= 20 and ranked[0][1] >= 2 * ranked[1][1]
    return ranked[0][0] if clear else None


def clean_text(text: str, settings: CleanSettings, title: str | None = None) -> TextCleaning:
    """Classify every line of a flattened page; return its blocks and the metadata it wrote.

    ``title`` is the title the reader already knows (None if unknown): a first line equal to it
    is removed as ``title``; when unknown, a headline-like first line is removed and returned.
    """
    lines = split_lines(text)
    if not lines:
        return TextCleaning(blocks=())
    page = _Page(lines, settings)
    teasers = page.teaser_lines()
    reasons: list[str | None] = []
    found_title: str | None = None
    author: str | None = None
    published: datetime | None = None
    for line in lines:
        reason: str | None = None
        if line.index in teasers:
            reason = "teaser"
        elif line.n_words <= settings.max_byline_words and (byline := parse_byline(line.text)):
            reason = "byline" if byline.author else "dateline"
            author = author or byline.author
            published = published or byline.published
        elif title is not None and line.index <= page.main[0] and _is_title(line, title):
            reason = "title"
        else:
            reason = page.edge_reason(line)
            if (
                reason is None
                and title is None
                and not found_title
                and _looks_like_title(page, line)
            ):
                reason, found_title = "title", line.text
        reasons.append(reason)
    _cut_beyond_chrome(page, reasons)
    pairs = list(zip(lines, reasons, strict=True))
    blocks = tuple(Block(line.text, line.start, reason) for line, reason in pairs)
    kept = [line for line, reason in pairs if reason is None]
    lang = guess_lang(kept) if settings.guess_lang else None
    logger.debug("%d lines, body run %s, %d kept", len(lines), page.main, len(kept))
    return TextCleaning(
        blocks=blocks, title=found_title, author=author, published=published, lang=lang
    )
