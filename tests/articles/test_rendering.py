"""Rendering of article bodies: sanitised Markdown with claim marks and note links."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from django.utils import translation
from django.utils.safestring import mark_safe

from articles.text import rendering
from articles.text.anchors import AnchorState, Quote
from articles.text.rendering import ClaimMark, render_body, render_markdown, render_plain

VOID_ELEMENTS = {"br", "hr", "img", "input", "meta", "link", "wbr", "source", "col", "area"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None]
    parent: Element | None = None
    children: list[Element | str] = field(default_factory=list)

    def text(self, skip: frozenset[str] = frozenset()) -> str:
        return "".join(
            child if isinstance(child, str) else child.text(skip)
            for child in self.children
            if isinstance(child, str) or child.tag not in skip
        )

    def iter(self):
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.iter()

    def find_all(self, tag: str, **attrs: str) -> list[Element]:
        return [
            element
            for element in self.iter()
            if element.tag == tag
            and all(element.attrs.get(name) == value for name, value in attrs.items())
        ]

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class StrictTreeBuilder(HTMLParser):
    """Builds a tree and fails on any end tag that does not close the open element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#root", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs), parent=self.current)
        self.current.children.append(element)
        if tag not in VOID_ELEMENTS:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Element(tag, dict(attrs), parent=self.current))

    def handle_endtag(self, tag):
        assert tag not in VOID_ELEMENTS, f"end tag for void element {tag}"
        assert self.current.tag == tag, f"</{tag}> closes <{self.current.tag}>"
        assert self.current.parent is not None
        self.current = self.current.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(html: str) -> Element:
    """Parse `html`, asserting that every tag is closed in order."""
    builder = StrictTreeBuilder()
    builder.feed(html)
    builder.close()
    assert builder.current is builder.root, f"<{builder.current.tag}> left open"
    return builder.root


def marks_of(root: Element, number: int) -> list[Element]:
    return root.find_all("mark", **{"data-claim": str(number)})


def claim_text(root: Element, number: int) -> str:
    """The quoted text a claim's marks cover, without the notes of claims nested in it."""
    return "".join(mark.text(skip=frozenset({"sup"})) for mark in marks_of(root, number))


def test_markdown_renders_sanitised_html():
    html = render_markdown("## Heading\n\nSome *emphasis* and [a link](https://example.org).")

    assert html == (
        "<h2>Heading</h2>\n<p>Some <em>emphasis</em> and "
        '<a href="https://example.org" rel="noopener noreferrer">a link</a>.</p>\n'
    )


def test_top_level_heading_becomes_h2():
    root = parse(render_markdown("# Title\n\n###### Deep"))

    assert [element.tag for element in root.iter()] == ["h2", "h4"]


def test_tables_render():
    root = parse(render_markdown("| Body | Status |\n|---|--:|\n| WHO | withdrawn |\n"))

    assert [cell.text() for cell in root.find_all("td")] == ["WHO", "withdrawn"]
    assert all("style" not in cell.attrs for cell in root.find_all("td"))


def test_render_plain_escapes():
    assert render_plain('<b>"66" & more</b>') == "&lt;b&gt;&quot;66&quot; &amp; more&lt;/b&gt;"


def test_found_claim_is_marked_with_id_and_note_link():
    body = "In January the United States withdrew from 66 organizations."
    rendered = render_body(body, [ClaimMark(1, Quote("withdrew from 66 organizations"))])
    root = parse(rendered.html)

    (mark,) = root.find_all("mark")
    assert mark.attrs["class"] == "claim"
    assert mark.attrs["id"] == "claim-1"
    assert mark.attrs["aria-describedby"] == "claim-note-1"
    assert mark.text() == "withdrew from 66 organizations"
    (note,) = root.find_all("a", id="claim-note-1")
    assert note.attrs["href"] == "#evidence-1"
    assert note.attrs["aria-label"] == "Evidence for claim 1"
    assert note.text() == "1"
    assert note.parent.tag == "sup"
    assert note.parent.attrs["class"] == "claim-ref"
    assert rendered.resolutions[1].state == AnchorState.FOUND
    assert "organizations</mark><sup" in rendered.html


def test_note_label_includes_the_claim_label():
    rendered = render_body("WHO left.", [ClaimMark(2, Quote("WHO"), label="The US left WHO")])

    (note,) = parse(rendered.html).find_all("a", id="claim-note-2")
    assert note.attrs["aria-label"] == "Evidence for claim 2: The US left WHO"
    assert note.attrs["title"] == "The US left WHO"


def test_note_label_is_translated():
    with translation.override("zh-hans"):
        rendered = render_body("WHO left.", [ClaimMark(2, Quote("WHO"))])

    (note,) = parse(rendered.html).find_all("a", id="claim-note-2")
    assert "2" in note.attrs["aria-label"]
    assert "Evidence" not in note.attrs["aria-label"]


