"""Quotes and their speakers.

A quote is text between paired quotation marks (straight, curly, guillemets, or single marks
that clearly open and close around words) of at least a few words; a scare-quoted term such
as "concentration camps" is not a quote. ``value`` is the quote normalized for comparison
(case-folded, punctuation dropped, contractions expanded, "can not" -> "cannot"), ``key`` the
speaker's name or "" when unknown, ``qualifier`` the speech verb ("said", "according to").
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Sequence

from .facts_dates import KEY_ADVERBS
from .facts_names import SPEECH_VERBS, is_capitalised, surface
from .model import Mention, Token

_QUOTE = re.compile(
    r"""“(?P<a>[^“”\n]+)”
      | "(?P<b>[^"\n]+)"
      | «\s?(?P<c>[^«»\n]+?)\s?»
      | „(?P<d>[^„“”\n]+)[“”]
      | (?<!\w)‘(?P<e>[^‘’\n]+?)’(?!\w)
      | (?<![\w'])'(?=\w)(?P<f>[^'\n]*?[\w.,!?])'(?![\w'])""",
    re.VERBOSE,
)
_NORM_MARKS = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})
_CONTRACTIONS = (
    (re.compile(r"\bcan't\b"), "cannot"),
    (re.compile(r"\bwon't\b"), "will not"),
    (re.compile(r"\bshan't\b"), "shall not"),
    (re.compile(r"n't\b"), " not"),
    (re.compile(r"\bcan not\b"), "cannot"),
)
_NON_WORD = re.compile(r"[^\w\s]+")
_SPACE = re.compile(r"\s+")
_WORDS = re.compile(r"\w+")
_SINGULAR_PRONOUNS = frozenset({"he", "she"})
_OTHER_PRONOUNS = frozenset({"they", "we", "i", "you", "it", "who", "which", "this", "that"})
_STAND_INS = frozenset({"spokesperson", "spokesman", "spokeswoman", "representative"})
_SUBJECT_SKIP = KEY_ADVERBS | frozenset({"has", "had", "have", "also", "later", "then"})


def normalize_quote(text: str) -> str:
    """The comparison form of a quote: "Can not be ignored," -> "cannot be ignored"."""
    text = unicodedata.normalize("NFKC", text).translate(_NORM_MARKS).casefold()
    for pattern, replacement in _CONTRACTIONS:
        text = pattern.sub(replacement, text)
    text = _NON_WORD.sub(" ", text.replace("'", ""))
    return _SPACE.sub(" ", text).strip()


def _quote_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for match in _QUOTE.finditer(text):
        group = next(g for g in "abcdef" if match.group(g) is not None)
        spans.append((match.start(group), match.end(group)))
    return spans


def _names_between(names: Sequence[Mention], start: int, end: int) -> list[Mention]:
    return [n for n in names if n.start >= start and n.end <= end]


class _Speakers:
    """Finds speakers around speech verbs and remembers who spoke, for "he said" later."""

    def __init__(self, text: str, tokens: Sequence[Token], names: Sequence[Mention]) -> None:
        self.text = text
        self.tokens = tokens
        self.starts = [t.start for t in tokens]
        self.names = names
        self.people = [n for n in names if n.kind == "person"]
        self.last_person: tuple[str, int] | None = None

    def _full_name(self, word: str, before: int) -> str:
        """A lone surname ("Haley said") expanded to the full name used earlier, if one."""
        for person in reversed(self.people):
            if person.start < before and person.value.split()[-1] == word:
                return person.value
        return word

    def _resolve_stand_in(self, before: int) -> str:
        """ "he"/"the spokesperson" -> the last named person speaker, if no one else came since."""
        if self.last_person is None:
            return ""
        value, position = self.last_person
        between = [p for p in self.people if position <= p.start < before]
        if any(p.value != value for p in between):
            return ""
        return value

    def speaker(self, verb: int, region_start: int) -> str:
        """The speaker of the speech verb at token ``verb``, remembered for later pronouns."""
        found = self._find(verb, region_start)
        person_values = {p.value for p in self.people}
        if found in person_values:
            self.last_person = (found, self.tokens[verb].start)
        return found

    def _find(self, verb: int, region_start: int) -> str:
        """A person named before the verb, else the name right before it, else right after."""
        tokens = self.tokens
        verb_start = tokens[verb].start
        if tokens[verb].norm == "according":
            after = _names_between(self.names, tokens[verb].end, tokens[verb].end + 40)
            return after[0].value if after and after[0].start - tokens[verb].end <= 8 else ""
        region = _names_between(self.names, region_start, verb_start)
        people = [n for n in region if n.kind == "person"]
        if people:
            return people[-1].value
        i = verb - 1
        while i >= 0 and tokens[i].norm in _SUBJECT_SKIP:
            i -= 1
        if i >= 0 and tokens[i].start >= region_start:
            word = surface(self.text, tokens[i])
            adjacent = [n for n in region if n.end == tokens[i].end]
            if adjacent:
                return adjacent[-1].value
            if tokens[i].norm in _SINGULAR_PRONOUNS:
                return self._resolve_stand_in(verb_start)
            if tokens[i].norm in _STAND_INS and not region:
                return self._resolve_stand_in(verb_start)
            if tokens[i].norm in _OTHER_PRONOUNS:
                return ""  # "they said": a group, never resolved
            if is_capitalised(word) and word.isalpha():
                return self._full_name(word, verb_start)
        if region:
            return region[-1].value
        after = _names_between(self.names, tokens[verb].end, tokens[verb].end + 60)
        if after and after[0].start - tokens[verb].end <= 1:
            return after[0].value  # "..., said Jane Doe"
        return ""


def _speech_verbs(
    tokens: Sequence[Token], lo: int, hi: int, quotes: Sequence[tuple[int, int]]
) -> list[int]:
    found = []
    for i in range(lo, hi):
        token = tokens[i]
        if any(s <= token.start < e for s, e in quotes):
            continue
        if token.norm in SPEECH_VERBS or (
            token.norm == "according" and i + 1 < len(tokens) and tokens[i + 1].norm == "to"
        ):
            found.append(i)
    return found


def find_quotes(
    text: str,
    sentences: Sequence[Sequence[Token]],
    names: Sequence[Mention],
    article_id: str,
    min_words: int,
) -> list[Mention]:
    """Quote mentions with normalized text, speaker and speech verb."""
    tokens = [t for sentence in sentences for t in sentence]
    bounds = [(s[0].start, s[-1].end) for s in sentences if s]
    speakers = _Speakers(text, tokens, names)
    spans = _quote_spans(text)
    starts = [t.start for t in tokens]
    mentions: list[Mention] = []
    for start, end in spans:
        body = text[start:end]
        if len(_WORDS.findall(body)) < min_words:
            continue
        ctx = [b for b in bounds if b[0] < end and start < b[1]]
        ctx_start = min((b[0] for b in ctx), default=start)
        ctx_end = max((b[1] for b in ctx), default=end)
        lo = bisect_left(starts, ctx_start)
        hi = bisect_right(starts, ctx_end)
        others = [(s, e) for s, e in spans if s < ctx_end and ctx_start < e]
        verbs = _speech_verbs(tokens, lo, hi, others)
        key = qualifier = ""
        if verbs:
            verb = min(verbs, key=lambda v: _distance(tokens[v], start, end))
            earlier = [v for v in verbs if v < verb]
            if verb > 0 and tokens[verb - 1].norm == "to" and earlier:
                verb = earlier[-1]  # "X emailed Y to say ...": X is the speaker
            region_start = ctx_start
            # The subject sits between the verb and the nearest quote before it.
            for _, e in others:
                if e < tokens[verb].start:
                    region_start = max(region_start, e + 1)
            key = speakers.speaker(verb, region_start)
            qualifier = "according to" if tokens[verb].norm == "according" else tokens[verb].norm
        value = normalize_quote(body)
        if value:
            mentions.append(Mention(article_id, start, end, "quote", value, key, qualifier))
    return mentions


def _distance(token: Token, start: int, end: int) -> int:
    if token.end <= start:
        return start - token.end
    return max(0, token.start - end)
