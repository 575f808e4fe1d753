"""Errors a user can act on. The CLI prints their message as one line; the API returns them as 4xx."""


class MapleadsError(Exception):
    """Base class: bad input or an unusable resource, explained in one sentence."""


class InputError(MapleadsError):
    """A file that is missing, unreadable, truncated or not what it claims to be."""


class UnknownCategoryError(MapleadsError):
    """Words that match no category; carries suggestions."""

    def __init__(self, word: str, suggestions: list[str]) -> None:
        hint = f"; did you mean: {', '.join(suggestions)}?" if suggestions else "; see 'mapleads categories'"
        super().__init__(f"unknown category '{word}'{hint}")
        self.word = word
        self.suggestions = suggestions


class AreaError(MapleadsError):
    """An area that cannot be resolved exactly (unknown, ambiguous or incomplete place; invalid polygon)."""


class EmptyResultError(MapleadsError):
    """Nothing matched; raised by the CLI only, the API yields nothing instead."""


class WorkerError(MapleadsError):
    """A child process that did part of the work ended without its result (killed, out of memory)."""