def test_quote_spanning_emphasis_becomes_balanced_segments():
    body = "The United States withdrew from **66 international** organizations."
    rendered = render_body(body, [ClaimMark(3, Quote("from 66 international organizations"))])
    root = parse(rendered.html)

    segments = marks_of(root, 3)
    assert [segment.text() for segment in segments] == [
        "from ",
        "66 international",
        " organizations",
    ]
    assert segments[0].attrs["id"] == "claim-3"
    assert all("id" not in segment.attrs for segment in segments[1:])
    assert all(segment.attrs["class"] == "claim" for segment in segments)
    assert segments[1].parent.tag == "strong"
    assert len(root.find_all("a", id="claim-note-3")) == 1
    assert rendered.html.index('id="claim-note-3"') > rendered.html.rindex("organizations")


def test_overlapping_claims_nest_without_crossing():
    body = "Alpha beta gamma delta."
    claims = [ClaimMark(1, Quote("Alpha beta gamma")), ClaimMark(2, Quote("beta gamma delta"))]
    root = parse(render_body(body, claims).html)

    assert claim_text(root, 1) == "Alpha beta gamma"
    assert claim_text(root, 2) == "beta gamma delta"
    nested = [mark for mark in marks_of(root, 2) if mark.parent.tag == "mark"]
    assert [mark.text() for mark in nested] == ["beta gamma"]
    assert len(root.find_all("mark", id="claim-1")) == 1
    assert len(root.find_all("mark", id="claim-2")) == 1


def test_nested_claim_is_marked_inside_the_outer_one():
    body = "The withdrawal from 66 international organizations was announced."
    claims = [
        ClaimMark(1, Quote("withdrawal from 66 international organizations")),
        ClaimMark(2, Quote("66")),
    ]
    rendered = render_body(body, claims)
    root = parse(rendered.html)

    (inner,) = marks_of(root, 2)
    assert inner.text() == "66"
    assert inner.parent.tag == "mark"
    assert inner.parent.attrs["data-claim"] == "1"
    assert claim_text(root, 1) == "withdrawal from 66 international organizations"
    html = rendered.html
    assert html.index('id="claim-note-2"') < html.index('id="claim-note-1"')


def test_identical_quotes_of_two_claims_both_get_marks_and_notes():
    root = parse(
        render_body("WHO left.", [ClaimMark(1, Quote("WHO")), ClaimMark(2, Quote("WHO"))]).html
    )

    assert claim_text(root, 1) == "WHO"
    assert claim_text(root, 2) == "WHO"
    assert len(root.find_all("sup")) == 2


def test_quote_inside_link_text_puts_the_note_after_the_link():
    body = "See [the memorandum of 7 January](https://example.org/memo) for details."
    root = parse(render_body(body, [ClaimMark(4, Quote("memorandum of 7"))]).html)

    (mark,) = marks_of(root, 4)
    assert any(ancestor.tag == "a" for ancestor in mark.ancestors())
    (note,) = root.find_all("a", id="claim-note-4")
    assert not any(ancestor.tag == "a" for ancestor in note.ancestors())
    paragraph = root.find_all("p")[0]
    tags = [child.tag for child in paragraph.children if isinstance(child, Element)]
    assert tags == ["a", "sup"]


def test_quote_spanning_a_link_ends_outside_it():
    body = "The [WHO](https://who.int) decision stands."
    rendered = render_body(body, [ClaimMark(5, Quote("The WHO decision"))])
    root = parse(rendered.html)

    assert claim_text(root, 5) == "The WHO decision"
    (note,) = root.find_all("a", id="claim-note-5")
    assert not any(ancestor.tag == "a" for ancestor in note.ancestors())


def test_unresolved_claims_are_not_marked():
    body = "WHO left. WHO returned? No."
    claims = [ClaimMark(1, Quote("WHO")), ClaimMark(2, Quote("UNESCO")), ClaimMark(3, Quote("No."))]
    rendered = render_body(body, claims)
    root = parse(rendered.html)

    assert rendered.resolutions[1].state == AnchorState.AMBIGUOUS
    assert rendered.resolutions[2].state == AnchorState.ORPHANED
    assert rendered.resolutions[3].state == AnchorState.FOUND
    assert marks_of(root, 1) == []
    assert marks_of(root, 2) == []
    assert claim_text(root, 3) == "No."
    assert [a.attrs["id"] for a in root.find_all("a")] == ["claim-note-3"]


def test_body_without_claims_renders_like_markdown():
    body = "Plain *text* & more."

    assert render_body(body, []).html == render_markdown(body)


@pytest.mark.parametrize(
    ("body", "quote"),
    [
        ("美国宣布退出**66个**国际组织。", "退出66个国际组织"),
        ("أعلنت الولايات المتحدة _انسحابها_ من المنظمة.", "انسحابها من المنظمة"),
        ("Code `a < b && c` in text.", "a < b && c"),
        ("Line one\nline two.", "one line"),
        ("> Quoted & <escaped> text.", "& <escaped>"),
        ("1. First item\n2. Second *item* here", "Second item"),
        ("```\nfenced <code>\n```", "fenced <code>"),
        ("| a | WHO *left* |\n|---|---|\n| b | c |", "WHO left"),
        ("# Heading *here*\n\nText.", "Heading here"),
        ("Link <https://example.org/?a=1&b=2> here", "https://example.org/?a=1&b=2"),
    ],
)
def test_quote_text_survives_marking(body, quote):
    rendered = render_body(body, [ClaimMark(7, Quote(quote))])
    root = parse(rendered.html)

    assert rendered.resolutions[7].state == AnchorState.FOUND
    assert " ".join(claim_text(root, 7).split()) == quote
    assert root.text().replace("7", "") == parse(render_markdown(body)).text().replace("7", "")


