"""Names of people, organisations and places, found from capitalisation and a few small cues.

Without a tagger, a name is a run of capitalised words; what kind of name it is comes from cues
that hold in any English news text: a head word inside it ("... Ministry", "... Network"), a
title before it ("President X", "president X"), a descriptor before it ("newspaper X"), an
apposition after it ("X, a spokesperson for Y"), or a place preposition ("in X"). A run with no
cue is kept only when it looks like a personal name (two or three title-case words), so that a
lone capitalised word at the start of a sentence is never taken for a name: precision first.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .model import Mention, MentionKind, Token


def wordset(words: str) -> frozenset[str]:
    """A word list written as one whitespace-separated string, as a set."""
    return frozenset(words.split())


MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

# Capitalised words that start sentences or quotes without naming anything.
_ARTICLES = frozenset({"a", "an", "the"})
_STOP_CAPS = wordset(
    """
    a an the this that these those it its he she they we i you his her their our my your
    in on at of for from to by with without into onto over under after before during since
    until while when where why how what which who whom whose if as and but or nor so yet
    also then there here however meanwhile still though although because despite according
    some many most all both each every any other others another several few no not one
    mr mrs ms dr prof sir read see click follow watch photo image video via update updated
    more less last next first new yesterday today tomorrow later earlier now once soon
    again instead indeed separately meanwhile perhaps only even just nearly about around
    roughly almost asked speaking"""
)
TITLES = wordset(
    """
    president minister ambassador ombudsperson ombudsman senator governor mayor chancellor
    king queen prince princess pope judge secretary chairman chairwoman chairperson director
    spokesman spokeswoman spokesperson commissioner premier sheikh rabbi sergeant captain
    colonel lieutenant professor prof dr mr mrs ms sir lord lady rep sen gov representative
    deputy envoy lawmaker mp congressman congresswoman attorney lawyer activist officer
    chief leader founder coordinator analyst researcher reporter correspondent editor
    inspector superintendent detective cardinal bishop archbishop imam"""
)
_ORG_HEADS = wordset(
    """
    network ministry department parliament agency university council commission committee
    court party group association union bank institute foundation company corporation corp
    inc ltd llc plc news times post gazette herald tribune journal telegraph guardian office
    service services police army navy forces nations organization organisation federation
    assembly congress senate government authority board bureau centre center college school
    hospital church fund program programme initiative campaign coalition alliance league
    club team airlines airways press media television radio channel society trust
    watch"""
)
_PLACE_HEADS = wordset(
    """
    republic kingdom states island islands city county province region valley river
    mountains mountain sea ocean lake street avenue square bay gulf strait peninsula oblast
    district territory territories coast desert"""
)
# Lowercase nouns that introduce the name after them ("the newspaper X", "the group X").
_ORG_CUES = wordset(
    """
    newspaper paper group organization organisation agency company firm party channel
    broadcaster network outlet magazine daily weekly website site union association charity
    ngo movement bank airline publisher station tabloid"""
)
_PLACE_PREPOSITIONS = frozenset({"in", "from", "near", "across", "throughout", "inside", "outside"})
_CONNECTORS = frozenset({"of", "de", "del", "da", "der", "van", "von", "al", "bin", "le", "la"})
# Words a capitalised adjective may stand before without itself being a name.
_DESCRIPTOR_NOUNS = (
    _ORG_CUES
    | TITLES
    | wordset(
        """
    officials official authorities government police news media forces people members
    citizens soldiers troops leaders activists human"""
    )
)
# "Council of Europe", "Bank of England", but "Jonah Pell of Eastmoor University" is two names.
_OF_HEADS = _ORG_HEADS | _PLACE_HEADS | TITLES
_DEMONYM = re.compile(r"(?:an|ian|ese|ish|ic|i)$")
_LINK_AFTER_APPOSITION = frozenset({"a", "an", "the"})
SPEECH_VERBS = wordset(
    """
    said say says told tells added adds emailed confirmed confirms wrote writes stated
    asked explained noted insisted insists tweeted announced urged warned claimed argued
    replied declared"""
)
_WORD = re.compile(r"\w", re.UNICODE)
# Words that title case may leave in lower case (articles, prepositions, conjunctions).
_TITLE_CASE_LOWER = wordset(
    """
    a an the and but or nor for so yet as at by in of off on out per to up via vs with from
    into onto over upon than that amid near past like after about under above below among
    along since until against between through without within during across toward towards
    behind beyond despite versus while when"""
)
_SPACE = re.compile(r"\s+")
_POSSESSIVE = ("'s", "’s")
_NORM_QUOTES = str.maketrans({"’": "'", "‘": "'", "–": "-", "—": "-", "\u00a0": " "})


@dataclass(frozen=True, slots=True)
class _Found:
    start: int
    end: int
    value: str
    kind: MentionKind
    strong: bool


def normalize_name(surface: str) -> str:
    """A name's value: NFKC, typographic apostrophes and dashes unified, whitespace collapsed.

    Case is kept, because the value is what readers see and what the compare stage spells apart.
    """
    text = unicodedata.normalize("NFKC", surface).translate(_NORM_QUOTES)
    return _SPACE.sub(" ", text).strip()


def surface(text: str, token: Token) -> str:
    """The token as written in the text (``Token.norm`` is case-folded)."""
    return text[token.start : token.end]


def is_capitalised(word: str) -> bool:
    """True for a word starting with an upper-case letter (not a digit or a mark)."""
    return bool(word) and word[0].isupper() and word[0].isalpha()


def is_headline(text: str, tokens: Sequence[Token]) -> bool:
    """True for a title-case line ("Gay Chechens Trying to Escape ..."): capitals mean nothing.

    Title case capitalises every word but articles, prepositions and conjunctions, so one other
    lower-case word ("President Jane Doe met ...") makes it a sentence dense with names, whose
    capitals do mean names.
    """
    all_words = [surface(text, t) for t in tokens if _WORD.match(t.norm)]
    words = [w for w in all_words if len(w) > 3]
    if len(words) < 4:
        return False
    if any(w.islower() and w.isalpha() and w not in _TITLE_CASE_LOWER for w in all_words):
        return False
    return sum(1 for w in words if is_capitalised(w)) >= 0.7 * len(words)


def _name_token(text: str, token: Token) -> bool:
    word = surface(text, token)
    if not is_capitalised(word):
        return False
    bare = token.norm.removesuffix("'s")
    return bare not in MONTHS and bare not in WEEKDAYS


def _initial_positions(tokens: Sequence[Token]) -> set[int]:
    """Indices where a capital letter says nothing: sentence start, after a quote or colon."""
    initial = {0}
    for i, token in enumerate(tokens[:-1]):
        if token.norm in {'"', "'", ":", "(", "-", "["}:
            initial.add(i + 1)
    return initial


def _runs(text: str, tokens: Sequence[Token]) -> list[tuple[int, int]]:
    """Maximal runs [i, j) of capitalised tokens, joined by name connectors ("Council of X")."""
    runs: list[tuple[int, int]] = []
    i = 0
    n = len(tokens)
    while i < n:
        if not _name_token(text, tokens[i]):
            i += 1
            continue
        j = i + 1
        while j < n:
            if (
                tokens[j].start != tokens[j - 1].end
                and text[tokens[j - 1].end : tokens[j].start] != " "
            ):
                break  # names do not run across double spaces or line breaks
            if _name_token(text, tokens[j]) and not tokens[j - 1].norm.endswith("'s"):
                j += 1
            elif _middle_initial(text, tokens, j):
                j += 2  # "Patrick J. Buchanan": the initial's full stop, then the name
            elif (
                tokens[j].norm in _CONNECTORS
                and (tokens[j].norm != "of" or tokens[j - 1].norm in _OF_HEADS)
                and j + 1 < n
                and _name_token(text, tokens[j + 1])
                and text[tokens[j].end : tokens[j + 1].start] == " "
            ):
                j += 2
            else:
                break
        runs.append((i, j))
        i = j
    return runs


def _middle_initial(text: str, tokens: Sequence[Token], j: int) -> bool:
    """Whether tokens[j] is the full stop of a one-letter initial inside a name run, a name
    following it after one space ("J." in "Patrick J. Buchanan")."""
    initial = tokens[j - 1]
    return (
        tokens[j].norm == "."
        and tokens[j].start == initial.end
        and initial.end - initial.start == 1
        and text[initial.start].isupper()
        and j + 1 < len(tokens)
        and _name_token(text, tokens[j + 1])
        and text[tokens[j].end : tokens[j + 1].start] == " "
    )


def _without_lower_tail(text: str, token_start: int, end: int) -> int:
    """The end of a name whose last word has a lower-case tail after a hyphen: "Utah-based",
    "Bush-era", or a dash glued by the source ("Jonathan Wright-director of ...") name only
    the part before the hyphen."""
    hyphen = text.rfind("-", token_start, end)
    if hyphen > token_start and text[hyphen + 1 : hyphen + 2].islower():
        return hyphen
    return end


def _title_split(tokens: Sequence[Token], i: int, j: int) -> int | None:
    """Index after the last title word in run [i, j) when a name follows it, else None."""
    for k in range(j - 2, i - 1, -1):
        if tokens[k].norm.rstrip(".") in TITLES:
            return k + 1
    return None


def _has_apposition(text: str, tokens: Sequence[Token], j: int) -> bool:
    """True when the run ending at j is followed by ", a/the <role> ..." (a person's role)."""
    if j >= len(tokens) or tokens[j].norm != ",":
        return False
    window = tokens[j + 1 : j + 6]
    if not window or window[0].norm not in _LINK_AFTER_APPOSITION:
        return False
    for token in window[1:]:
        if token.norm in TITLES:
            return True
        if token.norm in {",", ".", "for", "of"}:
            break
    return False


def _classify(
    text: str, tokens: Sequence[Token], i: int, j: int, person_cue: bool
) -> tuple[MentionKind, bool] | None:
    """Kind of the run [i, j) and whether a cue (not a fallback) decided it; None to drop it."""
    norms = [t.norm.removesuffix("'s") for t in tokens[i:j]]
    before = tokens[i - 1].norm if i > 0 else ""
    after = tokens[j].norm if j < len(tokens) else ""
    if (
        after in _DESCRIPTOR_NOUNS
        and not is_capitalised(surface(text, tokens[j]))
        and (j - i == 1 or any(_DEMONYM.search(n) for n in norms))
    ):
        return None  # "Russian newspaper ...": an adjective, the name comes after the noun
    if any(n in _ORG_HEADS for n in norms[1:]) or before in _ORG_CUES:
        return "org", True
    if person_cue or before in TITLES or _has_apposition(text, tokens, j):
        return "person", True
    if any(n in _PLACE_HEADS for n in norms[1:]):
        return "place", True
    if before in _PLACE_PREPOSITIONS:
        return "place", True
    words = [surface(text, t) for t in tokens[i:j] if t.norm != "."]
    initials = sum(len(w) == 1 for w in words)
    if (
        len(words) - initials in (2, 3)
        and initials <= 1
        and all(w[:1].isupper() and (len(w) == 1 or not w.isupper()) for w in words)
    ):
        if before in _ARTICLES:
            # "a Wonderful Life", "the Time Lord": a title or a thing; a person's name does
            # not follow an article without a role word between ("the actor Brad Pitt")
            return "org", False
        return "person", False
    if len(words) >= 2:
        return "org", False
    return None


def find_names(text: str, sentences: Sequence[Sequence[Token]], article_id: str) -> list[Mention]:
    """Person, organisation and place mentions, one per occurrence, kinds made consistent.

    A surface form that some occurrence classified from a cue gets that kind everywhere in
    the article, so "Dagens Tidning" is an org in every sentence once "newspaper Dagens
    Tidning" has said so.
    """
    found: list[_Found] = []
    for tokens in sentences:
        if is_headline(text, tokens):
            continue
        initial = _initial_positions(tokens)
        for i, j in _runs(text, tokens):
            while i < j and (i in initial or not is_capitalised(surface(text, tokens[i]))):
                if tokens[i].norm.rstrip(".") in _STOP_CAPS or tokens[i].norm in _CONNECTORS:
                    i += 1
                else:
                    break
            if i >= j:
                continue
            person_cue = False
            split = _title_split(tokens, i, j)
            if split is not None:
                i, person_cue = split, True
            elif i > 0 and tokens[i - 1].norm.rstrip(".") in {"mr", "mrs", "ms", "dr"}:
                person_cue = True
            decided = _classify(text, tokens, i, j, person_cue)
            if decided is None:
                continue
            kind, strong = decided
            if j - i == 1 and not strong:
                continue
            if j - i == 1 and kind == "person" and not person_cue:
                continue
            start, end = tokens[i].start, tokens[j - 1].end
            raw = text[start:end]
            if raw.endswith(_POSSESSIVE):
                end -= 2
            end = _without_lower_tail(text, tokens[j - 1].start, end)
            found.append(_Found(start, end, normalize_name(text[start:end]), kind, strong))
    found = _split_glued_acronyms(text, found)
    strong_kinds: dict[str, Counter[str]] = {}
    for f in found:
        if f.strong:
            strong_kinds.setdefault(f.value, Counter())[f.kind] += 1
    mentions: list[Mention] = []
    for f in found:
        kind = f.kind
        votes = strong_kinds.get(f.value)
        if votes:
            best = max(sorted(votes), key=lambda k: votes[k])
            kind = "org" if best == "org" else "person" if best == "person" else "place"
        mentions.append(Mention(article_id, f.start, f.end, kind, f.value))
    return mentions


def _split_glued_acronyms(text: str, found: list[_Found]) -> list[_Found]:
    """Runs that glue an all-capitals word to a person's name, told apart by the article.

    When the article names the person in full elsewhere ("Peter Capaldi"): "PETER Capaldi has
    been ..." (a capitalised lede) and "says ADA Fairman" (an abbreviated title) are that
    person, while "with the BBC Capaldi admitted ..." (an organisation after an article, then
    a missing comma) is the BBC, then Capaldi. Acronyms that start real names ("BBC Radio",
    "NASA Administrator ...") are left alone: their rest is no one's surname.
    """
    full_names: dict[str, str] = {}  # surname -> full name, from people named in full
    for f in found:
        words = f.value.split()
        if f.kind == "person" and len(words) >= 2 and not words[0].isupper():
            full_names.setdefault(words[-1], f.value)
    result: list[_Found] = []
    for f in found:
        words = f.value.split()
        first = words[0]
        rest = " ".join(words[1:])
        full = full_names.get(rest)
        if len(words) < 2 or not (first.isupper() and len(first) >= 2) or full is None:
            result.append(f)
        elif full.split()[0].casefold() == first.casefold() or not _after_article(text, f.start):
            # "PETER Capaldi"; "ADA Fairman", "MP Jones": an abbreviated title before a name
            result.append(_Found(f.start, f.end, full, "person", True))
        else:
            rest_start = text.rfind(rest, f.start, f.end)
            if rest_start < 0:  # the value was normalised away from the text: leave it
                result.append(f)
                continue
            result.append(_Found(f.start, f.start + len(first), first, "org", False))
            result.append(_Found(rest_start, f.end, rest, "person", True))
    return result


def _after_article(text: str, start: int) -> bool:
    """Whether the word before offset ``start`` is "a", "an" or "the"."""
    before = text[max(0, start - 5) : start].split()
    return bool(before) and before[-1].casefold() in _ARTICLES
