"""Words people type -> category keys, in every language, with "did you mean" for typos."""

import pytest

from mapleads.errors import MapleadsError, UnknownCategoryError
from mapleads.taxonomy import Taxonomy

SAMPLES = {
    "en": {
        "dentists": "dentist",
        "plumber": "plumber",
        "hair salon": "hairdresser",
        "car repair": "car_repair",
        "lawyer": "lawyer",
        "coffee shop": "cafe",
        "real estate agent": "estate_agent",
        "gym": "gym",
        "pharmacies": "pharmacy",
        "yoga studio": "yoga",
        "vet": "veterinary",
        "IT company": "it",
        "bookstore": "books",
        "dry cleaners": "dry_cleaning",
        "Coworking Space": "coworking",
    },
    "de": {
        "Zahnarzt": "dentist",
        "Klempner": "plumber",
        "Friseur": "hairdresser",
        "Autowerkstatt": "car_repair",
        "Rechtsanwalt": "lawyer",
        "Bäckerei": "bakery",
        "Apotheke": "pharmacy",
        "Fitnessstudio": "gym",
        "Steuerberater": "tax_advisor",
        "Fahrschule": "driving_school",
        "Schlüsseldienst": "locksmith",
    },
    "fr": {
        "dentiste": "dentist",
        "plombier": "plumber",
        "coiffeur": "hairdresser",
        "garagiste": "car_repair",
        "avocat": "lawyer",
        "boulangerie": "bakery",
        "pharmacie": "pharmacy",
        "auto-école": "driving_school",
        "expert-comptable": "accountant",
        "fleuriste": "florist",
        "électricien": "electrician",
    },
    "es": {
        "dentista": "dentist",
        "fontanero": "plumber",
        "peluquería": "hairdresser",
        "taller mecánico": "car_repair",
        "abogado": "lawyer",
        "panadería": "bakery",
        "farmacia": "pharmacy",
        "gimnasio": "gym",
        "ferretería": "hardware",
        "inmobiliaria": "estate_agent",
        "cerrajero": "locksmith",
    },
    "fi": {
        "hammaslääkäri": "dentist",
        "putkiliike": "plumber",
        "LVI": "plumber",
        "kampaamo": "hairdresser",
        "autokorjaamo": "car_repair",
        "asianajotoimisto": "lawyer",
        "leipomo": "bakery",
        "apteekki": "pharmacy",
        "kuntosali": "gym",
        "tilitoimisto": "accountant",
        "kukkakauppa": "florist",
        "ravintola": "restaurant",
    },
}


@pytest.mark.parametrize("lang", sorted(SAMPLES))
def test_it_resolves_common_words_in_each_language(taxonomy: Taxonomy, lang: str) -> None:
    resolved = {word: taxonomy.resolve(word) for word in SAMPLES[lang]}
    assert resolved == {word: [key] for word, key in SAMPLES[lang].items()}


def test_it_ignores_case_and_accents(taxonomy: Taxonomy) -> None:
    assert taxonomy.resolve("HAMMASLAAKARI") == ["dentist"]
    assert taxonomy.resolve("Peluqueria") == ["hairdresser"]
    assert taxonomy.resolve("cafe") == taxonomy.resolve("Café") == ["cafe"]


def test_it_splits_comma_lists_and_keeps_order_without_duplicates(taxonomy: Taxonomy) -> None:
    assert taxonomy.resolve("dentist, plumber, Zahnarzt") == ["dentist", "plumber"]
    assert taxonomy.resolve(["plombier", "kampaamo"]) == ["plumber", "hairdresser"]


def test_all_or_nothing_means_every_business(taxonomy: Taxonomy) -> None:
    assert taxonomy.resolve("all") is None
    assert taxonomy.resolve("dentist, ALL") is None
    assert taxonomy.resolve(" , ") is None


def test_it_suggests_close_categories_for_a_typo(taxonomy: Taxonomy) -> None:
    with pytest.raises(UnknownCategoryError) as caught:
        taxonomy.resolve("dentst")
    assert caught.value.word == "dentst"
    assert "dentist" in caught.value.suggestions
    assert "did you mean" in str(caught.value)
    assert isinstance(caught.value, MapleadsError)


@pytest.mark.parametrize(
    ("typo", "expected"), [("plumbr", "plumber"), ("Zahnartz", "dentist"), ("fontanro", "plumber")]
)
def test_it_suggests_across_languages(taxonomy: Taxonomy, typo: str, expected: str) -> None:
    with pytest.raises(UnknownCategoryError) as caught:
        taxonomy.resolve(typo)
    assert expected.replace("_", " ") in caught.value.suggestions


def test_it_names_the_unknown_word_among_known_ones(taxonomy: Taxonomy) -> None:
    with pytest.raises(UnknownCategoryError) as caught:
        taxonomy.resolve("dentist, qwxzv")
    assert caught.value.word == "qwxzv"


@pytest.mark.parametrize(
    ("word", "expected"),
    [("Zahnärzte", "dentist"), ("Apotheken", "pharmacy"), ("Bäckereien", "bakery"), ("kahvilat", "cafe")],
)
def test_it_takes_german_and_finnish_plurals(taxonomy: Taxonomy, word: str, expected: str) -> None:
    assert taxonomy.resolve(word) == [expected]


def test_it_does_not_shorten_a_word_to_an_unrelated_category(taxonomy: Taxonomy) -> None:
    with pytest.raises(UnknownCategoryError):
        taxonomy.resolve("barn")


def test_it_splits_semicolon_lists_too(taxonomy: Taxonomy) -> None:
    assert taxonomy.resolve("cafe;restaurant") == ["cafe", "restaurant"]


def test_it_suggests_the_whole_word_first_not_a_short_word_inside_the_typo(taxonomy: Taxonomy) -> None:
    with pytest.raises(UnknownCategoryError) as caught:
        taxonomy.resolve("dentsit")
    assert caught.value.suggestions[0] == "dentist"