STRUCTURED_BODY = (
    "# A heading\n\n"
    "A paragraph that says WHO left.\n\n"
    "- one item\n- another *item*\n\n  > quoted in the item\n\n"
    "> A quotation\n>\n> in two paragraphs\n\n"
    "| Body | Status |\n|---|---|\n| UNESCO | withdrawn |\n\n"
    "```\ncode\n\nafter a blank line\n```\n\n"
    "    indented code\n\n"
    "---\n\n"
    "1. First\n2. Second\n"
)


def test_blocks_are_the_top_level_elements_and_join_to_the_body():
    rendered = render_body(STRUCTURED_BODY, [])

    assert [next(parse(block).iter()).tag for block in rendered.blocks] == [
        "h2",
        "p",
        "ul",
        "blockquote",
        "table",
        "pre",
        "pre",
        "hr",
        "ol",
    ]
    for block in rendered.blocks:
        (element,) = (child for child in parse(block).children if isinstance(child, Element))
        assert block.startswith(f"<{element.tag}") and block.endswith(">\n")
    assert rendered.html == "".join(rendered.blocks) == render_markdown(STRUCTURED_BODY)


def test_each_mark_stays_inside_the_block_of_its_quote():
    claims = [
        ClaimMark(1, Quote("WHO left")),
        ClaimMark(2, Quote("another item")),
        ClaimMark(3, Quote("UNESCO")),
        ClaimMark(4, Quote("after a blank line")),
    ]

    rendered = render_body(STRUCTURED_BODY, claims)

    blocks = [parse(block) for block in rendered.blocks]
    marked = {
        number: [index for index, root in enumerate(blocks) if marks_of(root, number)]
        for number in (1, 2, 3, 4)
    }
    assert marked == {1: [1], 2: [2], 3: [4], 4: [5]}
    for index in (1, 2, 4, 5):
        root = parse(rendered.blocks[index])
        (number,) = {int(mark.attrs["data-claim"]) for mark in root.find_all("mark")}
        assert root.find_all("mark", id=f"claim-{number}")
        assert root.find_all("a", id=f"claim-note-{number}")


def test_body_without_blocks_has_none():
    rendered = render_body("", [ClaimMark(1, Quote("WHO"))])

    assert rendered.blocks == ()
    assert rendered.html == ""
    assert rendered.resolutions[1].state == AnchorState.ORPHANED


def test_id_prefix_scopes_the_ids_of_marks_and_notes():
    body = "The United States withdrew from **66 international** organizations."

    rendered = render_body(
        body, [ClaimMark(3, Quote("from 66 international organizations"))], id_prefix="en-"
    )

    root = parse(rendered.html)
    first, *others = marks_of(root, 3)
    assert first.attrs["id"] == "en-claim-3"
    assert first.attrs["aria-describedby"] == "en-claim-note-3"
    assert all("id" not in mark.attrs for mark in others)
    (note,) = root.find_all("a", id="en-claim-note-3")
    assert note.attrs["href"] == "#evidence-3"
    assert 'id="claim-' not in rendered.html


def test_evidence_prefix_says_where_note_links_point():
    rendered = render_body(
        "WHO left.", [ClaimMark(2, Quote("WHO"))], id_prefix="fr-", evidence_prefix="claim-row-"
    )

    (note,) = parse(rendered.html).find_all("a", id="fr-claim-note-2")
    assert note.attrs["href"] == "#claim-row-2"


def test_id_prefix_cannot_break_out_of_the_attribute():
    rendered = render_body("WHO left.", [ClaimMark(2, Quote("WHO"))], id_prefix='x" onclick="')

    root = parse(rendered.html)
    (mark,) = marks_of(root, 2)
    assert mark.attrs["id"] == 'x" onclick="claim-2'
    assert all(not name.startswith("on") for element in root.iter() for name in element.attrs)


def test_a_block_whose_html_and_text_disagree_is_left_unmarked_with_a_warning(monkeypatch, caplog):
    real = rendering._render_tokens

    def garbled(tokens):
        return mark_safe(real(tokens).replace("UNESCO", "UNICEF"))

    monkeypatch.setattr(rendering, "_render_tokens", garbled)
    claims = [ClaimMark(1, Quote("WHO")), ClaimMark(2, Quote("UNESCO"))]

    with caplog.at_level(logging.WARNING, logger=rendering.__name__):
        rendered = render_body("WHO left.\n\nUNESCO left.", claims)

    first, second = (parse(block) for block in rendered.blocks)
    assert claim_text(first, 1) == "WHO"
    assert second.find_all("mark") == []
    assert rendered.resolutions[2].state == AnchorState.FOUND
    assert "disagree" in caplog.text
