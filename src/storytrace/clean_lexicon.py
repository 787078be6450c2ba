"""Vocabularies and patterns of the text cleaner: stop words, UI words, chrome phrases.

Everything here is general: short function-word lists for seven languages, the words of page
chrome (buttons, menus, social networks), and multilingual patterns for calls to action,
promotions, credits, footers and "related stories" markers. The rules in ``clean_text`` and the
line features in ``clean_features`` read them; nothing here is specific to one site.
"""

from __future__ import annotations

import re


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

WORD = re.compile(r"\w+(?:['’\-]\w+)*")
BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
BULLET = re.compile(r"^[•·▪◦■□►▶▸‣●○]")
LIST_PREFIX = re.compile(r"^(?:[•·▪◦■□►▶▸‣●○*\-–—]|\d{1,2}[.)])\s*")
LIST_PREFIX_FIRST = frozenset("•·▪◦■□►▶▸‣●○*-–—")  # a non-digit LIST_PREFIX starts with one
SENTENCE_END = re.compile(r"[.!?…。！？]$")
CLOSERS = "\"'”’»)]›"
HEADLINE_BAD_END = re.compile(
    r"[,;:]$|(?<!\b[A-Z])(?<!\b(?:Co|Jr|Sr|St|Dr|Mr|Ms|vs))(?<!Inc|Ltd|Mrs)\.$"
)

READ_MORE = re.compile(
    r"^\W*(?i:read\s+(?:the\s+)?(?:full|more|original|rest|whole|entire|complete|latest)|"
    r"read\s+more|continue\s+reading|keep\s+reading|click\s+here|tap\s+here|"
    r"(?:see|find\s+out|learn)\s+more|more\s+(?:here|at|on\s+this)|full\s+(?:story|article)|"
    r"read\s+(?:it|this|on|at)\b|view\s+(?:the\s+)?(?:full|original)|source\s*:\s*\S+\s*$|"
    r"weiterlesen|mehr\s+lesen|lesen\s+sie\s+(?:mehr|weiter)|lire\s+la\s+suite|en\s+savoir\s+plus|"
    r"leer\s+más|seguir\s+leyendo|leia\s+mais|continua\s+a\s+leggere|leggi\s+(?:di\s+più|tutto)|"
    r"lees\s+meer|verder\s+lezen)"
)
PROMO = re.compile(
    r"^\W*(?i:sign\s+up|subscribe|register|join|download|get\s+(?:our|the|all|breaking|the\s+latest)|"
    r"follow\s+us|like\s+us|stay\s+(?:informed|up\s+to\s+date|connected)|don'?t\s+miss|"
    r"never\s+miss|want\s+more|support\s+(?:our|independent)|become\s+a\s+(?:member|subscriber)|"
    r"abonnieren|abonnez|inscrivez|suscr[ií]b|iscriviti|assine|inschrijven)\b"
)
PROMO_NOUN = re.compile(
    r"(?i)\b(?:newsletters?|inbox|e-?mail|app|podcasts?|updates|alerts|digest|briefing|"
    r"subscription|subscribers?|members(?:hip)?|twitter|facebook|instagram|telegram|whatsapp|"
    r"youtube|journalism|newsletter\w*)\b"
)
WIDGET_PHRASE = re.compile(
    r"^\W*(?i:(?:listen\s+to|print|share|save|email|e-mail|bookmark)\s+(?:this|the)\s+"
    r"(?:article|story|page|post)|(?:artikel|beitrag)\s+(?:anhören|teilen|drucken)|"
    r"(?:écouter|partager)\s+(?:cet|l')\s*article|(?:escuchar|compartir)\s+(?:este|el)\s+art[ií]culo)"
    r"\W*$"
)
MENU_SEPARATOR = re.compile(r"\s+[|•·»/>]\s+|\s*\|\s*")
TAG_LINE = re.compile(
    r"^(?i:tags?|topics?|categor(?:y|ies)|filed\s+under|keywords|schlagwörter|themen|"
    r"mots[-\s]clés|etiquetas|temas|argomenti)\s*:"
)
FOOTER = re.compile(
    r"(?i)(?:©|\(c\)\s*\d{4}|\bcopyright\b|all\s+rights\s+reserved|privacy\s+policy|"
    r"terms\s+of\s+(?:use|service)|alle\s+rechte\s+vorbehalten|tous\s+droits\s+réservés|"
    r"todos\s+los\s+derechos)"
)
IMAGE_SIZE = re.compile(r"(?:(?<=[a-z])x\d{2,4}|\b\d{2,4}\s*[x×]\s*\d{2,4}(?:px)?)\s*$")
CREDIT = re.compile(
    r"(?i)(?:^|[\s(\[|])(?:photo(?:graph)?s?|images?|pictures?|pic|credit|illustration|foto|"
    r"fotos|bild|bilder|video|graphic|source\s+image)\s*(?:credit)?\s*[:©]\s*\S|"
    r"^(?:photo|image|picture|foto|bild)s?\s+(?:by|courtesy\s+of|von|de|par)\s+\S"
)
AGENCY = re.compile(
    r"(?i)\b(?:getty(?:\s+images)?|reuters|afp|ap\s+photo|associated\s+press|epa(?:-efe)?|"
    r"shutterstock|istock(?:photo)?|alamy|dpa|xinhua|anadolu|sipa|pa\s+images|ansa|efe)\b"
)
SLASH_CREDIT = re.compile(r"/\s*\w|\w\s*/")
TEASER_MARKER = re.compile(
    r"^\W*(?i:related|more\s+(?:from|on|in|stories|news|articles|headlines|like\s+this)|"
    r"you\s+(?:may|might)\s+also\s+(?:like|be\s+interested)|read\s+(?:also|next)|see\s+also|"
    r"also\s+read|recommended|most\s+(?:read|popular|viewed|shared)|trending|top\s+stories|"
    r"latest\s+(?:news|stories|headlines)|other\s+stories|further\s+reading|"
    r"mehr\s+zum\s+thema|lesen\s+sie\s+auch|das\s+könnte\s+sie|à\s+lire\s+aussi|lire\s+aussi|"
    r"sur\s+le\s+même\s+sujet|lee\s+también|noticias\s+relacionadas|leia\s+também|"
    r"leggi\s+anche|ook\s+interessant)\b"
)
LINK_LIKE = re.compile(r"(?i)https?://|www\.|\w@\w|\.(?:com|org|net|co\.uk|de|fr)\b|\s[|»›>]\s")
QUOTE_CHARS = frozenset('"“”«»„')

