"""Readable differences between two revisions of a text.

Text is cut into words and the whitespace and punctuation between them; Han,
Kana and Hangul characters are one token each, so Chinese, Japanese and Korean
differ by character while English, Arabic and other spaced scripts differ by
word. Small coincidental matches between two changes are folded into the
change so that a rewritten phrase reads as one deletion and one insertion.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from html import escape

from django.utils.safestring import SafeString, mark_safe

EQUAL = "equal"
INSERT = "insert"
DELETE = "delete"

_CJK_RANGES = (
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x3005, 0x3007),  # iteration mark, closing mark, ideographic zero
    (0x3021, 0x3029),  # Hangzhou numerals
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3130, 0x318F),  # Hangul Compatibility Jamo
    (0x31F0, 0x31FF),  # Katakana Phonetic Extensions
    (0x3400, 0x4DBF),  # CJK Extension A
    (0x4E00, 0x9FFF),  # CJK Unified Ideographs
    (0xA960, 0xA97F),  # Hangul Jamo Extended-A
    (0xAC00, 0xD7AF),  # Hangul Syllables
    (0xD7B0, 0xD7FF),  # Hangul Jamo Extended-B
    (0xF900, 0xFAFF),  # CJK Compatibility Ideographs
    (0xFF66, 0xFF9F),  # Halfwidth Katakana
    (0xFFA0, 0xFFDC),  # Halfwidth Hangul
    (0x1B000, 0x1B16F),  # Kana Supplement, Extended-A
    (0x20000, 0x3134F),  # CJK Extensions B to H, Compatibility Supplement
)
_CJK = re.compile(
    "["
    + "".join(f"{re.escape(chr(first))}-{re.escape(chr(last))}" for first, last in _CJK_RANGES)
    + "]"
)
_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n\s*")


def is_cjk(char: str) -> bool:
    """Whether `char` is written without spaces between words (Han, Kana, Hangul)."""
    return _CJK.match(char) is not None


def tokenize(text: str) -> list[str]:
    """Words, whitespace runs, single punctuation marks and single CJK characters.

    Combining marks stay with the character before them, so Arabic harakat
    and Latin accents never split a word.
    """
    tokens: list[str] = []
    kinds: list[str] = []
    for char in text:
        kind = _kind(char)
        if kind == "mark" and tokens:
            tokens[-1] += char
            continue
        if tokens and kind in {"word", "space"} and kinds[-1] == kind:
            tokens[-1] += char
            continue
        tokens.append(char)
        kinds.append(kind)
    return tokens


def _kind(char: str) -> str:
    if char.isspace():
        return "space"
    if is_cjk(char):
        return "cjk"
    category = unicodedata.category(char)
    if category[0] == "M":
        return "mark"
    if category[0] in "LN" or char == "_":
        return "word"
    return "punctuation"


@dataclass
class _Change:
    deleted: str = ""
    inserted: str = ""

    @property
    def is_replacement(self) -> bool:
        return bool(self.deleted and self.inserted)


@dataclass
class _Equal:
    text: str
    tokens: int


def diff_tokens(old: str, new: str) -> list[tuple[str, str]]:
    """The operations that turn `old` into `new`: ("equal"|"insert"|"delete", text).

    Adjacent operations of one kind are merged; within a change, the deletion
    comes before the insertion.
    """
    old_tokens, new_tokens = tokenize(old), tokenize(new)
    matcher = difflib.SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    segments: list[_Change | _Equal] = []
    for tag, old_first, old_after, new_first, new_after in matcher.get_opcodes():
        if tag == "equal":
            segments.append(_Equal("".join(old_tokens[old_first:old_after]), old_after - old_first))
            continue
        change = _Change(
            "".join(old_tokens[old_first:old_after]), "".join(new_tokens[new_first:new_after])
        )
        _append_change(segments, change)
    operations: list[tuple[str, str]] = []
    for segment in segments:
        if isinstance(segment, _Equal):
            operations.append((EQUAL, segment.text))
            continue
        if segment.deleted:
            operations.append((DELETE, segment.deleted))
        if segment.inserted:
            operations.append((INSERT, segment.inserted))
    return operations


def _append_change(segments: list[_Change | _Equal], change: _Change) -> None:
    if segments and isinstance(segments[-1], _Change):
        previous = segments.pop()
        change = _Change(previous.deleted + change.deleted, previous.inserted + change.inserted)
    elif (
        len(segments) >= 2
        and isinstance(segments[-1], _Equal)
        and isinstance(segments[-2], _Change)
        and _folds(segments[-1], segments[-2], change)
    ):
        between = segments.pop()
        previous = segments.pop()
        assert isinstance(between, _Equal) and isinstance(previous, _Change)
        change = _Change(
            previous.deleted + between.text + change.deleted,
            previous.inserted + between.text + change.inserted,
        )
    segments.append(change)


def _folds(between: _Equal, before: _Change, after: _Change) -> bool:
    """Whether an unchanged stretch between two changes reads better inside them."""
    if between.tokens != 1 or "\n" in between.text:
        return False
    if between.text.isspace():
        # "the cat" → "a dog": one replacement, not two around a kept space.
        combined = _Change(before.deleted + after.deleted, before.inserted + after.inserted)
        return combined.is_replacement
    # A single kept character inside a rewritten phrase (的, 了, a comma) is
    # chance, not meaning.
    return len(between.text) == 1 and before.is_replacement and after.is_replacement


def render_operations(operations: Sequence[tuple[str, str]]) -> SafeString:
    """Operations as escaped HTML with `<ins>` and `<del>`."""
    parts: list[str] = []
    for operation, text in operations:
        escaped = escape(text)
        if operation == INSERT:
            parts.append(f"<ins>{escaped}</ins>")
        elif operation == DELETE:
            parts.append(f"<del>{escaped}</del>")
        else:
            parts.append(escaped)
    return mark_safe("".join(parts))  # every piece of text is escaped


def diff_html(old: str, new: str) -> SafeString:
    """Escaped text with `<ins>`/`<del>` around the changes: safe to mark_safe."""
    return render_operations(diff_tokens(old, new))


class ParagraphChangeKind(StrEnum):
    EQUAL = "equal"
    CHANGED = "changed"
    ADDED = "added"
    REMOVED = "removed"


@dataclass(frozen=True)
class ParagraphChange:
    """One paragraph of the old text aligned with one of the new, and how it changed."""

    kind: ParagraphChangeKind
    old: str
    new: str
    operations: list[tuple[str, str]] = field(default_factory=list)

    @property
    def html(self) -> SafeString:
        return render_operations(self.operations)


def paragraphs(text: str) -> list[str]:
    """The paragraphs of a text: blocks separated by blank lines, trimmed."""
    return [part.strip() for part in _PARAGRAPH_BREAK.split(text.strip()) if part.strip()]


def paragraph_diff(old: str, new: str) -> list[ParagraphChange]:
    """Paragraphs aligned (equal/changed/added/removed), each with its inline diff."""
    old_paragraphs, new_paragraphs = paragraphs(old), paragraphs(new)
    matcher = difflib.SequenceMatcher(
        None,
        [_comparable(paragraph) for paragraph in old_paragraphs],
        [_comparable(paragraph) for paragraph in new_paragraphs],
        autojunk=False,
    )
    changes: list[ParagraphChange] = []
    for tag, old_first, old_after, new_first, new_after in matcher.get_opcodes():
        olds = old_paragraphs[old_first:old_after]
        news = new_paragraphs[new_first:new_after]
        if tag == "equal":
            changes.extend(
                _paragraph_change(old_paragraph, new_paragraph)
                for old_paragraph, new_paragraph in zip(olds, news, strict=True)
            )
        else:
            changes.extend(_pair_paragraphs(olds, news))
    return changes


def _comparable(paragraph: str) -> str:
    return " ".join(paragraph.split())


def _paragraph_change(old: str, new: str) -> ParagraphChange:
    # Re-wrapped lines render the same, so they are no change to review.
    if _comparable(old) == _comparable(new):
        return ParagraphChange(ParagraphChangeKind.EQUAL, old, new, [(EQUAL, new)])
    return ParagraphChange(ParagraphChangeKind.CHANGED, old, new, diff_tokens(old, new))


def _pair_paragraphs(olds: list[str], news: list[str]) -> list[ParagraphChange]:
    """Align a run of differing paragraphs: similar ones pair up as changed."""
    changes: list[ParagraphChange] = []
    old_index = new_index = 0
    while old_index < len(olds) and new_index < len(news):
        old, new = olds[old_index], news[new_index]
        if not _similar(old, new):
            if new_index + 1 < len(news) and _similar(old, news[new_index + 1]):
                changes.append(_added(new))
                new_index += 1
                continue
            if old_index + 1 < len(olds) and _similar(olds[old_index + 1], new):
                changes.append(_removed(old))
                old_index += 1
                continue
        changes.append(_paragraph_change(old, new))
        old_index += 1
        new_index += 1
    changes.extend(_removed(old) for old in olds[old_index:])
    changes.extend(_added(new) for new in news[new_index:])
    return changes


def _similar(old: str, new: str) -> bool:
    matcher = difflib.SequenceMatcher(None, tokenize(old), tokenize(new), autojunk=False)
    return matcher.quick_ratio() >= 0.5 and matcher.ratio() >= 0.5


def _added(new: str) -> ParagraphChange:
    return ParagraphChange(ParagraphChangeKind.ADDED, "", new, [(INSERT, new)])


def _removed(old: str) -> ParagraphChange:
    return ParagraphChange(ParagraphChangeKind.REMOVED, old, "", [(DELETE, old)])
