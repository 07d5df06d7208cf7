"""Layout as readers see it: the language switcher of an article, and Arabic right to left."""

from playwright.sync_api import expect

from ops.demo_content import ARTICLE
from tests.browser.conftest import ARABIC_ARTICLE_SLUG

DEMO = ARTICLE["slug"]


def test_article_language_switcher_offers_only_published_versions(
    arabic_article, live_server, page
):
    page.goto(f"{live_server.url}/en/articles/{DEMO}/")
    switcher = page.locator("nav.language-switcher")
    expect(switcher.get_by_role("link")).to_have_text(["简体中文", "English"])
    expect(switcher.get_by_role("link", name="English")).to_have_attribute("aria-current", "page")

    switcher.get_by_role("link", name="简体中文").click()
    expect(page).to_have_url(f"{live_server.url}/zh-hans/articles/{DEMO}/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")

    page.goto(f"{live_server.url}/en/articles/{ARABIC_ARTICLE_SLUG}/")
    expect(page.locator("nav.language-switcher").get_by_role("link")).to_have_text(
        ["English", "العربية"]
    )


def test_arabic_article_is_laid_out_right_to_left(arabic_article, live_server, page):
    page.goto(f"{live_server.url}/ar/articles/{ARABIC_ARTICLE_SLUG}/")

    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    title = page.get_by_role("heading", level=1)
    expect(title).to_have_text("اليونسكو مرة أخرى")
    assert title.evaluate("heading => getComputedStyle(heading).direction") == "rtl"
    expect(page.locator("mark.claim")).to_have_text(["أنها ستنسحب من اليونسكو"])
    # Right to left, the site's name and the lines of text start at the right-hand edge.
    edges = page.evaluate(
        """() => {
            const box = selector => document.querySelector(selector).getBoundingClientRect();
            const header = document.querySelector('.site-header .wrap');
            const padding = parseFloat(getComputedStyle(header).paddingRight);
            return {
                headerRight: header.getBoundingClientRect().right - padding,
                brandRight: box('.brand').right,
                titleLeft: box('main h1').left,
                titleRight: box('main h1').right,
                proseLeft: box('.prose').left,
                proseRight: box('.prose').right,
            };
        }"""
    )
    assert abs(edges["brandRight"] - edges["headerRight"]) < 1, edges
    assert abs(edges["proseRight"] - edges["titleRight"]) < 1, edges
    assert edges["proseLeft"] > edges["titleLeft"] + 100, edges
    # The evidence list is numbered on the right-hand side.
    evidence = page.locator(".evidence ol").evaluate(
        "list => [getComputedStyle(list).paddingRight, getComputedStyle(list).paddingLeft]"
    )
    assert float(evidence[0].removesuffix("px")) > float(evidence[1].removesuffix("px"))
