"""Speakers: the subject of a speech verb, and who "he", "it" or "the spokesman" stands for.

English news writing attributes words in a handful of patterns, which these rules follow
without a tagger:

- subject before the verb: "Smith said", "Smith, 45, a local farmer, said", "Smith and Jones
  said", "he added", "the company said", "a police spokeswoman said", "Smith later told";
- subject after the verb, right after a quote ('"...," said Rep. Jane Smith', '"...,"
  added the doctor') or after a comma closing reported speech (", said Jane Smith.");
- "according to X";
- a participle after a comma ("..., saying ...") reports the main clause's subject.

A pronoun or definite description ("the spokesman", "the company") is resolved by salience,
as readers do: the nearest preceding sentence (at most a few back) that mentions a compatible
named entity outside quotes; within it, someone who was just speaking, else the first mention
(the subject position in English). People for "he"/"she" and role nouns, organisations for
"it" and organisation nouns. An indefinite speaker ("a witness said") is nobody the article
names, so its key stays "", and it becomes the most recent speaker, so that a later "she
said" does not jump back to an earlier named person. Plural and generic speakers ("they",
"officials", "police") are never resolved: a wrong name is worse than none.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right, insort
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .facts_dates import KEY_ADVERBS
from .facts_names import MONTHS, TITLES, WEEKDAYS, is_capitalised, is_headline, surface, wordset
from .facts_names import SPEECH_VERBS as _BASE_SPEECH_VERBS
from .model import Mention, Token

# Verbs that present words as someone's (past, present, participle; base forms only where
# they are not also common nouns).
SPEECH_VERBS = _BASE_SPEECH_VERBS | wordset(
    """
    saying tell telling adding add noting notes explaining explains insisting stating states
    writing write tweeting tweets announces announcing confirming declaring declares claiming
    claims arguing argues warning warns asking asks replying replies admitted admits admitting
    acknowledged acknowledges acknowledging conceded concedes recalled recalls recalling
    remarked commented responded reported reports testified testifies shouted yelled joked
    quipped countered stressed stresses emphasised emphasized posted described describes
    describing vowed vows pledged predicted cautioned lamented complained boasted
    continued suggested pleaded exclaimed agreed denied denies denying"""
)
_SKIP_BEFORE_VERB = KEY_ADVERBS | wordset(
    "has had have also later then just would will did does do not never again further"
)
_BE = wordset("is are was were be been being")
_PRONOUN_PERSON = wordset("he she")
_PRONOUN_GENDER = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f"}
_PRONOUN_UNNAMED = wordset("they we i you one")
_DETERMINERS = wordset("the a an this that another one")
_POSSESSIVE_PRONOUNS = wordset("his her its their our my your")
_GROUPS = wordset(
    """
    police officials authorities firefighters investigators prosecutors witnesses residents
    analysts experts doctors officers deputies troops rescuers neighbours neighbors sources
    reports critics organizers organisers protesters students parents scientists researchers
    staff people media sources observers relatives family friends colleagues neighbours"""
)
_ORG_NOUNS = wordset(
    """
    company firm group agency ministry department government administration council committee
    commission court union party network channel station newspaper paper magazine website site
    airline bank team club board bureau office authority service army military institute
    university hospital school church campaign coalition alliance league association
    federation foundation charity broadcaster publisher studio organisation organization
    corporation embassy regime club"""
)
# Nouns naming one person by role, which a definite description ("the doctor said") resolves
# to the most salient named person; other nouns ("the trade said") stay unresolved.
_PERSON_NOUNS = TITLES | wordset(
    """
    doctor physician surgeon nurse comedian host actor actress singer star player coach
    manager owner executive chief officer agent pastor priest minister sheriff undersheriff
    deputy trooper constable sergeant captain commander general pilot driver teacher
    principal student mother father wife husband son daughter brother sister friend
    neighbour neighbor woman man boy girl teenager victim suspect defendant plaintiff
    prosecutor governor senator congressman candidate publicist producer director writer
    author founder veteran champion challenger trainer referee striker goalkeeper boxer
    businessman businesswoman economist scientist professor engineer expert official witness
    resident worker employee member clerk administrator treasurer auditor coroner marshal
    ranger counselor councillor councilman councilwoman alderman supervisor dean chair ceo
    customer shopper passenger fan visitor user reader viewer voter patient survivor"""
)
_DOCUMENT_NOUNS = wordset(
    """
    statement message release letter announcement communique communiqué"""
)
_INDEFINITES = wordset("a an one another")
# Speech verbs that are also plural nouns, and the words that make them nouns before them.
_NOUN_LIKE_VERBS = wordset("reports claims notes states posts")
_REPORT_MODIFIERS = wordset(
    "media news press earlier recent unconfirmed conflicting initial local several many some"
)
# Verbs that put out a statement ("X released a statement"): the quote after it is X's.
_ISSUE_VERBS = wordset("released issued posted published sent put read")
_PREPOSITIONS = wordset("for of at with from")
# Words opening an apposition after a name: "Maral, a resident of ...", "Ali, who herds ...".
_APPOSED = wordset("a an the who whose")
# Prepositions whose object is never the subject of a participle right after it.
_OBJECT_PREPOSITIONS = wordset("about on in into at to for against over under from by")
# Words that end no noun phrase: a subject is never "... as said" or "... that said".
_FUNCTION_WORDS = wordset(
    """
    as that which what to of for in on at by with from and or but if than so because while
    when where whom whose not no is are was were be been being has have had would will can
    could should may might must there here"""
)
# Words before a participle whose subject is the clause's ("before saying", "while adding").
_PARTICIPLE_LINKS = wordset("before after while without by when since and then also")
_SUBJECT_FOLLOWERS = wordset("in on at during after before from who while when according")
_CAPS_STOP = wordset(
    """
    a an the this that these those it its he she they we i you his her their our my your
    in on at of for from to by with and but or so if as when while after before however
    also then there here it's mr mrs ms dr one two three four five six seven eight nine ten
    several many some most all both each every no none"""
)
_QUOTE_MARKS = frozenset({'"', "'"})
_CLAUSE_BREAKS = frozenset({";", ":", "--", "—", "–"})
_FEMALE_CUES = wordset(
    """
    mrs ms miss lady madam spokeswoman chairwoman congresswoman businesswoman actress
    wife mother daughter sister woman girl queen princess"""
)
_MALE_CUES = wordset(
    """
    mr sir lord spokesman chairman congressman businessman actor husband father son brother
    man boy king prince"""
)
_GENDER_CUE = re.compile(
    r"\b(" + "|".join(sorted(_FEMALE_CUES | _MALE_CUES)) + r")\.?\s+$", re.IGNORECASE
)
_CALENDAR = frozenset(MONTHS) | frozenset(WEEKDAYS)
# Words that end a time adverbial ("early this morning", "late Tuesday"): never a speaker.
_TIME_WORDS = _CALENDAR | wordset(
    "morning afternoon evening night today tonight yesterday week weekend month year day"
)
_TOLD = wordset("told tell tells telling")
# Organisation names that are news outlets: a story's source, rarely its speaker's "it".
_MEDIA = re.compile(
    r"\b(?:News|Press|Times|Post|Herald|Tribune|Journal|Telegraph|Gazette|TV|Television|Radio|"
    r"Reuters|AFP|BBC|CNN|Magazine|Daily|Reporter)\b"
)
# News agencies whose own spelling is lower case, so the name rules never see them.
_AGENCIES = wordset("dpa epd kna apa sda")
_MEDIA_NOUNS = wordset("newspaper paper magazine station channel network broadcaster website site")
_COORDINATORS = wordset("and but")
# ", the company's chief spokesman" after a name: the role words of an apposition.
_ROLE_AFTER = re.compile(
    r",\s+(?:the|a|an|its|his|her|their)\s+((?:[\w'’.-]+\s+){0,4}?[\w-]+)\s*[,.;]"
)
# A web address standing for its publisher ("according to washingtonpost.com").
_DOMAIN = re.compile(
    r"[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|org|net|gov|edu|co\.uk|[a-z]{2})"
)
_AGE = re.compile(r"(?:\d+-)?year-old")  # "the 42-year-old said": a person
LOOKBACK_SENTENCES = 3
# How far back a pronoun may still find someone who spoke: "according to X" two sentences of
# background before "he said" ("His company's sensors ...", "These routes ...") is still X.
SPEAKER_LOOKBACK_SENTENCES = 5
# The kind of a speaker known only by one capitalised word: a person or an organisation.
_EITHER = "either"
_MAX_NP = 7


@dataclass(frozen=True, slots=True)
class Attribution:
    """Who said it.

    ``name`` is the speaker's canonical name, or "" for a speaker the article does not name
    ("a witness", "officials"); ``start``/``end`` the local mention of the speaker (the name,
    pronoun or noun phrase in the attribution); ``verb`` the speech verb ("said", "according
    to"), or "" when a lead-in ("His exact words:") names the speaker without one.
    """

    name: str
    start: int
    end: int
    verb: str


@dataclass(frozen=True, slots=True)
class _Entity:
    start: int
    end: int
    name: str
    kind: str
    speaker: bool


@dataclass(frozen=True, slots=True)
class _Subject:
    name: str
    start: int
    end: int
    register: str | None  # entity kind to remember as the latest speaker, None for groups


def strip_roles(value: str) -> str:
    """A person's name without the role words the name finder kept before it
    ("Undersheriff Larry Waldie" -> "Larry Waldie"), so one person has one key across articles."""
    words = value.split()
    while len(words) > 2 and _is_role(words[0]):
        words.pop(0)
    return " ".join(words)


def _is_role(word: str) -> bool:
    """ "Coach", "Rep.", "Producers": a role word, singular or plural."""
    norm = word.casefold().rstrip(".")
    return norm in _PERSON_NOUNS or (norm.endswith("s") and norm[:-1] in _PERSON_NOUNS)


def _people(names: Sequence[Mention]) -> list[Mention]:
    """Person mentions, plus the person at the end of a name the finder took for an
    organisation because of a role inside it ("Palmer City Clerk Janette Bower")."""
    people = []
    for name in names:
        if name.kind == "person":
            people.append(name)
            continue
        words = name.value.split()
        roles = [k for k, word in enumerate(words[:-1]) if _is_role(word)]
        if roles and 2 <= len(words) - roles[-1] - 1 <= 3:
            value = " ".join(words[roles[-1] + 1 :])
            people.append(
                Mention(name.article_id, name.end - len(value), name.end, "person", value)
            )
    return people


def _last_word(value: str) -> str:
    words = value.replace("’", "'").removesuffix("'s").split()
    return words[-1].casefold() if words else ""


def _lone_name_word(word: str) -> bool:
    """A capitalised word that can name a speaker alone: "Hurd", "Microsoft", "T-Mobile"."""
    return is_capitalised(word) and word.replace("-", "").isalpha() and not word.endswith("-")


class Speakers:
    """Attributions of every speech verb of one article, computed once in text order.

    Quote spans are needed up front: verbs and names inside quotes are the speaker's words,
    not the narrative, so they neither attribute nor count as antecedents.
    """

    def __init__(
        self,
        text: str,
        sentences: Sequence[Sequence[Token]],
        names: Sequence[Mention],
        quotes: Sequence[tuple[int, int]],
    ) -> None:
        self.text = text
        self.tokens = [t for sentence in sentences for t in sentence]
        self.starts = [t.start for t in self.tokens]
        self.first_token: list[int] = []
        position = 0
        for sentence in sentences:
            self.first_token.append(position)
            position += len(sentence)
        self.first_token.append(position)
        self.quotes = sorted(quotes)
        self._quote_starts = [s for s, _ in self.quotes]
        self._narrative: dict[int, bool] = {}
        kept = [n for n in names if n.kind in ("person", "org", "place")]
        self.by_start = {n.start: n for n in kept}
        self.by_end = {n.end: n for n in kept}
        people = _people(kept)
        self.full_names = self._full_names(people)
        # Last words of longer organisation and place names ("Service" of "Surrey Fire and
        # Rescue Service"): never a speaker's name on their own. A one-word name is its own
        # head and stays a name ("at T-Mobile", then "T-Mobile announced").
        self.name_heads = {
            _last_word(n.value) for n in kept if n.kind != "person" and " " in n.value.strip()
        }
        self.name_heads -= set(self.full_names)
        self.entities: dict[int, list[_Entity]] = {}
        self.gender: dict[str, str] = {}  # person name -> "m" / "f", from cues and pronouns
        self._add_entities(kept)
        self._add_unnamed_subjects()
        self.verbs = [
            i
            for i, t in enumerate(self.tokens)
            if (t.norm in SPEECH_VERBS or t.norm == "according") and self._is_speech_verb(i)
        ]
        self.verb_set = frozenset(self.verbs)
        self.attributions: dict[int, Attribution | None] = {}
        for verb in self.verbs:
            self.attributions[verb] = self._attribute(verb)

    # --- lookups -----------------------------------------------------------------------------

    def in_quote(self, offset: int) -> bool:
        k = bisect_left(self._quote_starts, offset + 1) - 1
        return k >= 0 and self.quotes[k][0] <= offset < self.quotes[k][1]

    def inside(self, i: int) -> bool:
        """Whether token i lies inside a quote."""
        return self.in_quote(self.tokens[i].start)

    def sentence_of(self, i: int) -> int:
        """The sentence index of token i."""
        return bisect_right(self.first_token, i) - 1

    def narrative(self, sentence: int) -> bool:
        """Whether a sentence has words outside quotes (is not wholly someone's words)."""
        if sentence not in self._narrative:
            lo, hi = self.first_token[sentence], self.first_token[sentence + 1]
            self._narrative[sentence] = any(
                self.tokens[i].norm[:1].isalnum() and not self.inside(i) for i in range(lo, hi)
            )
        return self._narrative[sentence]

    def in_headline(self, i: int) -> bool:
        """Whether token i lies in a title-case line (a headline, whose verbs report nothing)."""
        sentence = self.sentence_of(i)
        lo, hi = self.first_token[sentence], self.first_token[sentence + 1]
        return is_headline(self.text, self.tokens[lo:hi])

    def sentence_at(self, offset: int) -> int:
        k = max(0, bisect_left(self.starts, offset + 1) - 1)
        return self.sentence_of(k)

    def _word(self, i: int) -> str:
        return surface(self.text, self.tokens[i])

    def _full_names(self, people: Sequence[Mention]) -> dict[str, str]:
        """Last word -> the fullest person name ending with it ("Stefanski" -> "Ed Stefanski")."""
        best: dict[str, str] = {}
        for name in people:
            value = strip_roles(name.value)
            last = _last_word(value)
            if len(value.split()) > len(best.get(last, "").split()):
                best[last] = value
        return best

    def person_name(self, word: str) -> str:
        """A name as the speaker key: a lone surname grows to the article's fullest form."""
        if len(word.split()) == 1:
            return self.full_names.get(_last_word(word), word)
        return strip_roles(word)

    def _add_entities(self, names: Sequence[Mention]) -> None:
        """Named people and organisations outside quotes, plus later bare surnames of people."""
        covered: set[int] = set()  # token starts inside a name
        for name in names:
            if name.kind == "place" or self.in_quote(name.start):
                continue
            kind = name.kind
            value = self.person_name(name.value) if kind == "person" else name.value
            self._remember(_Entity(name.start, name.end, value, kind, False))
            covered.update(range(name.start, name.end))
        first_seen: dict[str, int] = {}
        for name in _people(names):
            if _last_word(name.value).isalpha():
                first_seen.setdefault(_last_word(name.value), name.start)
        if not first_seen:
            return
        words = "|".join(re.escape(w) for w in sorted(first_seen))
        for match in re.finditer(rf"\b(?:{words})\b", self.text, re.IGNORECASE):
            norm = match.group().casefold()
            seen = first_seen.get(norm)
            if seen is None or seen >= match.start() or not is_capitalised(match.group()):
                continue
            if match.start() in covered or self.in_quote(match.start()):
                continue
            k = bisect_left(self.starts, match.start())
            if k < len(self.tokens) and self.tokens[k].start == match.start():
                full = self.full_names[norm]
                self._remember(_Entity(match.start(), match.end(), full, "person", False))

    def _add_unnamed_subjects(self) -> None:
        """Someone unnamed opening a narrative sentence ("One Mac customer from the show floor
        was sceptical."): an antecedent too, so that the "he said" after it is not pinned on
        whoever the article named before."""
        for sentence in range(len(self.first_token) - 1):
            lo, hi = self.first_token[sentence], self.first_token[sentence + 1]
            if hi - lo > 3 and self.tokens[lo + 1].norm == ",":
                lo += 2  # "However, one customer ..."
            if hi - lo < 3 or self.tokens[lo].norm not in _INDEFINITES or self.inside(lo):
                continue
            for k in range(lo + 1, min(hi, lo + 5)):
                word = self._word(k)
                if not word.replace("-", "").isalpha():
                    break
                if word.islower() and self.tokens[k].norm in _PERSON_NOUNS:
                    start, end = self.tokens[lo].start, self.tokens[k].end
                    self._remember(_Entity(start, end, "", "person", False))
                    break

    def _remember(self, entity: _Entity) -> None:
        if entity.kind == "person" and not entity.speaker:
            self._learn_gender(entity.name, entity.start)
        bucket = self.entities.setdefault(self.sentence_at(entity.start), [])
        for k, old in enumerate(bucket):
            if old.start == entity.start and old.end == entity.end:
                bucket[k] = entity
                return
        insort(bucket, entity, key=lambda e: e.start)

    def resolve(
        self,
        position: int,
        kind: str,
        skip_own: bool = False,
        gender: str = "",
        media: bool = False,
    ) -> str | None:
        """The entity a pronoun or description at ``position`` refers to, by salience.

        None when nothing compatible is in reach; "" when the latest compatible speaker was an
        unnamed one ("a witness said ... she added"). A name used only as a possessive
        ("Palin's church") is a weaker antecedent than one standing alone, a person known to
        be "he" is never "she", whoever was told something ("told The Associated Press") is
        not its speaker, and "it" or "the company" is not the news outlet reporting the story
        (``media`` allows outlets, for "the newspaper said").
        """
        sentence = self.sentence_at(position)
        seen = 0
        for s in range(sentence - (1 if skip_own else 0), -1, -1):
            found = [
                e
                for e in self.entities.get(s, ())
                if e.start < position
                and e.kind in (kind, _EITHER)
                and (not gender or self.gender.get(e.name, gender) == gender)
                and not self._addressee(e)
                and (media or not _MEDIA.search(e.name))
            ]
            spoke = [e for e in found if e.speaker]
            if spoke:
                return spoke[-1].name
            if found and seen < LOOKBACK_SENTENCES:
                plain = [e for e in found if not self._possessive(e)]
                return (plain or found)[0].name
            seen += self.narrative(s)  # sentences wholly inside a quote do not count
            if seen >= SPEAKER_LOOKBACK_SENTENCES:
                break
        return None

    def _addressee(self, entity: _Entity) -> bool:
        """An entity right after "told"/"telling" (or "told the"): the one spoken to."""
        before = self.text[max(0, entity.start - 16) : entity.start].split()
        if before and before[-1].casefold() in ("the", "a", "an"):
            before = before[:-1]
        return bool(before) and before[-1].casefold() in _TOLD

    def _possessive(self, entity: _Entity) -> bool:
        return self.text[entity.end : entity.end + 2] in ("'s", "’s") or (
            self.text[entity.end : entity.end + 1] in ("'", "’")
        )

    def _learn_gender(self, name: str, start: int) -> None:
        """Gender from an honorific or gendered role word right before a person's mention."""
        if not name or name in self.gender:
            return
        match = _GENDER_CUE.search(self.text, max(0, start - 24), start)
        if match is not None:
            word = match.group(1).casefold()
            self.gender[name] = "f" if word in _FEMALE_CUES else "m"

    # --- speech verbs --------------------------------------------------------------------------

    def _is_speech_verb(self, i: int) -> bool:
        if self.inside(i):
            return False
        norm = self.tokens[i].norm
        if norm == "according":
            return i + 1 < len(self.tokens) and self.tokens[i + 1].norm == "to"
        if norm in _NOUN_LIKE_VERBS and i > 0 and self._same_sentence(i, i - 1):
            before = self.tokens[i - 1].norm
            # Lower case, or capitalised only as a sentence's first word ("Media reports ...").
            opens = self.first_token[self.sentence_of(i - 1)] == i - 1
            lower = opens or self._word(i - 1).islower()
            if (
                before in _DETERMINERS
                or before in _POSSESSIVE_PRONOUNS
                or (lower and before in _REPORT_MODIFIERS)  # not "BuzzFeed News reports"
                or (lower and before.endswith("ed"))
            ):
                return False  # "denied reports that", "media reports", "his claims": nouns
        return norm in SPEECH_VERBS

    def verb_name(self, i: int) -> str:
        norm = self.tokens[i].norm
        return "according to" if norm == "according" else norm

    def _clause_start(self, i: int) -> int:
        """First token of the clause holding token i: sentence start, after a quote or ';'."""
        sentence_start = self.first_token[self.sentence_of(i)]
        k = i - 1
        while k >= sentence_start:
            token = self.tokens[k]
            if token.norm in _CLAUSE_BREAKS or (
                token.norm in _QUOTE_MARKS and k > sentence_start and self.inside(k - 1)
            ):
                return k + 1
            k -= 1
        return sentence_start

    def _same_sentence(self, i: int, j: int) -> bool:
        return 0 <= j < len(self.tokens) and self.sentence_of(i) == self.sentence_of(j)

    def _attribute(self, verb: int) -> Attribution | None:
        subject = self._subject(verb)
        if subject is None:
            return None
        if subject.register is not None:
            entity = _Entity(subject.start, subject.end, subject.name, subject.register, True)
            self._remember(entity)
        return Attribution(subject.name, subject.start, subject.end, self.verb_name(verb))

    def _subject(self, verb: int) -> _Subject | None:
        tokens = self.tokens
        norm = tokens[verb].norm
        if norm == "according":
            source = verb + 2
            if self._same_sentence(verb, source) and _DOMAIN.fullmatch(tokens[source].norm):
                # "according to washingtonpost.com": the site stands for its publisher
                return _Subject(self._word(source), tokens[source].start, tokens[source].end, "org")
            return self._after(verb + 1, nominal=True, strict=False)
        prev = tokens[verb - 1].norm if self._same_sentence(verb, verb - 1) else ""
        before_prev = tokens[verb - 2].norm if self._same_sentence(verb, verb - 2) else ""
        if prev in _QUOTE_MARKS or (prev == "," and before_prev in _QUOTE_MARKS):
            found = self._after(verb, nominal=True, strict=False)  # '"...," said Jane Smith'
            if found is not None:
                return found
        elif prev == "," and not (norm in _TOLD or norm.endswith("ing")):
            # "..., said Jane Smith."; but in "Smith, the insurer, told France Info" the name
            # after the verb is the one spoken to, and in "X wrote, saying Bush ..." the name
            # after a participle is what was said, never who said it
            found = self._after(verb, nominal=False, strict=True)
            if found is not None:
                return found
        return self._before(verb)

    # --- subject after the verb ---------------------------------------------------------------

    def _after(self, verb: int, nominal: bool, strict: bool) -> _Subject | None:
        """The speaker right after the verb (or after "according to")."""
        tokens = self.tokens
        j = verb + 1
        if not self._same_sentence(verb, j):
            return None
        norm = tokens[j].norm
        if norm in _PRONOUN_PERSON:
            if strict and not self._ends_subject(verb, j + 1):
                return None  # "..., said he didn't think ...": the clause's own subject
            return self._pronoun(j, "person")
        if norm in ("him", "her") and tokens[verb].norm == "according":
            return self._pronoun(j, "person")
        k = j
        described = False  # passed lower-case words: "said ex-NYPD crime detective Joe Coffey"
        while k < j + 6 and self._same_sentence(verb, k):
            if k == j and tokens[k].norm in ("the", "a", "an"):
                k += 1  # "said the 36-year-old Klitschko": the name after the description
                continue
            mention = self.by_start.get(tokens[k].start)
            if mention is not None:
                if described and mention.kind != "person":
                    break
                if mention.kind == "org":
                    person = self._person_after_role(verb, mention)
                    if person is not None:  # "said Trend Micro threat researcher Jo Smith"
                        return self._named_after(verb, person[0], person[1], strict)
                return self._named_after(verb, k, mention, strict)
            if k > j and tokens[k].norm in self.full_names and is_capitalised(self._word(k)):
                # "said the 36-year-old Klitschko": the bare surname of someone named in full
                if strict and not self._ends_subject(verb, k + 1):
                    return None
                full = self.full_names[tokens[k].norm]
                return _Subject(full, tokens[k].start, tokens[k].end, "person")
            if tokens[k].norm == "," and k > j and self._same_sentence(verb, k + 1):
                # "said Biancardi's attorney, James Zeszutek": the name in the apposition
                named = self.by_start.get(tokens[k + 1].start)
                if named is not None and named.kind == "person":
                    return self._named_after(verb, k + 1, named, strict)
                break
            word = self._word(k)
            titled = tokens[k].norm.rstrip(".") in _PERSON_NOUNS or tokens[k].norm == "."
            aged = tokens[k].norm.isdigit() or tokens[k].norm == "-" or _AGE.fullmatch(word)
            if not (titled or aged or is_capitalised(word) or tokens[k].norm.endswith("'s")):
                if not self._describes(k):
                    break
                described = True
            k += 1
        word = self._word(j)
        if _lone_name_word(word) and norm not in _CAPS_STOP:
            end = j + 1
            names = [self._capitalised_name(j)]
            if self._same_sentence(verb, j + 2) and tokens[j + 1].norm == "and":
                other = self._word(j + 2)
                if is_capitalised(other) and other.isalpha():
                    names.append(self._capitalised_name(j + 2))
                    end = j + 3
            if strict and not self._ends_subject(verb, end):
                return None
            if any(not n for n in names):
                return _Subject("", tokens[j].start, tokens[end - 1].end, None)
            register = self._lone_kind(j) if len(names) == 1 else None
            return _Subject(" and ".join(names), tokens[j].start, tokens[end - 1].end, register)
        if nominal and norm in ("the", "a", "an"):
            k = j + 1
            while (
                k < j + _MAX_NP
                and self._same_sentence(verb, k)
                and (tokens[k].norm.replace("-", "").isalpha() or tokens[k].norm == "and")
                and tokens[k].norm not in _SUBJECT_FOLLOWERS
            ):
                k += 1
            if k > j + 1 and self._ends_subject(verb, k):
                return self._noun_phrase(j, k - 1, norm)
        return None

    def _person_after_role(self, verb: int, org: Mention) -> tuple[int, Mention] | None:
        """A person named right after an organisation and a few lower-case role words
        ("Trend Micro advanced threat researcher Paul Ferguson"): that token and mention."""
        k = bisect_left(self.starts, org.end)
        roles = 0
        while roles <= 4 and self._same_sentence(verb, k):
            mention = self.by_start.get(self.tokens[k].start)
            if mention is not None:
                return (k, mention) if mention.kind == "person" and roles else None
            if is_capitalised(self._word(k)) or not self._describes(k):
                return None
            roles += 1
            k += 1
        return None

    def _describes(self, k: int) -> bool:
        """A lower-case word that can sit in a role before a name ("organized", "crime",
        "ex-NYPD"): a plain word, not a function word or one that starts a new phrase."""
        norm = self.tokens[k].norm
        return (
            norm.replace("-", "").isalpha()
            and norm not in _FUNCTION_WORDS
            and norm not in _SUBJECT_FOLLOWERS
            and norm not in _DETERMINERS
            and norm not in SPEECH_VERBS
        )

    def _ends_subject(self, verb: int, k: int) -> bool:
        """The token at k may follow a subject: punctuation, sentence end or a preposition."""
        if not self._same_sentence(verb, k):
            return True
        norm = self.tokens[k].norm
        return not norm[:1].isalnum() or norm in _SUBJECT_FOLLOWERS

    def _named_after(self, verb: int, k: int, mention: Mention, strict: bool) -> _Subject | None:
        tokens = self.tokens
        end_index = bisect_left(self.starts, mention.end)
        names = [self._mention_name(mention)]
        end = mention.end
        if self._same_sentence(verb, end_index + 1) and tokens[end_index].norm == "and":
            other = self.by_start.get(tokens[end_index + 1].start)
            if other is not None:
                names.append(self._mention_name(other))
                end = other.end
                end_index = bisect_left(self.starts, other.end)
        if strict and not self._ends_subject(verb, end_index):
            return None
        register = mention.kind if len(names) == 1 and mention.kind != "place" else None
        return _Subject(" and ".join(names), mention.start, end, register)

    def _mention_name(self, mention: Mention) -> str:
        return self.person_name(mention.value) if mention.kind == "person" else mention.value

    def _capitalised_name(self, i: int) -> str:
        """A capitalised word standing alone as a speaker: a known surname, or a group ("")."""
        norm = self.tokens[i].norm
        if norm in self.full_names:
            return self.full_names[norm]
        if norm in _GROUPS or norm in _ORG_NOUNS or norm in self.name_heads or norm in _CALENDAR:
            return ""  # "Police", "Service" (of "Surrey Fire and Rescue Service"): no person
        return self._word(i)

    # --- subject before the verb ---------------------------------------------------------------

    def _before(self, verb: int) -> _Subject | None:
        tokens = self.tokens
        clause = self._clause_start(verb)
        i = verb - 1
        while i >= clause and tokens[i].norm in _SKIP_BEFORE_VERB:
            i -= 1
        if i >= clause and tokens[i].norm == ")":
            # "Rep. Edward Markey (D-Mass.) said": the subject is before the parenthesis
            k = i - 1
            while k >= clause and tokens[k].norm != "(":
                k -= 1
            i = k - 1
            while i >= clause and tokens[i].norm in _SKIP_BEFORE_VERB:
                i -= 1
        if i < clause:
            return None
        norm = tokens[i].norm
        if norm in _BE and not tokens[verb].norm.endswith("ing"):
            return None  # "he was told", "is said to": the speaker is not the subject
        if norm == "to":
            earlier = [v for v in self.verbs if clause <= v < i]
            if earlier:
                return self._subject(earlier[-1])  # "X emailed Y to say ..."
            return self._first_in_clause(clause, verb)
        if tokens[verb].norm.endswith("ing") and norm in _PARTICIPLE_LINKS:
            return self._first_in_clause(clause, verb)  # "X ate breakfast before saying ..."
        if norm in _COORDINATORS:
            return self._sentence_subject(verb)  # "X would not comment but confirmed that"
        if norm == ",":
            if tokens[verb].norm.endswith("ing"):
                return self._first_in_clause(clause, verb)  # "X condemned it, saying ..."
            k = i - 1
            while k >= clause and tokens[k].norm != ",":
                k -= 1
            if k < clause or i - k > 14:
                return self._first_in_clause(clause, verb)
            inner = self.by_start.get(tokens[k + 1].start)
            if inner is not None and inner.kind == "person" and inner.end == tokens[i - 1].end:
                # "a spokesman, John Doe, said": the name in the apposition
                return _Subject(self._mention_name(inner), inner.start, inner.end, "person")
            i = k - 1  # "Smith, 45, a farmer, said": the name before the apposition
            while i >= clause and tokens[i].norm == ",":
                i -= 1
            if i < clause:
                return None
            norm = tokens[i].norm
        if norm == "who" and i - 1 > clause and tokens[i - 1].norm == ",":
            i -= 2
            norm = tokens[i].norm
        subject = self._subject_ending_at(i, clause, verb)
        if (
            subject is not None
            and not subject.name
            and tokens[verb].norm.endswith("ing")
            and subject.end == tokens[verb - 1].end  # not "quoted X of Y as saying"
            and (self._object_of_preposition(subject.start, clause) or norm in _TIME_WORDS)
        ):
            # "opened up about her image saying it was wrong", "issued a statement this
            # morning announcing": the phrase before the participle is an object or a time;
            # whoever says it is the clause's subject
            return self._first_in_clause(clause, verb)
        return subject

    def _object_of_preposition(self, start: int, clause: int) -> bool:
        """Whether the phrase starting at offset ``start`` follows a preposition."""
        k = bisect_left(self.starts, start) - 1
        return k >= clause and self.tokens[k].norm in _OBJECT_PREPOSITIONS

    def _subject_ending_at(self, i: int, clause: int, verb: int) -> _Subject | None:
        """The subject whose last token is i, looking through "a spokesman for X" to its head."""
        core = self._core_ending_at(i, clause, verb)
        if core is None or core.start <= self.tokens[clause].start:
            return core
        first = bisect_left(self.starts, core.start)
        p = first - 1
        if self.tokens[p].norm not in _PREPOSITIONS or p <= clause:
            return core
        head = self._core_ending_at(p - 1, clause, verb)
        if head is None:
            return core
        if head.name:
            return head  # "Jonah Pell of Eastmoor University said"
        # "a spokesman for the agency": someone unnamed; an organisation named in the phrase
        # stands for its spokesperson, as in "a Surrey Police spokeswoman".
        named = self.by_start.get(core.start)
        name = named.value if named is not None and named.kind == "org" else ""
        return _Subject(name, head.start, core.end, "person")

    def _core_ending_at(self, i: int, clause: int, verb: int) -> _Subject | None:
        tokens = self.tokens
        norm = tokens[i].norm
        mention = self.by_end.get(tokens[i].end)
        if mention is not None:
            first = bisect_left(self.starts, mention.start)
            joint = self._joint_before(first, clause)
            if joint is not None:
                return _Subject(
                    f"{joint[0]} and {self._mention_name(mention)}", joint[1], mention.end, None
                )
            register = None if mention.kind == "place" else mention.kind
            return _Subject(self._mention_name(mention), mention.start, mention.end, register)
        if norm in _PRONOUN_PERSON or norm in ("him", "her"):
            return self._pronoun(i, "person")
        if norm == "it":
            return self._pronoun(i, "org")
        if norm in _PRONOUN_UNNAMED or norm == "them":
            return _Subject("", tokens[i].start, tokens[i].end, None)
        if norm == "as" and tokens[verb].norm.endswith("ing") and i - 1 >= clause:
            k = i - 1
            if tokens[k].norm == "quoted" and k - 2 >= clause and tokens[k - 1].norm in _BE:
                return self._core_ending_at(k - 2, clause, verb)  # "X was quoted as saying"
            return self._core_ending_at(k, clause, verb)  # "quoted him as saying"
        if norm in _FUNCTION_WORDS:
            return None
        word = self._word(i)
        if norm in _AGENCIES:  # "dpa reported": agencies that write their names in lower case
            return _Subject(word, tokens[i].start, tokens[i].end, "org")
        if _lone_name_word(word) and norm not in _CAPS_STOP:
            name = self._capitalised_name(i)
            if (
                i - 1 >= clause
                and tokens[i - 1].norm in _DETERMINERS
                and norm not in self.full_names
            ):
                if len(word) >= 2 and word.isupper():
                    # "the FBI said", "the NYDN reports": an acronym names an organisation
                    return _Subject(word, tokens[i].start, tokens[i].end, "org")
                name = ""  # "the Democrat said", "the Pentagon said": not a personal name
            joint = self._joint_before(i, clause)
            if joint is not None and name:
                return _Subject(f"{joint[0]} and {name}", joint[1], tokens[i].end, None)
            if not name:
                return _Subject("", tokens[i].start, tokens[i].end, None)
            return _Subject(name, tokens[i].start, tokens[i].end, self._lone_kind(i))
        if norm.replace("-", "").isalnum() and not is_capitalised(word):
            return self._noun_phrase_ending(i, clause)
        return self._first_in_clause(clause, verb)

    def _lone_kind(self, i: int) -> str:
        """What a lone capitalised speaker (token i) is: a person when it is the surname of
        someone the article names in full ("Hurd said"), an organisation when it is an acronym
        ("IRNA reported", "TSMC said": never a later "he"), else either ("Microsoft claims"),
        so that a later "he" or "the company" can find it."""
        norm = self.tokens[i].norm
        if norm in self.full_names:
            return "person"
        word = self._word(i)
        return "org" if len(word) >= 2 and word.isupper() else _EITHER

    def _joint_before(self, first: int, clause: int) -> tuple[str, int] | None:
        """ "Zadan and Meron said": the name before "and", with its start offset."""
        if first - 2 < clause or self.tokens[first - 1].norm != "and":
            return None
        k = first - 2
        mention = self.by_end.get(self.tokens[k].end)
        if mention is not None and mention.kind == "person":
            return self._mention_name(mention), mention.start
        word = self._word(k)
        if is_capitalised(word) and word.isalpha() and self.tokens[k].norm not in _CAPS_STOP:
            name = self._capitalised_name(k)
            if name:
                return name, self.tokens[k].start
        return None

    def _noun_phrase_ending(self, head: int, clause: int) -> _Subject | None:
        """A noun phrase ending at ``head`` ("the spokesman", "a Surrey Police spokeswoman")."""
        tokens = self.tokens
        k = head - 1
        if tokens[head].norm in _MEDIA_NOUNS:
            # "People magazine", "the Sun newspaper": the outlet's title before the noun
            while (
                k >= clause
                and head - k <= _MAX_NP
                and is_capitalised(self._word(k))
                and tokens[k].norm not in _DETERMINERS
            ):
                k -= 1
            if k < head - 1:
                determiner = tokens[k].norm if k >= clause else ""
                if determiner in ("the", "a", "an"):
                    return self._noun_phrase(k, head, determiner)
                return self._noun_phrase(k + 1, head, "")
        while k >= clause and k > head - _MAX_NP:
            norm = tokens[k].norm
            if norm in _DETERMINERS or norm in _POSSESSIVE_PRONOUNS:
                return self._noun_phrase(k, head, norm)
            if norm.endswith("'s"):
                return self._noun_phrase(k, head, "'s")
            inside_name = self._name_covering(tokens[k].start) is not None
            if not (inside_name or norm.replace("-", "").isalnum() or norm in ("and", "-")):
                break
            if norm in _FUNCTION_WORDS and norm != "and":
                break
            if not inside_name and is_capitalised(self._word(k)):
                break
            k -= 1
        return self._noun_phrase(k + 1, head, "")

    def _name_covering(self, offset: int) -> Mention | None:
        for mention in self.by_start.values():
            if mention.start <= offset < mention.end:
                return mention
        return None

    def _noun_phrase(self, first: int, head: int, determiner: str) -> _Subject:
        """Who a noun phrase [first, head] names: an organisation in it, a resolved
        definite description, or nobody the article names."""
        tokens = self.tokens
        start, end = tokens[first].start, tokens[head].end
        head_norm = tokens[head].norm
        orgs = [
            m
            for m in self.by_start.values()
            if start <= m.start and m.end <= end and m.kind in ("org", "place")
        ]
        if head_norm in _MEDIA_NOUNS and not orgs:
            # "People magazine reported", "the Sun newspaper said": the title names the outlet
            lead = first + (determiner in ("the", "a", "an"))
            title = [self._word(k) for k in range(lead, head) if is_capitalised(self._word(k))]
            if title and len(title) == head - lead:
                return _Subject(" ".join(title), start, end, "org")
        plural = head_norm.endswith("s") and not head_norm.endswith("ss")
        if head_norm in _GROUPS or (plural and head_norm not in _ORG_NOUNS):
            return _Subject("", start, end, None)
        if orgs and determiner in ("a", "an", "", "the"):
            # "a Surrey Police spokeswoman": the organisation speaks through someone unnamed.
            return _Subject(orgs[0].value, start, end, "person")
        if determiner in ("the", "this", "that") and not orgs:
            if head_norm in _ORG_NOUNS or head_norm in _DOCUMENT_NOUNS:
                kind = "org"
            elif head_norm in _PERSON_NOUNS or _AGE.fullmatch(head_norm):
                kind = "person"
            else:
                return _Subject("", start, end, None)
            name = self._role_holder(head_norm, start) if kind == "person" else None
            if name is None:
                name = self.resolve(start, kind, media=head_norm in _MEDIA_NOUNS)
            if name is None and kind == "org":
                name = self._most_mentioned_org(start, media=head_norm in _MEDIA_NOUNS)
            if name is not None:
                return _Subject(name, start, end, kind if name else None)
            return _Subject("", start, end, None)
        return _Subject("", start, end, "person")  # "a witness": someone new, never named

    def _most_mentioned_org(self, position: int, media: bool) -> str | None:
        """The organisation the article has named most often before ``position``: what "the
        company said" means when none is in the last few sentences (the story's company,
        named in the lead and again since). None on a tie or when none was named."""
        counts: Counter[str] = Counter()
        for mention in self.by_start.values():
            if mention.kind != "org" or mention.start >= position or self.in_quote(mention.start):
                continue
            if media or not _MEDIA.search(mention.value):
                counts[mention.value] += 1
        ranked = counts.most_common(2)
        if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
            return None
        return ranked[0][0]

    def _role_holder(self, role: str, position: int) -> str | None:
        """The person the article introduced with this role before ``position``, for "the
        spokesman" after "Acme spokesman Bill Jones" or "Bill Jones, the company's spokesman":
        the latest such person, or None when no mention carries the role."""
        holder: Mention | None = None
        for mention in self.by_start.values():
            if mention.kind != "person" or mention.start >= position:
                continue
            if self.in_quote(mention.start):
                continue
            before = self.text[max(0, mention.start - 40) : mention.start].split()
            after = _ROLE_AFTER.match(self.text, mention.end)
            titled = bool(before) and before[-1].casefold().rstrip(".") == role
            apposed = after is not None and role in after.group(1).casefold().split()
            if (titled or apposed) and (holder is None or mention.start > holder.start):
                holder = mention
        return self._mention_name(holder) if holder is not None else None

    def _pronoun(self, i: int, kind: str) -> _Subject:
        """A pronoun resolved by salience; an object pronoun ("quoted him as saying") never
        refers to its own sentence's subject, so its own sentence is skipped."""
        token = self.tokens[i]
        gender = _PRONOUN_GENDER.get(token.norm, "")
        name = self.resolve(token.start, kind, token.norm in ("him", "her"), gender)
        if name and gender:
            self.gender.setdefault(name, gender)
        if name:
            return _Subject(name, token.start, token.end, kind)
        return _Subject("", token.start, token.end, None)

    def _sentence_subject(self, verb: int) -> _Subject | None:
        """The subject of a verb coordinated with an earlier one ("X declined to comment but
        confirmed ..."): the name that opens the sentence, or nobody when the sentence opens
        with something else (the name first met later may be an object)."""
        start = self.first_token[self.sentence_of(verb)]
        found = self._first_in_clause(start, verb)
        if found is None or found.start != self.tokens[start].start:
            return None
        return found

    def _issued_statement(self, lo: int, hi: int) -> Attribution | None:
        """ "Jackson released a statement through the team on Tuesday." before a quote: the
        statement is the quote, its issuer (the sentence's named subject) the speaker."""
        for k in range(lo + 1, hi - 1):
            if self.tokens[k].norm not in _ISSUE_VERBS:
                continue
            after = [t.norm for t in self.tokens[k + 1 : min(hi, k + 4)]]
            if not any(norm in _DOCUMENT_NOUNS for norm in after):
                continue
            found = self._first_in_clause(lo, k)
            if found is not None and found.name and found.start == self.tokens[lo].start:
                return Attribution(found.name, found.start, found.end, self.tokens[k].norm)
            return None
        return None

    def _first_in_clause(self, clause: int, verb: int) -> _Subject | None:
        """The first named person (else organisation) of the clause: its likely subject."""
        lo, hi = self.tokens[clause].start, self.tokens[verb].start
        # Named people and organisations outside quotes, bare surnames of named people too
        # ("Three years ago, Reid, who ..."): the entities of the clause's sentences.
        inside = [
            e
            for s in range(self.sentence_of(clause), self.sentence_of(verb) + 1)
            for e in self.entities.get(s, ())
            if lo <= e.start and e.end <= hi and e.name
        ]
        for kind in ("person", "org"):
            found = sorted((e for e in inside if e.kind == kind), key=lambda e: e.start)
            if found:
                e = found[0]
                return _Subject(e.name, e.start, e.end, kind)
        # "Ortega condemned the delay, saying ...": a lone capitalised subject opening the clause
        first = self.tokens[clause]
        if first.norm in _PRONOUN_PERSON and clause < verb:
            return self._pronoun(clause, "person")  # "she insisted, adding: ..."
        word = self._word(clause)
        follower = self._word(clause + 1) if clause + 1 < verb else ""
        if follower == "," and clause + 2 < verb and self.tokens[clause + 2].norm in _APPOSED:
            follower = "a"  # "Maral, a resident of ..., told": a name and its apposition
        if (
            word.replace("-", "").isalpha()
            and is_capitalised(word)
            and first.norm not in _CAPS_STOP
            and follower[:1].islower()
        ):
            name = self._capitalised_name(clause)
            return _Subject(name, first.start, first.end, "person" if name else None)
        return None

    # --- quotes without their own attribution --------------------------------------------------

    def lead_in(self, sentence: int) -> Attribution | None:
        """The speaker set up by the sentence before a quote.

        Reported speech right before a quote ("Smith said the dam held.") or a lead-in ending
        with a colon ("His exact words:") introduces the quote's speaker.
        """
        if sentence < 0:
            return None
        lo, hi = self.first_token[sentence], self.first_token[sentence + 1]
        if lo >= hi:
            return None
        verbs = [v for v in self.verbs if lo <= v < hi]
        for verb in reversed(verbs):
            attribution = self.attributions.get(verb)
            if attribution is not None:
                return attribution
        if not verbs:
            issued = self._issued_statement(lo, hi)
            if issued is not None:
                return issued
        if verbs or self.tokens[hi - 1].norm != ":":
            return None
        first = self.tokens[lo]
        if first.norm in ("his", "her"):
            name = self.resolve(first.start, "person", gender=_PRONOUN_GENDER[first.norm])
            return Attribution(name, first.start, first.end, "") if name else None
        # Whoever the colon introduces: a person opening the sentence, right before the colon
        # or in an apposition running to it ("a statement by Jo Grifo, director of UCS's
        # programme:"), else the organisation right before the colon or opening the sentence;
        # never a name in between ("... the evacuation of Emirates Towers and others:").
        found = self._first_in_clause(lo, hi - 1)
        if found is not None and found.name and found.register == "person":
            after = bisect_left(self.starts, found.end)
            if found.start == first.start or after >= hi - 1 or self.tokens[after].norm == ",":
                return Attribution(found.name, found.start, found.end, "")
        last = self.by_end.get(self.tokens[hi - 2].end) if hi - 2 >= lo else None
        if last is not None and last.kind == "org":
            return Attribution(last.value, last.start, last.end, "")
        if found is None or not found.name or found.start != first.start:
            return None
        return Attribution(found.name, found.start, found.end, "")
