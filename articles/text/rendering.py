"""Article bodies as HTML: Markdown, sanitised, with claims marked in the text.

The pipeline is Markdown (markdown-it-py, raw HTML off) → tokens cut into
top-level blocks (paragraph, heading, list, blockquote, table, code, rule) →
each block's HTML → nh3 with an allow-list → claim marks. The body's HTML is
its blocks joined, so pages that lay texts out block by block (the review
page) need not parse HTML to find them.

Marks are inserted into the text nodes of the sanitised HTML, never into
Markdown source, so no quote can change markup; a claim's offsets come from
`articles.anchors`, whose plain text is derived from the same token stream,
and are carried over to the HTML's text nodes by counting non-whitespace
characters, which the two share one for one. Quotes never cross a paragraph
break, and blocks are separated by one, so each mark falls inside one block.
"""

from __future__ import annotations

import bisect
import itertools
import logging
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser
from typing import NamedTuple

import nh3
from django.utils.html import escape as escape_text
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from markdown_it.token import Token

from articles.text.anchors import (
    BLOCK_SEPARATOR,
    Quote,
    Resolution,
    markdown_parser,
    parse_markdown,
    resolve_many,
    text_of_tokens,
)

logger = logging.getLogger(__name__)

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "hr",
        "h2",
        "h3",
        "h4",
        "em",
        "strong",
        "a",
        "ul",
        "ol",
        "li",
        "blockquote",
        "code",
        "pre",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "sup",
        "sub",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer"

# The article's title is the page's h1, so body headings start at h2; levels
# the allow-list lacks are brought into range rather than flattened to text.
_HEADING_TAGS = {"h1": "h2", "h5": "h4", "h6": "h4"}


@dataclass(frozen=True)
class ClaimMark:
    """A claim to mark in a body: its number shown to readers and its anchor."""

    number: int
    quote: Quote
    label: str = ""


def claim_marks(claims: Iterable, translation_id: int) -> list[ClaimMark]:
    """The marks of `claims` in one language version, each labelled with its statement.

    `claims` are Claim records with their anchors loaded; a claim not anchored
    in the version has no mark.
    """
    return [
        ClaimMark(claim.number, anchor.selector, claim.statement)
        for claim in claims
        for anchor in claim.anchors.all()
        if anchor.translation_id == translation_id
    ]


@dataclass(frozen=True)
class RenderedBody:
    """A body as top-level HTML blocks (each safe HTML) and where each claim was found."""

    blocks: tuple[SafeString, ...]
    resolutions: dict[int, Resolution]

    @property
    def html(self) -> SafeString:
        """The whole body: its blocks joined."""
        return mark_safe("".join(self.blocks))  # each block is sanitised HTML


def render_plain(text: str) -> SafeString:
    """Plain text (titles, standfirsts, statements, notes) escaped for HTML."""
    return escape_text(text)


def render_markdown(body: str) -> SafeString:
    """Markdown → sanitised HTML: markdown-it-py (commonmark, raw HTML off) then nh3."""
    tokens, _ = _parse_for_rendering(body)
    return mark_safe(  # each block is sanitised HTML
        "".join(_render_tokens(block) for block in _top_level_blocks(tokens))
    )


def render_body(
    body: str,
    claims: Sequence[ClaimMark],
    *,
    id_prefix: str = "",
    evidence_prefix: str = "evidence-",
) -> RenderedBody:
    """Render a body block by block and wrap each found claim quote in numbered `<mark>`s.

    Each claim whose anchor is found is marked; the others are left out and
    their resolutions tell the caller why. The first mark of claim N has the
    id `{id_prefix}claim-N` and its note link `{id_prefix}claim-note-N`, so a
    page showing several texts gives each its own prefix; the note link
    points at `#{evidence_prefix}N`, the element of the page that holds the
    claim's evidence.
    """
    tokens, text = _parse_for_rendering(body)
    unique = _unique_by_number(claims)
    resolutions = resolve_many(text, {claim.number: claim.quote for claim in unique})
    ranges = [
        _ClaimRange(claim.number, resolution.start, resolution.end, claim.label)
        for claim in unique
        if (resolution := resolutions[claim.number]).is_found
        and resolution.start is not None
        and resolution.end is not None
    ]
    ids = _Ids(escape(id_prefix), escape(evidence_prefix))
    blocks: list[SafeString] = []
    start = 0  # where the block's text starts in `text`
    for block in _top_level_blocks(tokens):
        html = _render_tokens(block)
        block_text = text_of_tokens(block)
        end = start + len(block_text)
        # A found quote never crosses a paragraph break, and `text` separates
        # blocks with one, so every range lies inside exactly one block.
        inside = [
            _ClaimRange(claim.number, claim.start - start, claim.end - start, claim.label)
            for claim in ranges
            if start <= claim.start and claim.end <= end
        ]
        if inside:
            # text re-escaped by _mark_claims
            html = mark_safe(_mark_claims(html, block_text, inside, ids))
        blocks.append(html)
        if block_text:
            start = end + len(BLOCK_SEPARATOR)
    return RenderedBody(blocks=tuple(blocks), resolutions=resolutions)


