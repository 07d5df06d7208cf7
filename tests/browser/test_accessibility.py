"""axe-core on every public page in English, Chinese and Arabic, and the claims by keyboard.

axe-core (node_modules/axe-core, installed by `npm ci`) runs in a browser
context that bypasses the site's Content-Security-Policy, which would refuse
its script; the pages themselves are served exactly as readers get them.
"""

import re

import pytest
from playwright.sync_api import expect

from ops.demo_content import ARTICLE, CLAIMS
from tests.browser.conftest import ARABIC_ARTICLE_SLUG, describe_violations, run_axe

DEMO = ARTICLE["slug"]
BLOCKING_IMPACTS = {"serious", "critical"}
TAB_LIMIT = 60

# (path after the language prefix, expected status, what must be on the page for axe to judge)
COMMON_PAGES = [
    ("/", 200, "main"),
    (
        "/registry/?instrument=memorandum-2026-01-07&un_related=true&status=withdrawal_pending",
        200,
        "table.registry-table tbody tr",
    ),
    ("/registry/world-health-organization/", 200, "svg.timeline-chart"),
    ("/registry/events/", 200, "table.events-table tbody tr"),
    ("/registry/instruments/memorandum-2026-01-07/", 200, "table tbody tr"),
    ("/search/?q=WHO", 200, "main .search-result"),
    ("/no-such-page/", 404, "main h1"),
]
ARTICLE_PAGES = {
    "en": [(f"/articles/{DEMO}/", 200, "mark.claim")],
    "zh-hans": [(f"/articles/{DEMO}/", 200, "mark.claim")],
    "ar": [
        (f"/articles/{ARABIC_ARTICLE_SLUG}/", 200, "mark.claim"),
        # The demo article has no Arabic version: readers get the 404 page.
        (f"/articles/{DEMO}/", 404, "main h1"),
    ],
}
DIRECTION = {"en": "ltr", "zh-hans": "ltr", "ar": "rtl"}


@pytest.mark.parametrize("language", ["en", "zh-hans", "ar"])
def test_public_pages_have_no_serious_accessibility_violations(
    language, arabic_article, live_server, axe_context
):
    page = axe_context.new_page()
    problems = []
    for path, status, content in [*ARTICLE_PAGES[language], *COMMON_PAGES]:
        url = f"{live_server.url}/{language}{path}"
        response = page.goto(url)
        assert response.status == status, url
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.locator("html")).to_have_attribute("dir", DIRECTION[language])
        expect(page.locator(content).first).to_be_visible()
        blocking = [
            violation for violation in run_axe(page) if violation["impact"] in BLOCKING_IMPACTS
        ]
        if blocking:
            problems.append(f"{url}\n{describe_violations(blocking)}")
    assert not problems, "axe-core found serious or critical violations:\n\n" + "\n\n".join(
        problems
    )


def test_keyboard_reaches_the_first_claim_note_and_enter_moves_to_its_evidence(
    demo, live_server, page
):
    page.goto(f"{live_server.url}/en/articles/{DEMO}/")
    note = page.locator("#claim-note-1")
    for _ in range(TAB_LIMIT):
        page.keyboard.press("Tab")
        if note.evaluate("link => link === document.activeElement"):
            break
    else:
        pytest.fail(f"{TAB_LIMIT} presses of Tab never reached the first claim's note link")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"#evidence-1$"))
    evidence = page.locator("#evidence-1")
    expect(evidence).to_be_focused()
    expect(evidence).to_be_in_viewport()
    assert page.evaluate("document.querySelector(':target').id") == "evidence-1"


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_claim_mark_is_described_by_its_note_link(language, demo, live_server, page):
    page.goto(f"{live_server.url}/{language}/articles/{DEMO}/")
    marks = page.locator("mark.claim").evaluate_all(
        """marks => marks.map(mark => {
            const note = document.getElementById(mark.getAttribute('aria-describedby'));
            return {
                claim: mark.dataset.claim,
                describedBy: mark.getAttribute('aria-describedby'),
                noteHref: note ? note.getAttribute('href') : null,
                noteName: note ? note.getAttribute('aria-label') : null,
            };
        })"""
    )
    assert len(marks) == len(CLAIMS)
    for mark in marks:
        assert mark["describedBy"], mark
        assert mark["noteHref"] == f"#evidence-{mark['claim']}", mark
        assert mark["noteName"].strip(), mark
