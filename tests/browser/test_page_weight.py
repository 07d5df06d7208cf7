"""The demo article page is light, self-contained, readable on a small phone and printable.

Page weight is what a reader's browser would download on a first visit with
an empty cache. The test server sends everything uncompressed, while in
production whitenoise serves pre-compressed static files and the proxy in
front compresses HTML; so each response counts as its headers plus its body
gzip-compressed here at level 6, the usual default of both.
"""

import gzip
from urllib.parse import urlsplit

from playwright.sync_api import expect

from ops.demo_content import ARTICLE

DEMO = ARTICLE["slug"]
WEIGHT_BUDGET = 60 * 1024
NARROW = {"width": 320, "height": 640}


def test_demo_article_weighs_at_most_60_kb_compressed_and_loads_only_from_the_site(
    demo, live_server, open_context
):
    context = open_context()
    page = context.new_page()
    responses = []
    failures = []
    page.on("response", lambda response: responses.append(response))
    page.on("requestfailed", lambda request: failures.append(request.url))

    page.goto(f"{live_server.url}/en/articles/{DEMO}/", wait_until="networkidle")

    assert not failures
    site = urlsplit(live_server.url).netloc
    assert {urlsplit(response.url).netloc for response in responses} == {site}
    weights = {
        response.url: response.request.sizes()["responseHeadersSize"]
        + len(gzip.compress(response.body(), compresslevel=6))
        for response in responses
    }
    assert any(url.endswith(".css") for url in weights), "the stylesheet was not loaded"
    total = sum(weights.values())
    breakdown = "\n".join(f"{size:>8} {url}" for url, size in weights.items())
    assert total <= WEIGHT_BUDGET, f"{total} bytes, over {WEIGHT_BUDGET}:\n{breakdown}"


def test_demo_article_reads_at_320_pixels_without_sideways_scrolling(
    demo, live_server, open_context
):
    page = open_context(viewport=NARROW).new_page()
    for language in ("en", "zh-hans"):
        page.goto(f"{live_server.url}/{language}/articles/{DEMO}/")

        assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
        # Every block of text lies inside the viewport and shows all of its content.
        clipped = page.locator("main h1, main h2, main p, main li, main dt, main dd").evaluate_all(
            """(blocks, width) => blocks.filter(block => {
                const box = block.getBoundingClientRect();
                return box.left < -0.5 || box.right > width + 0.5
                    || block.scrollWidth > block.clientWidth + 1;
            }).map(block => block.outerHTML.slice(0, 120))""",
            NARROW["width"],
        )
        assert clipped == [], language


def test_printed_demo_article_spells_out_evidence_links_and_drops_the_site_chrome(
    demo, live_server, page
):
    page.goto(f"{live_server.url}/en/articles/{DEMO}/")
    page.emulate_media(media="print")

    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.locator(".site-footer")).to_be_hidden()
    expect(page.locator(".evidence")).to_be_visible()
    printed = page.locator(".evidence a[href^='http']").evaluate_all(
        """links => links.map(link => ({
            href: link.getAttribute('href'),
            after: getComputedStyle(link, '::after').content,
        }))"""
    )
    assert printed, "the evidence list has no external link to print"
    for link in printed:
        assert link["after"] == f'" <{link["href"]}>"', link

    page.emulate_media(media="screen")
    expect(page.locator(".site-header")).to_be_visible()
    assert page.locator(".evidence a[href^='http']").first.evaluate(
        "link => getComputedStyle(link, '::after').content"
    ) in ("none", "normal")