def _unique_by_number(claims: Iterable[ClaimMark]) -> list[ClaimMark]:
    seen: dict[int, ClaimMark] = {}
    for claim in claims:
        seen.setdefault(claim.number, claim)
    return list(seen.values())


def _parse_for_rendering(body: str) -> tuple[list[Token], str]:
    body = unicodedata.normalize("NFC", body)
    tokens = parse_markdown(body)
    for token in tokens:
        if token.type in {"heading_open", "heading_close"} and token.tag in _HEADING_TAGS:
            token.tag = _HEADING_TAGS[token.tag]
    return tokens, text_of_tokens(tokens)


def _top_level_blocks(tokens: Sequence[Token]) -> Iterator[Sequence[Token]]:
    """The token stream cut after each token that ends a top-level block.

    A block ends with the closing token at level 0 (`paragraph_close`,
    `bullet_list_close`…) or is one token at level 0 (`hr`, `fence`,
    `code_block`). Rendered alone, a slice gives the same HTML as it does in
    the whole stream: markdown-it ends every top-level block with a newline.
    """
    start = 0
    for index, token in enumerate(tokens):
        if token.level == 0 and token.nesting <= 0:
            yield tokens[start : index + 1]
            start = index + 1


def _render_tokens(tokens: Sequence[Token]) -> SafeString:
    parser = markdown_parser()
    raw = parser.renderer.render(tokens, parser.options, {})
    clean = nh3.clean(
        raw,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )
    return mark_safe(clean)  # sanitised by nh3 with an allow-list


class _Ids(NamedTuple):
    """How one rendering names its marks and note links, already escaped for attributes."""

    prefix: str
    evidence_prefix: str


@dataclass(frozen=True)
class _ClaimRange:
    number: int
    start: int
    end: int
    label: str


# Positions in the HTML are (text node index, offset in that node's text).
type _Position = tuple[int, int]


@dataclass(frozen=True)
class _PlacedClaim:
    number: int
    start: _Position
    end: _Position
    label: str

    @property
    def nesting_key(self) -> tuple[_Position, tuple[int, int], int]:
        """Outer marks first: earlier start, then later end, then lower number."""
        return (self.start, (-self.end[0], -self.end[1]), self.number)


