"""Claim anchors: where a quoted passage stands in the text readers see.

An anchor is an exact quote of reader-visible text with optional prefix and
suffix (the text right before and after it) to tell repeated passages apart,
the idea of the W3C Web Annotation TextQuoteSelector. Markdown syntax never
stands in the way of a quote: anchors are matched against `plain_text(body)`,
which is derived from the same markdown-it token stream that rendering uses.

Comparison rules, on both the text and the quote:
- NFC normalisation;
- every whitespace run compares as one space, except a paragraph break (a
  blank line between blocks), which no quote can cross;
- otherwise exact and case-sensitive.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from markdown_it import MarkdownIt
from markdown_it.token import Token

# Blocks of `plain_text` are separated by a blank line; a soft or hard line
# break inside a block is a single newline.
BLOCK_SEPARATOR = "\n\n"

_WHITESPACE = re.compile(r"\s+")
# What a paragraph break becomes in the comparable text. Quotes never contain
# it (their whitespace always collapses to a space), so a match cannot span two
# blocks.
_BOUNDARY = "\n"


@dataclass(frozen=True)
class Quote:
    """The selector of one anchor: an exact quote and, optionally, its context."""

    quote: str
    prefix: str = ""
    suffix: str = ""


class AnchorState(StrEnum):
    FOUND = "found"
    AMBIGUOUS = "ambiguous"
    ORPHANED = "orphaned"


@dataclass(frozen=True)
class Resolution:
    """Where a quote stands: offsets into the text it was resolved against."""

    state: AnchorState
    start: int | None
    end: int | None
    candidates: int

    @property
    def is_found(self) -> bool:
        return self.state == AnchorState.FOUND


@functools.cache
def markdown_parser() -> MarkdownIt:
    """The one Markdown parser configuration: CommonMark, raw HTML off, tables on.

    Rendering and anchor resolution both parse with it so that they agree on
    what the text of a body is.
    """
    return MarkdownIt("commonmark", {"html": False}).enable("table")


def parse_markdown(body: str) -> list[Token]:
    """The token stream of a Markdown body, after NFC normalisation."""
    return markdown_parser().parse(unicodedata.normalize("NFC", body))


def plain_text(body: str) -> str:
    """The reader-visible text of a Markdown body: what anchors are matched against.

    Markup is dropped (link text stays, URLs and image sources go), blocks
    (paragraphs, headings, list items, table cells, code blocks) are separated
    by a blank line, and line breaks inside a block are newlines.
    """
    return text_of_tokens(parse_markdown(body))


def text_of_tokens(tokens: Sequence[Token]) -> str:
    """`plain_text` of an already parsed token stream."""
    blocks: list[str] = []
    for token in tokens:
        if token.type == "inline":
            text = _inline_text(token.children or [])
        elif token.type in {"fence", "code_block"}:
            text = token.content.rstrip("\n")
        else:
            continue
        if text.strip():
            blocks.append(text)
    return BLOCK_SEPARATOR.join(blocks)


def _inline_text(children: Sequence[Token]) -> str:
    parts: list[str] = []
    for child in children:
        if child.type in {"text", "text_special", "code_inline"}:
            parts.append(child.content)
        elif child.type in {"softbreak", "hardbreak"}:
            parts.append("\n")
        # Images contribute nothing: the sanitiser removes them, so readers
        # never see their alt text.
    return "".join(parts)


def resolve(text: str, quote: Quote) -> Resolution:
    """Resolve one quote against `text` (usually `plain_text(body)`)."""
    return _Comparable.of(text).resolve(quote)


def resolve_all[K](body: str, quotes: Mapping[K, Quote]) -> dict[K, Resolution]:
    """Resolve many quotes against one Markdown body, parsing it once."""
    return resolve_many(plain_text(body), quotes)


def resolve_many[K](text: str, quotes: Mapping[K, Quote]) -> dict[K, Resolution]:
    """Resolve many quotes against one text, preparing it for comparison once."""
    comparable = _Comparable.of(text)
    return {key: comparable.resolve(quote) for key, quote in quotes.items()}


def _normalise_fragment(fragment: str) -> str:
    """A quote, prefix or suffix as compared: NFC, every whitespace run one space."""
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFC", fragment))


@dataclass(frozen=True)
class _Comparable:
    """A text in comparable form, with the offsets each character came from."""

    text: str
    context: str  # `text` with paragraph breaks as spaces: prefixes may cross them
    starts: Sequence[int]
    ends: Sequence[int]

    @classmethod
    def of(cls, text: str) -> _Comparable:
        normalised, starts, ends = _nfc_with_offsets(text)
        chars: list[str] = []
        out_starts: list[int] = []
        out_ends: list[int] = []
        position = 0
        for match in _WHITESPACE.finditer(normalised):
            first, after = match.span()
            chars.append(normalised[position:first])
            out_starts.extend(starts[position:first])
            out_ends.extend(ends[position:first])
            chars.append(_BOUNDARY if _is_paragraph_break(match.group()) else " ")
            out_starts.append(starts[first])
            out_ends.append(ends[after - 1])
            position = after
        chars.append(normalised[position:])
        out_starts.extend(starts[position:])
        out_ends.extend(ends[position:])
        comparable = "".join(chars)
        return cls(comparable, comparable.replace(_BOUNDARY, " "), out_starts, out_ends)

    def resolve(self, quote: Quote) -> Resolution:
        needle = _normalise_fragment(quote.quote).strip()
        if not needle:
            return Resolution(AnchorState.ORPHANED, None, None, 0)
        prefix = _normalise_fragment(quote.prefix).strip()
        suffix = _normalise_fragment(quote.suffix).strip()
        matches = [
            index
            for index in self._occurrences(needle)
            if self._has_context(index, index + len(needle), prefix, suffix)
        ]
        if not matches:
            return Resolution(AnchorState.ORPHANED, None, None, 0)
        if len(matches) > 1:
            return Resolution(AnchorState.AMBIGUOUS, None, None, len(matches))
        first = matches[0]
        return Resolution(
            AnchorState.FOUND, self.starts[first], self.ends[first + len(needle) - 1], 1
        )

    def _occurrences(self, needle: str):
        index = self.text.find(needle)
        while index != -1:
            yield index
            index = self.text.find(needle, index + 1)

    def _has_context(self, start: int, end: int, prefix: str, suffix: str) -> bool:
        if prefix:
            before = start
            while before > 0 and self.context[before - 1] == " ":
                before -= 1
            if not self.context.endswith(prefix, 0, before):
                return False
        if suffix:
            after = end
            while after < len(self.context) and self.context[after] == " ":
                after += 1
            if not self.context.startswith(suffix, after):
                return False
        return True


def _is_paragraph_break(whitespace: str) -> bool:
    return whitespace.count("\n") >= 2 or "\u2029" in whitespace


def _nfc_with_offsets(text: str) -> tuple[str, Sequence[int], Sequence[int]]:
    """NFC of `text`, and for each of its characters the span of `text` it came from.

    Text is cut into chunks that normalise independently (a starter and the
    combining marks after it, merged with the next chunk when they compose);
    a chunk that NFC changes maps all its characters to the whole chunk.
    """
    if unicodedata.is_normalized("NFC", text):
        return text, range(len(text)), range(1, len(text) + 1)
    chunks: list[tuple[int, int]] = []
    for index, char in enumerate(text):
        if chunks and (unicodedata.combining(char) or _composes_with(text, chunks[-1], index)):
            chunks[-1] = (chunks[-1][0], index + 1)
        else:
            chunks.append((index, index + 1))
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for first, after in chunks:
        original = text[first:after]
        normalised = unicodedata.normalize("NFC", original)
        chars.append(normalised)
        if normalised == original:
            starts.extend(range(first, after))
            ends.extend(range(first + 1, after + 1))
        else:
            starts.extend([first] * len(normalised))
            ends.extend([after] * len(normalised))
    return "".join(chars), starts, ends


def _composes_with(text: str, chunk: tuple[int, int], index: int) -> bool:
    """Whether the starter at `index` composes with the chunk before it (Hangul jamo…)."""
    if ord(text[index]) < 0x300:
        return False
    first, after = chunk
    together = unicodedata.normalize("NFC", text[first : index + 1])
    apart = unicodedata.normalize("NFC", text[first:after]) + unicodedata.normalize(
        "NFC", text[index]
    )
    return together != apart
