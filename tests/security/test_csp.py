"""The Content-Security-Policy is enforced on every page type, public and admin, and every
page works under it: no inline script without the response's nonce, no inline event
handler, no inline style, nothing loaded from another origin."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.security.pages import admin_urls, public_urls

pytestmark = pytest.mark.django_db

HEADER = "Content-Security-Policy"
# Data blocks: browsers never run them, so the policy does not need to allow them.
DATA_BLOCK_TYPES = {"application/json", "application/ld+json"}


def parse_policy(header: str) -> dict[str, list[str]]:
    policy = {}
    for directive in header.split(";"):
        tokens = directive.split()
        if tokens:
            assert tokens[0] not in policy, f"{tokens[0]} appears twice"
            policy[tokens[0]] = tokens[1:]
    return policy


def nonce_of(policy: dict[str, list[str]]) -> str | None:
    nonces = [
        token[len("'nonce-") : -1]
        for token in policy.get("script-src", [])
        if token.startswith("'nonce-")
    ]
    assert len(nonces) <= 1
    return nonces[0] if nonces else None


def assert_strict_policy(policy: dict[str, list[str]], url: str) -> None:
    assert policy["default-src"] == ["'self'"], url
    assert policy["object-src"] == ["'none'"], url
    assert policy["frame-ancestors"] == ["'none'"], url
    assert policy["base-uri"] == ["'self'"], url
    assert policy["form-action"] == ["'self'"], url
    scripts = policy["script-src"]
    assert "'self'" in scripts, url
    assert set(scripts) <= {"'self'"} | {t for t in scripts if t.startswith("'nonce-")}, url
    for directive in ("script-src", "style-src", "default-src"):
        for weak in ("'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"):
            assert weak not in policy.get(directive, []), f"{url}: {directive} {weak}"


@dataclass
class PageAudit(HTMLParser):
    """What in a page the policy would block."""

    nonce: str | None = None
    problems: list[str] = field(default_factory=list)
    scripts: int = 0

    def __post_init__(self):
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>: inline event handler")
            if name == "style":
                self.problems.append(f"<{tag} style=…>: inline style")
            if name in {"href", "src", "action", "formaction"} and (
                value or ""
            ).strip().lower().startswith(("javascript:", "data:", "vbscript:")):
                self.problems.append(f"<{tag} {name}={value}>: script URL")
        if tag == "script":
            self.scripts += 1
            source = attributes.get("src")
            nonce = attributes.get("nonce")
            if source is not None:
                if not _same_origin(source):
                    self.problems.append(f"<script src={source}>: another origin")
            elif attributes.get("type") not in DATA_BLOCK_TYPES and (
                nonce is None or nonce != self.nonce
            ):
                self.problems.append("<script> inline without the response's nonce")
            if nonce is not None and nonce != self.nonce:
                self.problems.append("<script nonce=…>: not the response's nonce")
        if tag == "style":
            self.problems.append("<style>: inline style sheet")
        if (
            tag == "link"
            and "stylesheet" in (attributes.get("rel") or "").split()
            and not _same_origin(attributes.get("href") or "")
        ):
            self.problems.append(f"<link href={attributes.get('href')}>: another origin")
        if tag in {"iframe", "object", "embed", "base"}:
            self.problems.append(f"<{tag}>: not allowed")


def _same_origin(url: str) -> bool:
    return url.startswith("/") and not url.startswith("//")


def audit(response, url: str) -> PageAudit:
    assert HEADER in response.headers, f"{url}: no {HEADER}"
    assert "Content-Security-Policy-Report-Only" not in response.headers
    policy = parse_policy(response.headers[HEADER])
    assert_strict_policy(policy, url)
    page = PageAudit(nonce=nonce_of(policy))
    if response.headers.get("Content-Type", "").startswith("text/html"):
        page.feed(response.content.decode())
        page.close()
        assert page.problems == [], url
    return page


@pytest.mark.parametrize("language", ["en", "zh-hans", "ar"])
def test_every_public_page_type_is_under_the_strict_policy(client, demo_site, language):
    urls = public_urls(language=language)
    assert "search" in urls
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code < 500, url
        audit(response, f"{name} {url}")


def test_public_pages_with_filters_and_a_search_are_under_the_strict_policy(client, demo_site):
    for url in (
        "/en/registry/?q=health&kind=specialized_agency&sort=-name",
        "/en/registry/events/?organization=world-health-organization",
        "/en/registry/world-health-organization/?on=2024-01-01",
        "/en/search/?q=WHO",
        "/en/articles/a-year-of-american-exits/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        audit(response, url)


def test_every_admin_page_type_is_under_the_strict_policy(client, demo_site, superuser):
    client.force_login(superuser)
    translation = demo_site.article.translations.get(is_original=True)
    checked_scripts = 0
    for name, url in admin_urls(review_translation_id=translation.pk).items():
        response = client.get(url)
        assert response.status_code < 500, url
        checked_scripts += audit(response, f"{name} {url}").scripts
    # The admin's change forms do load scripts: the audit saw and checked them.
    assert checked_scripts > 50


def test_admin_scripts_carry_the_nonce_of_their_response(client, demo_site, superuser):
    client.force_login(superuser)
    first = client.get(reverse("admin:organizations_organization_add"))
    second = client.get(reverse("admin:organizations_organization_add"))
    first_nonce = nonce_of(parse_policy(first.headers[HEADER]))
    second_nonce = nonce_of(parse_policy(second.headers[HEADER]))
    assert first_nonce and second_nonce and first_nonce != second_nonce
    assert f'nonce="{first_nonce}"' in first.content.decode()
    assert audit(first, "add organization").scripts > 0


def test_the_admin_login_page_is_under_the_strict_policy(client, db):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 200
    audit(response, "admin:login")


def test_the_lockout_page_is_under_the_strict_policy(client, db):
    for _attempt in range(5):
        client.post(reverse("admin:login"), {"username": "nobody", "password": "wrong"})
    response = client.post(reverse("admin:login"), {"username": "nobody", "password": "wrong"})
    assert response.status_code == 429
    audit(response, "lockout")


def test_the_not_found_page_is_under_the_strict_policy(client, db):
    for url in ("/en/no-such-page/", "/en/articles/no-such-article/", "/admin/no/such/"):
        response = client.get(url)
        assert response.status_code in {302, 404}, url
        audit(response, url)


def test_the_policy_is_enforced_not_only_reported(settings):
    assert settings.SECURE_CSP
    assert not getattr(settings, "SECURE_CSP_REPORT_ONLY", None)
    assert "django.middleware.csp.ContentSecurityPolicyMiddleware" in settings.MIDDLEWARE
