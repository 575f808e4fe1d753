"""Name keys: what two renderings of one business name share."""

import pytest

from mapleads.resolve.names import core_name_key, name_key


@pytest.mark.parametrize(
    "name",
    [
        "Oy Karl Fazer Ab",
        "KARL FAZER",
        "Karl-Fazer Oy",
        "Karl Fazer & Co. KG",
        "karl fazer GmbH",
        "Karl Fazer Ltd.",
    ],
)
def test_it_drops_case_punctuation_and_legal_forms(name: str) -> None:
    assert name_key(name) == "karl fazer"


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Café Ekberg", "cafe ekberg"),
        ("S.A.R.L. Dupont", "dupont"),
        ("Müller GmbH & Co. KG", "muller"),
        ("Acme, Inc.", "acme"),
        ("Nordea Bank Abp", "nordea bank"),
        ("Oy", "oy"),
    ],
)
def test_it_folds_accents_and_dotted_legal_forms(name: str, key: str) -> None:
    assert name_key(name) == key


def test_it_keeps_legal_words_that_begin_a_name_when_they_are_ordinary_words() -> None:
    assert name_key("As You Like It") == "as you like it"


def test_core_name_drops_words_that_only_say_what_kind_of_place_it_is() -> None:
    assert core_name_key(name_key("Ravintola Maya")) == "maya"
    assert core_name_key(name_key("Hammaslääkäri Virtanen")) == "virtanen"  # a taxonomy synonym
    assert core_name_key(name_key("Cafe")) == "cafe"  # nothing left: the key itself
