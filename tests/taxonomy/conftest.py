import pytest

from mapleads.taxonomy import Taxonomy, get_taxonomy


@pytest.fixture(scope="session")
def taxonomy() -> Taxonomy:
    return get_taxonomy()
