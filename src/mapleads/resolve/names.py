"""Business-name keys for matching: case, accents, punctuation and legal-form words removed.

"Oy Karl Fazer Ab", "KARL FAZER" and "Karl-Fazer Oy" all key to "karl fazer"; the display name is kept.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

#: Legal-form words (after punctuation is removed) that say nothing about which business it is.
LEGAL_FORMS = frozenset(
    {
        # Nordic
        "oy",
        "oyj",
        "ab",
        "abp",
        "ky",
        "tmi",
        "ry",
        "as",
        "asa",
        "aps",
        "hf",
        "ehf",
        # German-speaking
        "gmbh",
        "ag",
        "kg",
        "ohg",
        "ug",
        "gbr",
        "ev",
        "mbh",
        "co",
        "cokg",
        "gmbhcokg",
        # French, Iberian, Italian
        "sarl",
        "sa",
        "sas",
        "sasu",
        "eurl",
        "sci",
        "snc",
        "sl",
        "slu",
        "srl",
        "spa",
        "sapa",
        "lda",
        # Benelux, Central Europe
        "bv",
        "nv",
        "vof",
        "bvba",
        "sro",
        "spzoo",
        "zoo",
        "kft",
        "zrt",
        "doo",
        # English-speaking
        "llc",
        "llp",
        "lp",
        "ltd",
        "limited",
        "inc",
        "incorporated",
        "corp",
        "corporation",
        "plc",
        "pty",
        "company",
    }
)
#: Legal forms only removed at the end of a name: elsewhere they are ordinary words ("As You Like It").
_TRAILING_ONLY = frozenset({"as", "co", "sa", "company", "limited", "corporation"})
_DOTTED = re.compile(r"\b(?:[a-z]\.){2,}")  # "s.a.r.l." -> "sarl", "g.m.b.h." -> "gmbh"
_NON_WORD = re.compile(r"[^\w]+")


def fold(text: str) -> str:
    """Lower case without accents ("Café Ekberg" -> "cafe ekberg"); ß and æ fold too."""
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in text if not unicodedata.combining(c))


@lru_cache(maxsize=262_144)
def name_key(name: str) -> str:
    """Matching key of a business name: folded, punctuation-free words, legal forms dropped."""
    text = fold(name).replace("&", " and ")
    text = _DOTTED.sub(lambda m: m.group(0).replace(".", ""), text)
    words = [w for w in _NON_WORD.sub(" ", text).replace("_", " ").split() if w]
    words = _strip_legal(words)
    return " ".join(words)


def _strip_legal(words: list[str]) -> list[str]:
    kept = list(words)
    stripped = False
    # "Karl Fazer & Co KG" -> "karl fazer": the "and" left behind by a dropped "co" goes too
    while len(kept) > 1 and (kept[-1] in LEGAL_FORMS or (stripped and kept[-1] == "and")):
        kept.pop()
        stripped = True
    while len(kept) > 1 and kept[0] in LEGAL_FORMS and kept[0] not in _TRAILING_ONLY:
        kept.pop(0)
    return kept or words


#: Words that say what kind of place it is, not which one ("Ravintola Maya" is "Maya" to another source).
_GENERIC_WORDS = frozenset(
    {"ravintola", "kahvila", "baari", "hotelli", "kauppa", "kampaamo", "parturi", "apteekki", "restaurant",
     "ristorante", "cafe", "caffe", "coffee", "bar", "pub", "bistro", "hotel", "hostel", "shop", "store",
     "salon", "restaurang", "kafe", "gaststatte", "the", "and"}
)  # fmt: skip


@lru_cache(maxsize=1)
def generic_words() -> frozenset[str]:
    """Built-in generic words plus every one-word category synonym of the taxonomy, folded."""
    from mapleads.taxonomy import get_taxonomy

    words = set(_GENERIC_WORDS)
    for category in get_taxonomy().categories.values():
        words.update(w for w in (name_key(x) for x in category.words()) if w and " " not in w)
    return frozenset(words)


@lru_cache(maxsize=1)
def _generic_bit() -> dict[str, int]:
    return {word: 1 << (n % 62) for n, word in enumerate(sorted(generic_words()))}


@lru_cache(maxsize=262_144)
def generic_bits(key: str) -> int:
    """The generic words of a name key as a bit set, so "which words" compares in bulk (rare collisions)."""
    bits = _generic_bit()
    out = 0
    for word in key.split():
        out |= bits.get(word, 0)
    return out


@lru_cache(maxsize=262_144)
def core_name_key(key: str) -> str:
    """A name key without generic words ("ravintola maya" -> "maya"); the key itself if nothing is left."""
    generic = generic_words()
    core = [w for w in key.split() if w not in generic]
    return " ".join(core) if core else key
