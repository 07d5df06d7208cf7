"""Hostile input through the body, claim quotes and labels never becomes active HTML."""

import re

import pytest

from articles.text.anchors import AnchorState, Quote, plain_text
from articles.text.rendering import ClaimMark, render_body, render_markdown
from tests.articles.test_rendering import Element, parse

FORBIDDEN_ELEMENTS = {
    "script",
    "iframe",
    "frame",
    "object",
    "embed",
    "svg",
    "math",
    "img",
    "style",
    "form",
    "input",
    "button",
    "base",
    "meta",
    "link",
    "details",
    "template",
    "div",
    "span",
}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "srcset", "poster"}
SAFE_SCHEMES = {"http", "https", "mailto"}

XSS_BODIES = [
    "<script>alert(1)</script>",
    "<script>\nalert(1)\n</script>\n\nafter",
    "Text <script>alert(1)</script> inline.",
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(1)">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<math href=javascript:alert(1)>x</math>",
    '<iframe src="javascript:alert(1)"></iframe>',
    "<iframe srcdoc='<script>alert(1)</script>'>",
    '<a href="javascript:alert(1)">raw link</a>',
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<div style="background:url(javascript:alert(1))">styled</div>',
    "<b><i>unclosed <em>tags",
    "<!--<script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<details open ontoggle=alert(1)>",
    "<p onclick=alert(1)>para</p>",
    "[link](javascript:alert(1))",
    "[link](JaVaScRiPt:alert(1))",
    "[link](  javascript:alert(1)  )",
    "[link](<javascript:alert(1)>)",
    "[link](&#106;avascript:alert(1))",
    "[link](&#x6A;&#x61;vascript:alert(1))",
    "[link](&#0000106avascript:alert(1))",
    "[link](java&#09;script:alert(1))",
    "[link](java%0Ascript:alert(1))",
    "[link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[link](DATA:text/html,<script>alert(1)</script>)",
    "[link](vbscript:msgbox(1))",
    "[link](VBScript:msgbox(1))",
    "[link](file:///etc/passwd)",
    "<javascript:alert(1)>",
    "<data:text/html,alert(1)>",
    "[ref][evil]\n\n[evil]: javascript:alert(1)",
    '[ref][evil]\n\n[evil]: <data:text/html,x> "title"',
    "![image](javascript:alert(1))",
    "![image](http://example.org/x.png)",
    '[link](http://example.org "title\\" onmouseover=\\"alert(1)")',
    '[link](http://example.org" onmouseover="alert(1))',
    "[link](http://example.org/<script>)",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "Text with \u202eoverride\u202c and \u2067isolate\u2069 [\u202egnp.exe](http://example.org)",
    "Null \x00 byte and \x0b vertical tab",
    "```html\n<script>alert(1)</script>\n```",
    "`<script>alert(1)</script>`",
    "| <script> | x |\n|---|---|\n| <img onerror=alert(1)> | y |",
    "**<b onmouseover=alert(1)>bold</b>**",
    "[<svg onload=alert(1)>](http://example.org)",
]

HOSTILE_STRINGS = [
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "</mark></sup><script>alert(1)</script>",
    '" onmouseover="alert(1)',
    "\u202e<script>",
    "javascript:alert(1)",
]


def assert_inert(html: str) -> Element:
    """Parse `html` and assert it holds no active content; return the tree."""
    root = parse(html)
    for element in root.iter():
        assert element.tag not in FORBIDDEN_ELEMENTS, element.tag
        for name, value in element.attrs.items():
            assert not name.startswith("on"), name
            assert name != "style"
            assert name != "srcdoc"
            if name in URL_ATTRIBUTES:
                assert_safe_url(value or "")
    return root


def assert_safe_url(url: str) -> None:
    compact = re.sub(r"[\x00-\x20\x7f]+", "", url).lower()
    assert not compact.startswith(("javascript:", "data:", "vbscript:", "file:")), url
    scheme = re.match(r"^([a-z][a-z0-9+.-]*):", compact)
    assert scheme is None or scheme.group(1) in SAFE_SCHEMES, url


@pytest.mark.parametrize("body", XSS_BODIES)
def test_hostile_body_renders_inert(body):
    assert_inert(render_markdown(body))


@pytest.mark.parametrize("body", XSS_BODIES)
def test_hostile_body_with_a_claim_on_its_text_renders_inert(body):
    text = plain_text(body)
    quote = " ".join(text.split("\n\n")[0].split())[:40].strip() or "absent"
    rendered = render_body(body, [ClaimMark(1, Quote(quote), label=body)])

    root = assert_inert(rendered.html)
    if rendered.resolutions[1].state == AnchorState.FOUND:
        assert root.find_all("mark", id="claim-1")
        (note,) = root.find_all("a", id="claim-note-1")
        assert note.attrs["title"] == body


@pytest.mark.parametrize("hostile", HOSTILE_STRINGS)
def test_hostile_quote_and_label_stay_text(hostile):
    body = f"Before {hostile} after."
    rendered = render_body(body, [ClaimMark(1, Quote(hostile), label=hostile)])

    root = assert_inert(rendered.html)
    assert rendered.resolutions[1].state == AnchorState.FOUND
    (mark,) = root.find_all("mark", id="claim-1")
    assert mark.text() == hostile
    (note,) = root.find_all("a", id="claim-note-1")
    assert note.attrs["title"] == hostile
    assert note.attrs["aria-label"].endswith(hostile)


def test_javascript_link_is_not_a_link():
    root = assert_inert(render_markdown("[click](javascript:alert(1)) [safe](https://example.org)"))

    assert [a.attrs["href"] for a in root.find_all("a")] == ["https://example.org"]


def test_safe_links_get_rel_noopener():
    root = assert_inert(render_markdown("[a](https://example.org) <mailto:desk@example.org>"))

    assert [a.attrs["rel"] for a in root.find_all("a")] == ["noopener noreferrer"] * 2


def test_raw_html_is_shown_as_text():
    root = assert_inert(render_markdown("<script>alert(1)</script>"))

    assert root.text().strip() == "<script>alert(1)</script>"


def test_direction_override_stays_inside_text():
    html = render_markdown("Visit [\u202egnp.exe](https://example.org/a) now")

    root = assert_inert(html)
    (link,) = root.find_all("a")
    assert link.attrs["href"] == "https://example.org/a"
    assert link.text() == "\u202egnp.exe"
