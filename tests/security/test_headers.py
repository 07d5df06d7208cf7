"""Every page type carries the browser security headers; production passes `check --deploy`."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.security.pages import (
    admin_urls,
    public_urls,
    unsampled_public_patterns,
)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]

EXPECTED_HEADERS = {
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}


def production_environment() -> dict[str, str]:
    """The variables of the production example in .env.example, as an operator would set them."""
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    block = text.split("# --- Production", 1)[1]
    variables = dict(re.findall(r"^# ([A-Z][A-Z0-9_]*)=(.*)$", block, flags=re.MULTILINE))
    assert "DJANGO_SECRET_KEY" in variables, "the production example lost its lines"
    return variables


def run_python(*arguments: str, environment: dict[str, str]) -> subprocess.CompletedProcess:
    inherited = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "EMAIL_", "PYTEST"))
    }
    return subprocess.run(
        [sys.executable, *arguments],
        cwd=ROOT,
        env={**inherited, "DJANGO_SETTINGS_MODULE": "config.settings", **environment},
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_under(environment: dict[str, str], *names: str) -> str:
    """The repr of some settings as a process started with `environment` sees them."""
    script = (
        "import django; django.setup(); from django.conf import settings; "
        f"print(*(repr(getattr(settings, name)) for name in {names!r}))"
    )
    result = run_python("-c", script, environment=environment)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def assert_security_headers(response, url: str) -> None:
    for header, value in EXPECTED_HEADERS.items():
        assert response.headers.get(header) == value, f"{url}: {header}"


def test_every_named_page_type_has_a_sample():
    """A new page type with URL parameters must be given a sample in tests/security/pages.py."""
    assert unsampled_public_patterns() == []


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_public_page_type_sends_the_security_headers(client, demo_site, language):
    urls = public_urls(language=language)
    assert {"home", "articles:detail", "organizations:list", "healthz"} <= set(urls)
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code < 500, url
        assert_security_headers(response, f"{name} {url}")


def test_every_admin_page_type_sends_the_security_headers(client, demo_site, superuser):
    client.force_login(superuser)
    translation = demo_site.article.translations.get(is_original=True)
    urls = admin_urls(review_translation_id=translation.pk)
    assert len(urls) > 40
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code < 500, url
        assert_security_headers(response, f"{name} {url}")


def test_the_admin_login_page_sends_the_security_headers_to_anonymous_readers(client, db):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 200
    assert_security_headers(response, "admin:login")


def test_the_not_found_page_sends_the_security_headers(client, db):
    response = client.get("/en/no-such-page/")
    assert response.status_code == 404
    assert_security_headers(response, "404")


def test_hsts_is_sent_over_https_with_subdomains(client, db):
    response = client.get(reverse("healthz"), secure=True)
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_plain_http_is_redirected_to_https_except_the_health_check(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    redirected = client.get("/en/registry/")
    assert redirected.status_code == 301
    assert redirected.headers["Location"] == "https://testserver/en/registry/"
    assert client.get(reverse("healthz")).status_code == 200


def test_a_tls_proxy_header_counts_as_https_only_when_configured(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = client.get("/en/registry/", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200
    assert "Strict-Transport-Security" in response.headers


def test_session_and_csrf_cookies_are_secure_and_the_session_is_http_only(settings):
    assert settings.SESSION_COOKIE_SECURE
    assert settings.CSRF_COOKIE_SECURE
    assert settings.SESSION_COOKIE_HTTPONLY


def test_the_documented_production_settings_pass_the_deployment_check():
    result = run_python(
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        environment=production_environment(),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_documented_production_settings_trust_the_proxy_for_https_only():
    seen = settings_under(
        production_environment(),
        "SECURE_PROXY_SSL_HEADER",
        "SECURE_SSL_REDIRECT",
        "DEBUG",
        "TRUSTED_PROXY_COUNT",
    )
    assert seen == "('HTTP_X_FORWARDED_PROTO', 'https') True False 1"


def test_without_a_proxy_the_forwarded_proto_header_is_not_trusted():
    environment = {
        **production_environment(),
        "DJANGO_BEHIND_TLS_PROXY": "false",
        "DJANGO_TRUSTED_PROXY_COUNT": "",
    }
    seen = settings_under(environment, "SECURE_PROXY_SSL_HEADER", "TRUSTED_PROXY_COUNT")
    assert seen == "None 0"
