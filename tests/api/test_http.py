"""What every API answer shares: validators and 304s, CORS, the rate limit, read-only methods."""

import datetime

import pytest
import time_machine
from django.db.models import F
from django.utils import timezone
from django.utils.http import http_date

from api.http import AddressRateThrottle
from freshness.models import ContentChange
from organizations.models import MembershipEvent, Organization

pytestmark = pytest.mark.django_db

WHO = "world-health-organization"
ARTICLE = "a-year-of-american-exits"
ORIGIN = "https://example.org"
# The demo article cites it as context for a claim.
CITED = "united-nations-human-rights-council"

ENDPOINTS = [
    "/api/",
    "/api/openapi.json",
    "/api/organizations/",
    f"/api/organizations/{WHO}/",
    "/api/events/",
    "/api/events/world-health-organization-withdrawal-effective-2025-01-22/",
    "/api/instruments/",
    "/api/instruments/memorandum-2026-01-07/",
    "/api/articles/",
    "/api/articles/a-year-of-american-exits/",
    "/api/corrections/",
]


@pytest.mark.parametrize("url", ENDPOINTS)
def test_every_endpoint_answers_304_to_its_own_etag(client, published, url):
    first = client.get(url)
    assert first.status_code == 200
    assert first["ETag"]
    assert first["Last-Modified"]
    again = client.get(url, headers={"if-none-match": first["ETag"], "origin": ORIGIN})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    assert again["Access-Control-Allow-Origin"] == "*"


@pytest.fixture
def content_written_an_hour_ago(published):
    """Date the content's changes an hour back, so that a change now is a later second.

    The database's clock stamps them, out of time_machine's reach.
    """
    ContentChange.objects.update(at=F("at") - datetime.timedelta(hours=1))


def test_if_modified_since_answers_304_until_content_changes(client, content_written_an_hour_ago):
    url = "/api/events/world-health-organization-withdrawal-effective-2025-01-22/"
    first = client.get(url)
    since = first["Last-Modified"]
    assert client.get(url, headers={"if-modified-since": since}).status_code == 304
    MembershipEvent.objects.get(
        key="world-health-organization-withdrawal-effective-2025-01-22"
    ).save()
    changed = client.get(url, headers={"if-modified-since": since})
    assert changed.status_code == 200
    assert changed["Last-Modified"] != since


def test_etag_changes_when_an_event_changes_an_organizations_status(client, published):
    url = "/api/organizations/?status=withdrawn"
    etag = client.get(url)["ETag"]
    event = MembershipEvent.objects.filter(organization__slug=WHO).first()
    event.summary = "Edited."
    event.save()
    response = client.get(url, headers={"if-none-match": etag})
    assert response.status_code == 200
    assert response["ETag"] != etag


def test_renaming_an_organization_cited_as_evidence_changes_the_article(client, published):
    """The article shows the names of the records its claims cite, so it changes with them."""
    url = f"/api/articles/{ARTICLE}/"
    first = client.get(url)
    organization = Organization.objects.get(slug=CITED)
    organization.name = "Human Rights Council of the United Nations"
    organization.save()

    again = client.get(url, headers={"if-none-match": first["ETag"]})

    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]
    targets = [
        evidence["target"] for claim in again.json()["claims"] for evidence in claim["evidence"]
    ]
    assert [target["name"] for target in targets if target["key"] == CITED] == [
        "Human Rights Council of the United Nations"
    ]


def test_renaming_an_organization_in_bulk_changes_the_registry_list(client, published):
    """A rename that leaves `updated_at` alone (a bulk update, a data fix) still shows."""
    url = "/api/organizations/?q=UNHRC"
    first = client.get(url)
    Organization.objects.filter(slug=CITED).update(name="Human Rights Council of the UN")

    again = client.get(url, headers={"if-none-match": first["ETag"]})

    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]
    assert [item["name"] for item in again.json()["results"]] == ["Human Rights Council of the UN"]


def test_if_match_with_another_etag_fails_with_412(client, published):
    response = client.get("/api/instruments/", headers={"if-match": '"not-the-current-one"'})
    assert response.status_code == 412


def test_etag_changes_when_the_filters_change(client, published):
    first = client.get("/api/organizations/", {"un_related": "true"})["ETag"]
    second = client.get("/api/organizations/", {"un_related": "false"})["ETag"]
    assert first != second


def test_status_today_is_fresh_again_after_midnight(client, published):
    url = f"/api/organizations/{WHO}/"
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    with time_machine.travel(tomorrow, tick=False):
        first = client.get(url)
    with time_machine.travel(tomorrow + datetime.timedelta(days=1), tick=False):
        by_etag = client.get(url, headers={"if-none-match": first["ETag"]})
        by_date = client.get(url, headers={"if-modified-since": first["Last-Modified"]})
    assert by_etag.status_code == 200
    assert by_date.status_code == 200


def test_last_modified_is_when_any_content_last_changed(client, content_written_an_hour_ago):
    Organization.objects.get(slug=WHO).save()
    response = client.get("/api/instruments/")
    changed_at = ContentChange.objects.latest("at").at
    assert response["Last-Modified"] == http_date(changed_at.timestamp())


@pytest.mark.parametrize("url", ["/api/organizations/", "/api/organizations/nowhere/"])
def test_answers_are_readable_from_any_origin(client, published, url):
    response = client.get(url, headers={"origin": ORIGIN})
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Expose-Headers"] == "ETag, Last-Modified, Retry-After"
    assert "Access-Control-Allow-Credentials" not in response


