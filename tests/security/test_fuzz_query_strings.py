"""No query string makes a public list, filter, search or feed, or an admin changelist, fail.

Hypothesis writes the query strings: each view's own parameters and random
ones, repeated keys, any Unicode, bytes that are not UTF-8, huge and negative
numbers, dates that are not dates. Whatever it writes, the answer is a page,
a redirect or a client error, never a server error, and never a traceback.
Set CONCORDANCE_FUZZ_EXAMPLES to search harder (the suite's default keeps it fast).
"""

from __future__ import annotations

import os
from urllib.parse import quote, quote_from_bytes

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import Article, Claim, Translation
from organizations.models import Instrument, MembershipEvent, Organization, Source

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=int(os.environ.get("CONCORDANCE_FUZZ_EXAMPLES", "40")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

REGISTRY_FILTERS = [
    "q",
    "kind",
    "un_related",
    "domain",
    "status",
    "instrument",
    "announced_after",
    "announced_before",
    "sort",
    "page",
    "format",
]
EVENT_FILTERS = [
    "q",
    "kind",
    "instrument",
    "organization",
    "country",
    "un_related",
    "announced_after",
    "announced_before",
    "page",
]
API_PAGES = ["page", "page_size"]

# Path (under a language prefix where it has one) and the parameters the view reads.
PUBLIC_TARGETS = {
    "home": ("/{language}/", ["page"]),
    "registry": ("/{language}/registry/", REGISTRY_FILTERS),
    "events": ("/{language}/registry/events/", EVENT_FILTERS),
    "search": ("/{language}/search/", ["q", "language", "page"]),
    "organization": ("/{language}/registry/world-health-organization/", ["on"]),
    "instrument": ("/{language}/registry/instruments/eo-14155/", []),
    "article": ("/{language}/articles/a-year-of-american-exits/", ["preview"]),
    "feed_rss": ("/{language}/feeds/articles.rss", []),
    "feed_atom": ("/{language}/feeds/articles.atom", []),
    "organization_feed": ("/{language}/registry/world-health-organization/feed.atom", []),
    "sitemap": ("/sitemap.xml", ["p"]),
    "sitemap_section": ("/sitemap-organizations.xml", ["p"]),
    "api_organizations": ("/api/organizations/", [*API_PAGES, *REGISTRY_FILTERS]),
    "api_events": ("/api/events/", [*API_PAGES, *EVENT_FILTERS]),
    "api_instruments": ("/api/instruments/", API_PAGES),
    "api_articles": ("/api/articles/", API_PAGES),
    "api_organization": ("/api/organizations/world-health-organization/", ["on"]),
}

ADMIN_TARGETS = {
    "organizations": Organization,
    "events": MembershipEvent,
    "instruments": Instrument,
    "sources": Source,
    "articles": Article,
    "translations": Translation,
    "claims": Claim,
}
ADMIN_PARAMETERS = ["q", "o", "p", "all", "e", "_facets", "_popup", "_to_field"]

# Values a view might half-understand: real slugs and choices, signs, dates, sorts.
NEAR_MISSES = [
    "",
    "0",
    "-1",
    "1",
    "2",
    "true",
    "false",
    "None",
    "null",
    "[]",
    "-",
    "--name",
    "-name",
    "name",
    "status",
    "specialized_agency",
    "withdrawn",
    "member",
    "health",
    "world-health-organization",
    "eo-14155",
    "US",
    "us",
    "zh-hans",
    "en",
    "2025-01-22",
    "2025-02-30",
    "0000-00-00",
    "9999-12-31",
    "-2025-01-01",
    "2025-1-1",
    "csv",
    "json",
    "xml",
    "1e309",
    "NaN",
    "Infinity",
    "0x10",
    "1.5",
    "%00",
    "\x00",
    "' OR 1=1 --",
    "../../etc/passwd",
    "\u202e",
    "😀",
    "世界卫生组织",
    "a" * 300,
    "1" * 5000,
]

values = st.one_of(
    st.sampled_from(NEAR_MISSES),
    st.text(max_size=60),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.binary(max_size=24),
    st.from_regex(r"-?\d{1,6}-\d{1,3}-\d{1,3}", fullmatch=True),
)


def _encode(value: str | bytes) -> str:
    if isinstance(value, bytes):
        return quote_from_bytes(value, safe="")
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


def query_strings(known: list[str]) -> st.SearchStrategy[str]:
    """Query strings mixing the view's parameters with random ones, keys repeated at will."""
    keys = st.one_of(
        st.sampled_from(known) if known else st.nothing(),
        st.text(min_size=1, max_size=12),
        st.binary(min_size=1, max_size=6),
    )
    pairs = st.lists(st.tuples(keys, values), max_size=8)
    return pairs.map(
        lambda items: "&".join(f"{_encode(key)}={_encode(value)}" for key, value in items)
    )


def assert_handled(response, url: str) -> None:
    assert response.status_code < 500, url
    body = b"".join(response) if response.streaming else response.content
    assert b"Traceback" not in body, url


@pytest.mark.parametrize("target", PUBLIC_TARGETS, ids=list(PUBLIC_TARGETS))
def test_public_pages_answer_any_query_string_without_a_server_error(client, demo_site, target):
    path, known = PUBLIC_TARGETS[target]

    @FUZZ
    @given(language=st.sampled_from(["en", "zh-hans", "ar"]), query=query_strings(known))
    def check(language: str, query: str) -> None:
        url = f"{path.format(language=language)}?{query}"
        assert_handled(client.get(url), url)

    check()


def admin_parameters(model, user) -> list[str]:
    """The changelist's own parameters and those of every filter in its sidebar."""
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/")
    request.user = user
    changelist = model_admin.get_changelist_instance(request)
    parameters = list(ADMIN_PARAMETERS)
    for spec in changelist.filter_specs:
        parameters += spec.expected_parameters()
    return parameters


@pytest.mark.parametrize("target", ADMIN_TARGETS, ids=list(ADMIN_TARGETS))
def test_admin_changelists_answer_any_query_string_without_a_server_error(
    client, demo_site, superuser, target
):
    model = ADMIN_TARGETS[target]
    path = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    known = admin_parameters(model, superuser)
    if admin.site._registry[model].list_filter:
        assert len(known) > len(ADMIN_PARAMETERS)
    client.force_login(superuser)

    @FUZZ
    @given(query=query_strings(known))
    def check(query: str) -> None:
        url = f"{path}?{query}"
        assert_handled(client.get(url), url)

    check()
