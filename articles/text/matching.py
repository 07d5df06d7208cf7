"""Finding registry organizations named in a text, in one pass.

Every name, alias and acronym of the registry goes into one Aho-Corasick
automaton (pyahocorasick), searched over a lower-cased copy of the text; the
hits are then checked (acronyms case-sensitive, word boundaries for spaced
scripts) and the leftmost-longest, non-overlapping ones kept. The cost of a
search grows with the text, not with the number of names.
"""

from __future__ import annotations

import functools
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick

from articles.text.diff import is_cjk

MINIMUM_LENGTH = 2


@dataclass(frozen=True)
class Mention:
    """A stretch of text that names an organization: text[start:end]."""

    start: int
    end: int
    text: str
    organization_id: int


@dataclass(frozen=True)
class _Form:
    """One way of writing a name, as entered."""

    text: str
    organization_id: int
    case_sensitive: bool
    left_boundary: bool
    right_boundary: bool


class NameMatcher:
    """Finds mentions of many names at once.

    `entries` are (name, alias or acronym; organization id) pairs. A form
    written in capitals only (WHO, UNESCO) is an acronym and matches with its
    exact case; other forms match case-insensitively. Forms that begin or end
    with a letter or digit of a spaced script match only at word boundaries
    ("WHO" is not in "WHOLE"); Han, Kana and Hangul forms match anywhere. A
    form shorter than two characters, or one that names two different
    organizations, is left out.
    """

    def __init__(self, entries: Iterable[tuple[str, int]]) -> None:
        owners: dict[tuple[str, bool], set[int]] = defaultdict(set)
        for name, organization_id in entries:
            form = _normalise_name(name)
            if len(form) < MINIMUM_LENGTH:
                continue
            case_sensitive = _is_acronym(form)
            owners[(form if case_sensitive else _fold(form), case_sensitive)].add(organization_id)

        by_key: dict[str, list[_Form]] = defaultdict(list)
        for (form, case_sensitive), organization_ids in owners.items():
            if len(organization_ids) != 1:
                continue
            by_key[_fold(form)].append(
                _Form(
                    text=form,
                    organization_id=next(iter(organization_ids)),
                    case_sensitive=case_sensitive,
                    left_boundary=_is_spaced_word_char(form[0]),
                    right_boundary=_is_spaced_word_char(form[-1]),
                )
            )
        self.size = sum(len(forms) for forms in by_key.values())
        self._automaton: ahocorasick.Automaton | None = None
        if by_key:
            automaton = ahocorasick.Automaton()
            for key, forms in by_key.items():
                automaton.add_word(key, (len(key), tuple(forms)))
            automaton.make_automaton()
            self._automaton = automaton

    def find(self, text: str) -> list[Mention]:
        """Leftmost-longest, non-overlapping mentions of the names in `text`."""
        if self._automaton is None or not text:
            return []
        candidates: list[tuple[int, int, int]] = []
        for last, (length, forms) in self._automaton.iter(_fold(text)):
            start, end = last - length + 1, last + 1
            for form in forms:
                if _accepts(form, text, start, end):
                    candidates.append((start, end, form.organization_id))
                    break
        candidates.sort(key=lambda candidate: (candidate[0], -candidate[1]))
        mentions: list[Mention] = []
        covered_until = 0
        for start, end, organization_id in candidates:
            if start >= covered_until:
                mentions.append(Mention(start, end, text[start:end], organization_id))
                covered_until = end
        return mentions


def _normalise_name(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).split())


def _is_acronym(form: str) -> bool:
    """Capitals only, with at least one letter that has case: WHO, G20, UNESCO."""
    return form == form.upper() and form != form.lower()


_ASCII_FOLD = {code: " " if chr(code).isspace() else chr(code).lower() for code in range(128)}


def _fold(text: str) -> str:
    """Case-folded, every whitespace character a space, one character for one."""
    if text.isascii():
        return text.translate(_ASCII_FOLD)
    return "".join(_fold_character(char) for char in text)


@functools.lru_cache(maxsize=8192)
def _fold_character(char: str) -> str:
    if char.isspace():
        return " "
    # Offsets into the text must hold, so a character that folds to two (ß,
    # İ) keeps its single-character lower case, or itself.
    for folded in (char.casefold(), char.lower()):
        if len(folded) == 1:
            return folded
    return char


def _is_spaced_word_char(char: str) -> bool:
    if is_cjk(char):
        return False
    return char.isalnum() or char == "_" or unicodedata.category(char)[0] == "M"


def _accepts(form: _Form, text: str, start: int, end: int) -> bool:
    if form.case_sensitive and text[start:end] != form.text:
        return False
    if form.left_boundary and start > 0 and _is_spaced_word_char(text[start - 1]):
        return False
    return not (form.right_boundary and end < len(text) and _is_spaced_word_char(text[end]))