def test_preflight_is_answered(client, published):
    response = client.options(
        "/api/organizations/",
        headers={
            "origin": ORIGIN,
            "access-control-request-method": "GET",
            "access-control-request-headers": "if-none-match",
        },
    )
    assert response.status_code == 200
    assert response.content == b""
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert response["Access-Control-Allow-Headers"] == (
        "Accept, Accept-Language, If-Modified-Since, If-None-Match"
    )
    assert response["Access-Control-Max-Age"] == "86400"


@pytest.mark.parametrize("url", ["/en/", "/en/registry/", "/admin/login/"])
def test_pages_and_the_admin_are_not_shared_across_origins(client, published, url):
    response = client.get(url, headers={"origin": ORIGIN})
    preflight = client.options(
        url, headers={"origin": ORIGIN, "access-control-request-method": "GET"}
    )
    for answer in (response, preflight):
        assert not [name for name in answer.headers if name.lower().startswith("access-control")]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("url", ["/api/organizations/", f"/api/organizations/{WHO}/"])
def test_writes_are_not_allowed(client, published, method, url):
    response = getattr(client, method)(url, data={}, content_type="application/json")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert Organization.objects.filter(slug=WHO).exists()


def test_openapi_document_refuses_writes(client, db):
    response = client.post("/api/openapi.json")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"


@pytest.mark.parametrize("url", ENDPOINTS)
def test_head_gives_the_headers_without_the_body(client, published, url):
    get = client.get(url)
    head = client.head(url)
    assert head.status_code == 200
    assert head.content == b""
    assert head["ETag"] == get["ETag"]
    assert head["Content-Length"] == str(len(get.content))


def test_head_answers_304_to_a_current_etag(client, published):
    etag = client.get("/api/instruments/")["ETag"]
    assert client.head("/api/instruments/", headers={"if-none-match": etag}).status_code == 304


@pytest.mark.parametrize("url", ["/api/", "/api/openapi.json", f"/api/organizations/{WHO}/"])
def test_options_lists_the_methods(client, published, url):
    response = client.options(url)
    assert response.status_code == 200
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert response.content == b""


def test_requests_past_the_limit_get_429_with_retry_after(client, published, settings):
    settings.API_RATE_LIMIT = 3
    for _ in range(3):
        assert client.get("/api/instruments/").status_code == 200
    refused = client.get("/api/instruments/", headers={"origin": ORIGIN})
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused["Access-Control-Allow-Origin"] == "*"
    assert "3" in refused.json()["detail"]
    other_address = client.get("/api/instruments/", REMOTE_ADDR="192.0.2.7")
    assert other_address.status_code == 200


def test_an_address_is_let_in_again_a_minute_after_its_first_request(client, db, settings):
    settings.API_RATE_LIMIT = 1
    start = datetime.datetime(2027, 1, 15, 12, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        assert client.get("/api/").status_code == 200
    with time_machine.travel(start + datetime.timedelta(seconds=15), tick=False):
        refused = client.get("/api/")
    with time_machine.travel(start + datetime.timedelta(seconds=60), tick=False):
        again = client.get("/api/")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "45"
    assert again.status_code == 200


def test_rate_limit_behind_a_proxy_counts_the_address_it_saw(client, db, settings):
    settings.API_RATE_LIMIT = 1
    settings.TRUSTED_PROXY_COUNT = 1

    def status(forwarded_for):
        return client.get("/api/", HTTP_X_FORWARDED_FOR=forwarded_for).status_code

    assert status("203.0.113.9, 198.51.100.1") == 200
    # Whatever the caller wrote, the proxy saw the same address.
    assert status("203.0.113.10, 198.51.100.1") == 429
    assert status("198.51.100.2") == 200


def test_rate_limit_of_zero_turns_it_off(rf, settings):
    settings.API_RATE_LIMIT = 0
    throttle = AddressRateThrottle()
    request = rf.get("/api/")
    assert all(throttle.allow_request(request) for _ in range(500))


def test_rate_limit_comes_from_the_environment(rf, settings, monkeypatch):
    del settings.API_RATE_LIMIT
    monkeypatch.setenv("API_RATE_LIMIT", "2")
    throttle = AddressRateThrottle()
    request = rf.get("/api/")
    assert [throttle.allow_request(request) for _ in range(3)] == [True, True, False]


def test_openapi_document_describes_every_operation(client, db):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["info"]["title"] == "Concordance open data API"
    assert document["info"]["version"]
    assert set(document["paths"]) == {
        "/api/",
        "/api/organizations/",
        "/api/organizations/{slug}/",
        "/api/events/",
        "/api/events/{key}/",
        "/api/instruments/",
        "/api/instruments/{slug}/",
        "/api/articles/",
        "/api/articles/{slug}/",
        "/api/corrections/",
    }
    assert all(set(path) == {"get"} for path in document["paths"].values())
    operation = document["paths"]["/api/organizations/"]["get"]
    assert operation["operationId"] == "list_organizations"
    assert {"200", "304", "400", "404", "429"} <= set(operation["responses"])


def test_there_is_no_docs_page_loading_scripts_from_elsewhere(client, db):
    assert client.get("/api/docs").status_code == 404
    assert client.get("/api/docs/").status_code == 404
