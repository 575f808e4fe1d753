"""Loading the taxonomy and answering the two questions every source asks of it."""

from __future__ import annotations

import hashlib
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from typing import Any

from mapleads.disk_cache import disk_cached
from mapleads.errors import UnknownCategoryError

LANGUAGES = ("en", "de", "fr", "es", "fi")
#: Keys whose presence (with a name) makes an object a business candidate.
BUSINESS_KEYS = ("shop", "amenity", "office", "craft", "tourism", "healthcare", "leisure", "club")
ALL = "all"
_BUSINESS_SET = frozenset(BUSINESS_KEYS)
#: how many distinct tag combinations `classify` remembers (a country file has a few thousand)
CLASSIFY_MEMORY = 1 << 16


@dataclass(frozen=True, slots=True)
class Category:
    key: str
    label: str
    #: alternatives; each alternative is a set of tags that must all match ("*" = any value)
    osm: tuple[tuple[tuple[str, str], ...], ...]
    synonyms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    group: str = "other"

    def words(self) -> Iterable[str]:
        yield self.key
        yield self.key.replace("_", " ")
        yield self.label
        for words in self.synonyms.values():
            yield from words


def fold(text: str) -> str:
    """Case- and accent-insensitive form used for matching words ("Hammaslääkäri" -> "hammaslaakari")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).replace("-", " ").split())


def _parse_matcher(spec: str) -> tuple[tuple[str, str], ...]:
    pairs = []
    for part in spec.split("+"):
        key, _, value = part.strip().partition("=")
        pairs.append((key.strip(), value.strip() or "*"))
    return tuple(pairs)


class Taxonomy:
    def __init__(self, categories: list[Category], exclusions: Mapping[str, frozenset[str]]) -> None:
        self.categories = {c.key: c for c in categories}
        self.exclusions = exclusions
        # first (key, value) of each alternative -> [(category key, remaining conditions)]
        self._by_tag: dict[tuple[str, str], list[tuple[str, tuple[tuple[str, str], ...]]]] = {}
        for cat in categories:
            for alt in cat.osm:
                self._by_tag.setdefault(alt[0], []).append((cat.key, alt[1:]))
        # the only tags a classification reads: the business keys and the extra conditions' keys ("sport")
        conditions = {k for alts in self._by_tag.values() for _, rest in alts for k, _ in rest}
        self._read_keys = BUSINESS_KEYS + tuple(sorted(conditions - _BUSINESS_SET))
        self._classified: dict[tuple[str | None, ...], tuple[str, ...] | None] = {}

    @cached_property
    def _words(self) -> dict[str, str]:
        """Every folded word and its likely singulars -> category key: built when words are first looked up, so
        a command that never reads a user's words ("all", an index build) does not pay for it."""
        folded = [(fold(word), cat.key) for cat in self.categories.values() for word in cat.words()]
        # exact words first, so a derived singular ("carrelages" -> "carrelage") never shadows a real synonym
        words: dict[str, str] = {}
        for word, key in folded:
            words.setdefault(word, key)
        for word, key in folded:
            for form in _word_forms(word):
                words.setdefault(form, key)
        return words

    # --- objects -> categories -----------------------------------------------------------------------
    def is_business(self, tags: Mapping[str, str]) -> bool:
        """True when a named object carries a business key with a value that is not excluded."""
        for key in BUSINESS_KEYS:
            value = tags.get(key)
            if value and value not in self.exclusions.get(key, ()) and value != "no":
                return True
        return False

    def classify(self, tags: Mapping[str, str]) -> tuple[str, ...] | None:
        """`categorize` for business objects, None for the rest: for the hot loop of a file scan, so remembered by
        the values of the few keys the rules read (a file's objects repeat a few thousand combinations). The
        remembered tuple itself is returned: the scan's candidates share it (one object where a list each was
        8 MB on the benchmark file, and as much to hand over between the processes)."""
        probe = tuple(map(tags.get, self._read_keys))
        try:
            found = self._classified[probe]
        except KeyError:
            if len(self._classified) >= CLASSIFY_MEMORY:
                self._classified.clear()
            found = self._classified[probe] = tuple(self.categorize(tags)) if self.is_business(tags) else None
        return found

    def categorize(self, tags: Mapping[str, str]) -> list[str]:
        """Our category keys for an object's tags, most specific source key first."""
        found: list[str] = []
        for key in BUSINESS_KEYS:
            raw = tags.get(key)
            if not raw:
                continue
            for value in raw.split(";"):
                for probe in ((key, value.strip()), (key, "*")):
                    for cat_key, rest in self._by_tag.get(probe, ()):
                        if cat_key not in found and all(_matches(tags, k, v) for k, v in rest):
                            found.append(cat_key)
        return found

    # --- words -> categories -------------------------------------------------------------------------
    def resolve(self, words: str | Iterable[str]) -> list[str] | None:
        """Category keys for what a user typed; None means every business ("all").

        Accepts one string with commas ("dentist, plumber") or a list. Unknown words raise
        `UnknownCategoryError` with "did you mean" suggestions.
        """
        items = [words] if isinstance(words, str) else list(words)
        phrases = [p.strip() for item in items for p in re.split(r"[,;]", item) if p.strip()]
        if not phrases or any(fold(p) == ALL for p in phrases):
            return None
        keys: list[str] = []
        for phrase in phrases:
            key = self.lookup(phrase)
            if key is None:
                raise UnknownCategoryError(phrase, self.suggest(phrase))
            if key not in keys:
                keys.append(key)
        return keys

    def lookup(self, phrase: str) -> str | None:
        for form in _word_forms(fold(phrase)):
            if form in self._words:
                return self._words[form]
        return None

    def suggest(self, phrase: str, limit: int = 5) -> list[str]:
        from rapidfuzz import fuzz, process  # only for an unknown word: not at every command's start

        folded = fold(phrase)
        matches = process.extract(folded, list(self._words), scorer=fuzz.WRatio, limit=limit * 4)
        # WRatio rates a short word inside the phrase ("it" in "dentsit") as a full match: rank by whole-word likeness
        matches.sort(key=lambda m: -(m[1] + fuzz.ratio(folded, m[0])) / 2)
        out: list[str] = []
        for word, score, _ in matches:
            label = self.categories[self._words[word]].key.replace("_", " ")
            if score >= 60 and label not in out:
                out.append(label)
        return out[:limit]

    def osm_matchers(self, keys: Iterable[str] | None) -> list[tuple[tuple[str, str], ...]]:
        """The OSM tag alternatives for categories (Overpass queries, filters); all business keys for None."""
        if keys is None:
            return [((k, "*"),) for k in BUSINESS_KEYS]
        return [alt for k in keys for alt in self.categories[k].osm]


