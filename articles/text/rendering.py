"""Article bodies as HTML: Markdown, sanitised, with claims marked in the text.

The pipeline is Markdown (markdown-it-py, raw HTML off) → HTML → nh3 with an
allow-list → claim marks. Marks are inserted into the text nodes of the
sanitised HTML, never into Markdown source, so no quote can change markup; a
claim's offsets come from `articles.anchors`, whose plain text is derived from
the same token stream, and are carried over to the HTML's text nodes by
counting non-whitespace characters, which the two share one for one.
"""

from __future__ import annotations

import bisect
import itertools
import logging
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser

import nh3
from django.utils.html import escape as escape_text
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from articles.text.anchors import (
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


@dataclass(frozen=True)
class RenderedBody:
    """A body's HTML (safe to mark_safe) and where each claim was found."""

    html: str
    resolutions: dict[int, Resolution]


def render_plain(text: str) -> SafeString:
    """Plain text (titles, standfirsts, statements, notes) escaped for HTML."""
    return escape_text(text)


def render_markdown(body: str) -> SafeString:
    """Markdown → sanitised HTML: markdown-it-py (commonmark, raw HTML off) then nh3."""
    return _render_tokens(_parse_for_rendering(body)[0])


def render_body(body: str, claims: Sequence[ClaimMark]) -> RenderedBody:
    """Render a body and wrap each found claim quote in numbered `<mark>`s.

    Each claim whose anchor is found is marked; the others are left out and
    their resolutions tell the caller why.
    """
    tokens, text = _parse_for_rendering(body)
    html = _render_tokens(tokens)
    unique = _unique_by_number(claims)
    resolutions = resolve_many(text, {claim.number: claim.quote for claim in unique})
    ranges = [
        _ClaimRange(claim.number, resolution.start, resolution.end, claim.label)
        for claim in unique
        if (resolution := resolutions[claim.number]).is_found
        and resolution.start is not None
        and resolution.end is not None
    ]
    if ranges:
        html = mark_safe(_mark_claims(html, text, ranges))  # text re-escaped by _mark_claims
    return RenderedBody(html=html, resolutions=resolutions)


def _unique_by_number(claims: Iterable[ClaimMark]) -> list[ClaimMark]:
    seen: dict[int, ClaimMark] = {}
    for claim in claims:
        seen.setdefault(claim.number, claim)
    return list(seen.values())


def _parse_for_rendering(body: str):
    body = unicodedata.normalize("NFC", body)
    tokens = parse_markdown(body)
    for token in tokens:
        if token.type in {"heading_open", "heading_close"} and token.tag in _HEADING_TAGS:
            token.tag = _HEADING_TAGS[token.tag]
    return tokens, text_of_tokens(tokens)


def _render_tokens(tokens) -> SafeString:
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


def _mark_claims(html: str, text: str, ranges: Sequence[_ClaimRange]) -> str:
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
        logger.warning("Rendered HTML and plain text disagree; claims left unmarked.")
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
    return _Marker(placed).render(events)


class _Marker:
    """Re-serialises the HTML events with claim marks and note links inserted."""

    def __init__(self, claims: Sequence[_PlacedClaim]) -> None:
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
        return (
            f'<mark class="claim" id="claim-{number}" '
            f'aria-describedby="claim-note-{number}" data-claim="{number}">'
        )

    def _note(self, claim: _PlacedClaim) -> None:
        if claim in self.pending_notes:
            return
        if self.link_depth:
            # A link inside a link is invalid: the note waits for the </a>.
            self.pending_notes.append(claim)
        else:
            self.out.append(_note_link(claim))

    def _flush_notes(self) -> None:
        for claim in self.pending_notes:
            self.out.append(_note_link(claim))
        self.pending_notes.clear()


def _note_link(claim: _PlacedClaim) -> str:
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
        f'<sup class="claim-ref"><a href="#evidence-{number}" id="claim-note-{number}" '
        f'aria-label="{escape(label)}"{title}>{number}</a></sup>'
    )