# Cheap exact pre-tests, so that most lines skip the slower regexes above (same answers).
SENTENCE_END_CHARS = frozenset(".!?…。！？")  # SENTENCE_END on a line without line breaks
BULLET_CHARS = frozenset("•·▪◦■□►▶▸‣●○")  # BULLET
MENU_SEPARATOR_CHARS = frozenset("|•·»/>")  # every MENU_SEPARATOR match holds one of these
HEADLINE_BAD_END_CHARS = (",", ";", ":", ".")  # the last character of a HEADLINE_BAD_END match
# The second branch of CREDIT on its own; the first needs a ":" or "©" in the line.
CREDIT_BY = re.compile(
    r"(?i)^(?:photo|image|picture|foto|bild)s?\s+(?:by|courtesy\s+of|von|de|par)\s+\S"
)
# Non-ASCII characters that a case-insensitive pattern matches to an ASCII letter (Kelvin sign,
# dotted and dotless i, long s). In a line without them, a case-insensitive pattern finds an
# ASCII word only where the lower-cased line holds that word, so a substring test on the
# lower-cased line can rule the pattern out.
CASE_TRAPS = re.compile("[\u0130\u0131\u017f\u212a]")
# A substring (of the lower-cased line) that every FOOTER / LINK_LIKE match holds one of.
FOOTER_KEYS = (
    "©",
    "(c)",
    "copyright",
    "rights",
    "privacy",
    "terms",
    "rechte",
    "droits",
    "derechos",
)
LINK_KEYS = ("://", "@", "www.", ".com", ".org", ".net", ".co.uk", ".de", ".fr", "|", "»", "›", ">")


# The leading letters of every alternative of READ_MORE, PROMO, WIDGET_PHRASE and CREDIT_BY
# (see may_start), and a substring every AGENCY match holds one of (see may_match).
READ_MORE_STARTS = (
    *("read", "continue", "keep", "click", "tap", "see", "find", "learn", "more", "full"),
    *("view", "source", "weiterlesen", "mehr", "lesen", "lire", "en", "leer", "seguir"),
    *("leia", "continua", "leggi", "lees", "verder"),
)
PROMO_STARTS = (
    *("sign", "subscribe", "register", "join", "download", "get", "follow", "like", "stay"),
    *("don", "never", "want", "support", "become", "abonnieren", "abonnez", "inscrivez"),
    *("suscr", "iscriviti", "assine", "inschrijven"),
)
WIDGET_PHRASE_STARTS = (
    *("listen", "print", "share", "save", "email", "e", "bookmark", "artikel", "beitrag"),
    *("partager", "escuchar", "compartir"),
)
CREDIT_BY_STARTS = ("photo", "image", "picture", "foto", "bild")
AGENCY_KEYS = (
    *("getty", "reuters", "afp", "photo", "associated", "epa", "shutterstock", "istock"),
    *("alamy", "dpa", "xinhua", "anadolu", "sipa", "images", "ansa", "efe"),
)


def may_start(starts: tuple[str, ...], words: tuple[str, ...], text: str) -> bool:
    """False only when a pattern anchored at the line's start (``^``, maybe ``\\W*``, then one
    of ``starts``, case-insensitively) cannot match ``text``, whose lower-cased words are
    ``words``: in an ASCII line it can match only where the first word starts with one."""
    if not text.isascii():
        return True
    return bool(words) and words[0].startswith(starts)


def may_match(keys: tuple[str, ...], lowered: str, text: str) -> bool:
    """False only when a pattern whose every match holds one of ``keys`` (ASCII words matched
    case-insensitively, or literal symbols) cannot match ``text`` (``lowered`` is its lower
    case); see CASE_TRAPS."""
    if any(map(lowered.__contains__, keys)):
        return True
    return not text.isascii() and CASE_TRAPS.search(text) is not None
