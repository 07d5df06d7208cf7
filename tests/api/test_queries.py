"""Each endpoint makes a fixed number of queries, whatever the page size; a 304 makes fewer."""

import pytest

from tests.api.test_articles_api import publish_correction

pytestmark = pytest.mark.django_db

ARTICLE = "/api/articles/a-year-of-american-exits/"
EVENT = "/api/events/world-health-organization-withdrawal-effective-2025-01-22/"


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        # Filter choices (2), content state (1), count (1), rows (1), domains (1).
        ("/api/organizations/", 6),
        # Filter choices (1), content state (1), count (1), rows (1), sources (1).
        ("/api/events/", 5),
        # Content state (1), count (1), rows with their counts (1).
        ("/api/instruments/", 3),
        # Content state (1), count (1), rows (1), authors (1), published versions (1).
        # The bylines come with the published claims, not in a query of their own.
        ("/api/articles/", 4),
    ],
)
@pytest.mark.parametrize("page_size", [1, 100])
def test_list_query_count_does_not_grow_with_the_page(
    client, published, django_assert_num_queries, url, queries, page_size
):
    with django_assert_num_queries(queries):
        response = client.get(url, {"page_size": page_size})
    assert response.status_code == 200
    assert len(response.json()["results"]) == min(page_size, response.json()["count"])


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        # Content state (1), organization and parent (1), names, domains, events, sources (4).
        ("/api/organizations/world-health-organization/", 6),
        # Content state (1), event with organization and instrument (1), sources (1).
        (EVENT, 3),
        # Content state (1), instrument with counts (1), organizations named (1).
        ("/api/instruments/memorandum-2026-01-07/", 3),
        # Content state (1), article (1), authors, topics (2), versions (1), claims,
        # anchors, evidence with targets (3).
        (ARTICLE, 7),
    ],
)
def test_detail_query_count_is_fixed(client, published, django_assert_num_queries, url, queries):
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/api/organizations/", 3),
        ("/api/organizations/world-health-organization/", 1),
        ("/api/instruments/", 1),
        ("/api/articles/", 1),
        (ARTICLE, 1),
        ("/api/corrections/", 1),
        ("/api/openapi.json", 0),
    ],
)
def test_not_modified_answers_before_loading_the_records(
    client, published, django_assert_num_queries, url, queries
):
    etag = client.get(url)["ETag"]
    with django_assert_num_queries(queries):
        assert client.get(url, headers={"if-none-match": etag}).status_code == 304


@pytest.mark.parametrize("page_size", [1, 100])
def test_corrections_query_count_does_not_grow_with_the_page(
    client, published, django_assert_num_queries, page_size
):
    publish_correction("en", "A corrected date.")
    publish_correction("zh-hans", "更正日期。")
    # Content state (1), count (1), rows with their versions and articles (1).
    with django_assert_num_queries(3):
        response = client.get("/api/corrections/", {"page_size": page_size})
    assert len(response.json()["results"]) == min(page_size, 2)
