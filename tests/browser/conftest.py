"""Browser tests: Playwright driving Debian's Chromium against the live server."""

import os
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from articles import workflow
from articles.models import Article, Claim, ClaimAnchor, Evidence
from ops.demo import seed_demo
from organizations.models import Organization
from tests.conftest import roles_ensure

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

# Playwright's sync API runs an event loop in the test thread; the test
# thread's database access is still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# Long enough for a slow machine, short enough that a missing element fails fast.
TIMEOUT_MS = 10_000


@pytest.fixture
def open_context(new_context):
    """Open a browser context (keyword arguments as for `browser.new_context`).

    A locator that never appears fails in seconds rather than after
    Playwright's thirty.
    """

    def open_(**kwargs):
        context = new_context(**kwargs)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        return context

    return open_


@pytest.fixture
def context(open_context):
    return open_context()


@pytest.fixture
def roles(transactional_db):
    roles_ensure()


@pytest.fixture
def demo(roles, live_server):
    """The bundled registry and the published bilingual demo article, for the live server."""
    call_command("load_registry", stdout=StringIO())
    return seed_demo().article


@pytest.fixture
def axe_context(open_context):
    """A browser context for axe-core, whose script the site's CSP would otherwise refuse."""
    return open_context(bypass_csp=True)


def run_axe(page) -> list[dict]:
    """axe-core's violations on the page as loaded, by its default rules (WCAG A, AA and more)."""
    assert AXE_SCRIPT.exists(), f"{AXE_SCRIPT} is missing: run `npm ci` (or `make test`)"
    page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    return page.evaluate("async () => (await axe.run(document)).violations")


def describe_violations(violations: list[dict]) -> str:
    """One readable paragraph per violation, with the elements it was found on."""
    lines = []
    for violation in violations:
        lines.append(
            f"[{violation['impact']}] {violation['id']}: {violation['help']}"
            f" ({violation['helpUrl']})"
        )
        for node in violation["nodes"][:5]:
            lines.append(f"    {' '.join(node['target'])}: {node['html'][:160]}")
            if node.get("failureSummary"):
                lines.extend(f"        {line}" for line in node["failureSummary"].splitlines()[:4])
    return "\n".join(lines)


def login(page, live_server, username: str, password: str) -> None:
    """Sign in through the admin's login form, as a person would."""
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    assert "/admin/login/" not in page.url, f"{username} could not sign in"


ARABIC_ARTICLE_SLUG = "unesco-once-more"


@pytest.fixture
def arabic_article(demo):
    """A small article published in English and in Arabic, with one claim anchored in both."""
    editor = get_user_model().objects.get(username="editor")
    moderator = get_user_model().objects.get(username="moderator")
    article = Article.objects.create(slug=ARABIC_ARTICLE_SLUG, original_language="en")
    original = article.translations.create(language="en", is_original=True)
    arabic = article.translations.create(language="ar", is_original=False)
    claim = Claim.objects.create(
        article=article,
        number=1,
        statement="In July 2025 the United States said it would leave UNESCO again.",
        verdict=Claim.Verdict.SUPPORTED,
    )
    Evidence.objects.create(
        claim=claim,
        organization=Organization.objects.get(
            slug="united-nations-educational-scientific-and-cultural-organization"
        ),
    )
    ClaimAnchor.objects.create(
        claim=claim, translation=original, quote="said it would leave UNESCO"
    )
    ClaimAnchor.objects.create(claim=claim, translation=arabic, quote="أنها ستنسحب من اليونسكو")
    texts = {
        original: (
            "UNESCO, once more",
            "In July 2025 the United States said it would leave UNESCO again.",
        ),
        arabic: (
            "اليونسكو مرة أخرى",
            "في يوليو 2025 أعلنت الولايات المتحدة أنها ستنسحب من اليونسكو مرة أخرى.",
        ),
    }
    for translation, (title, body) in texts.items():
        workflow.revision_create(
            translation=translation, title=title, standfirst="", body=body, by=editor
        )
        workflow.submit(translation=translation, by=editor)
        workflow.approve(translation=translation, by=moderator)
    return article