class _Events(HTMLParser):
    """The sanitised HTML as a flat list of tags (kept verbatim) and decoded text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.events.append(("start", tag, self.get_starttag_text() or ""))

    def handle_startendtag(self, tag, attrs):
        self.events.append(("startend", tag, self.get_starttag_text() or ""))

    def handle_endtag(self, tag):
        self.events.append(("end", tag, f"</{tag}>"))

    def handle_data(self, data):
        if self.events and self.events[-1][0] == "text":
            self.events[-1] = ("text", "", self.events[-1][2] + data)
        else:
            self.events.append(("text", "", data))

    def handle_comment(self, data):
        # nh3 strips comments; anything else is dropped rather than echoed.
        pass


def _mark_claims(html: str, text: str, ranges: Sequence[_ClaimRange], ids: _Ids) -> str:
    parser = _Events()
    parser.feed(html)
    parser.close()
    events = parser.events
    texts = [(index, data) for index, (kind, _, data) in enumerate(events) if kind == "text"]

    # Every non-whitespace character of the plain text is, in order, a
    # non-whitespace character of the HTML's text nodes.
    html_positions: list[_Position] = []
    html_chars: list[str] = []
    for node, (_, data) in enumerate(texts):
        for offset, char in enumerate(data):
            if not char.isspace():
                html_positions.append((node, offset))
                html_chars.append(char)
    text_indices = [index for index, char in enumerate(text) if not char.isspace()]
    if "".join(html_chars) != "".join(text[index] for index in text_indices):
        logger.warning("A block's HTML and plain text disagree; its claims are left unmarked.")
        return html

    placed: list[_PlacedClaim] = []
    for claim in ranges:
        first = bisect.bisect_left(text_indices, claim.start)
        last = bisect.bisect_left(text_indices, claim.end) - 1
        if last < first:
            continue
        end_node, end_offset = html_positions[last]
        placed.append(
            _PlacedClaim(
                claim.number, html_positions[first], (end_node, end_offset + 1), claim.label
            )
        )
    return _Marker(placed, ids).render(events)


class _Marker:
    """Re-serialises the HTML events with claim marks and note links inserted."""

    def __init__(self, claims: Sequence[_PlacedClaim], ids: _Ids) -> None:
        self.ids = ids
        self.claims = sorted(claims, key=lambda claim: claim.nesting_key)
        self.opened: set[int] = set()
        self.pending_notes: list[_PlacedClaim] = []
        self.link_depth = 0
        self.out: list[str] = []

    def render(self, events: Sequence[tuple[str, str, str]]) -> str:
        node = 0
        for kind, tag, data in events:
            if kind == "text":
                self._text(node, data)
                node += 1
                continue
            self.out.append(data)
            if tag == "a" and kind == "start":
                self.link_depth += 1
            elif tag == "a" and kind == "end":
                self.link_depth = max(0, self.link_depth - 1)
                if self.link_depth == 0:
                    self._flush_notes()
        self._flush_notes()
        return "".join(self.out)

    def _text(self, node: int, data: str) -> None:
        cuts = {0, len(data)}
        for claim in self.claims:
            for position in (claim.start, claim.end):
                if position[0] == node:
                    cuts.add(position[1])
        cuts_in_order = sorted(cuts)
        stack: list[_PlacedClaim] = []
        for first, after in itertools.pairwise(cuts_in_order):
            covering = [
                claim
                for claim in self.claims
                if claim.start <= (node, first) and (node, after) <= claim.end
            ]
            self._move_to(stack, covering, (node, first))
            self.out.append(escape(data[first:after], quote=False))
        self._move_to(stack, [], (node, len(data)))

    def _move_to(
        self, stack: list[_PlacedClaim], wanted: list[_PlacedClaim], position: _Position
    ) -> None:
        """Close and open marks so that exactly `wanted` (outermost first) is open."""
        keep = 0
        while keep < len(stack) and keep < len(wanted) and stack[keep] is wanted[keep]:
            keep += 1
        while len(stack) > keep:
            stack.pop()
            self.out.append("</mark>")
        still_open = {claim.number for claim in wanted}
        for claim in self.claims:
            if claim.end == position and claim.number not in still_open:
                self._note(claim)
        for claim in wanted[keep:]:
            stack.append(claim)
            self.out.append(self._open_mark(claim))

    def _open_mark(self, claim: _PlacedClaim) -> str:
        number = claim.number
        if number in self.opened:
            return f'<mark class="claim" data-claim="{number}">'
        self.opened.add(number)
        prefix = self.ids.prefix
        return (
            f'<mark class="claim" id="{prefix}claim-{number}" '
            f'aria-describedby="{prefix}claim-note-{number}" data-claim="{number}">'
        )

    def _note(self, claim: _PlacedClaim) -> None:
        if claim in self.pending_notes:
            return
        if self.link_depth:
            # A link inside a link is invalid: the note waits for the </a>.
            self.pending_notes.append(claim)
        else:
            self.out.append(_note_link(claim, self.ids))

    def _flush_notes(self) -> None:
        for claim in self.pending_notes:
            self.out.append(_note_link(claim, self.ids))
        self.pending_notes.clear()


def _note_link(claim: _PlacedClaim, ids: _Ids) -> str:
    number = claim.number
    if claim.label:
        label = gettext("Evidence for claim %(number)s: %(label)s") % {
            "number": number,
            "label": claim.label,
        }
    else:
        label = gettext("Evidence for claim %(number)s") % {"number": number}
    title = f' title="{escape(claim.label)}"' if claim.label else ""
    return (
        f'<sup class="claim-ref"><a href="#{ids.evidence_prefix}{number}" '
        f'id="{ids.prefix}claim-note-{number}" '
        f'aria-label="{escape(label)}"{title}>{number}</a></sup>'
    )