def _matches(tags: Mapping[str, str], key: str, value: str) -> bool:
    have = tags.get(key)
    if have is None:
        return False
    return value == "*" or value in (v.strip() for v in have.split(";"))


#: plural endings (English; German, Finnish) tried, in this order, when the word itself is unknown, with the
#: shortest stem each may leave ("pubs" -> "pub", but "barn" stays unknown rather than becoming "bar")
PLURAL_ENDINGS = (("es", 2), ("s", 2), ("n", 4), ("en", 4), ("e", 4), ("t", 4))


def _word_forms(word: str) -> list[str]:
    """The word and its likely singulars: "dentists", "pharmacies", "Apotheken", "Zahnärzte", "kahvilat"."""
    forms = [word]
    if word.endswith("ies") and len(word) > 4:
        forms.append(word[:-3] + "y")
    forms += [word[: -len(end)] for end, stem in PLURAL_ENDINGS if word.endswith(end) and len(word) >= len(end) + stem]
    return forms


def _parsed(*names: str) -> list[dict[str, Any]]:
    """The taxonomy's TOML files parsed, kept in the data dir's cache under a digest of their text: parsing them
    took 17–35 ms of every command's start."""
    pkg = resources.files("mapleads.taxonomy")
    texts = [pkg.joinpath(name).read_text("utf-8") for name in names]
    key = hashlib.sha256("\0".join((*names, *texts)).encode()).hexdigest()[:24]
    return disk_cached("taxonomy", key, lambda: [tomllib.loads(text) for text in texts])


@lru_cache(maxsize=1)
def get_taxonomy() -> Taxonomy:
    raw, excl = _parsed("categories.toml", "exclusions.toml")
    categories = [
        Category(
            key=key,
            label=spec.get("label", key.replace("_", " ").capitalize()),
            osm=tuple(_parse_matcher(m) for m in spec["osm"]),
            synonyms={lang: tuple(spec.get(lang, ())) for lang in LANGUAGES},
            group=spec.get("group", "other"),
        )
        for key, spec in raw.items()
    ]
    exclusions = {k: frozenset(v) for k, v in excl.items()}
    return Taxonomy(categories, exclusions)
