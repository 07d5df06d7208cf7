"""The registry through the API: filters shared with the registry page, status by date, pages."""

import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model

from organizations.models import MembershipEvent
from organizations.services import membership_event_verify

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 11, 26, 12, tzinfo=datetime.UTC)
WHO = "world-health-organization"
MEMORANDUM = "memorandum-2026-01-07"


@pytest.mark.parametrize(("un_related", "expected"), [("true", 31), ("false", 35)])
def test_organizations_filter_by_instrument_and_un_relatedness(
    client, published, un_related, expected
):
    response = client.get(
        "/api/organizations/", {"instrument": MEMORANDUM, "un_related": un_related}
    )
    assert response.status_code == 200
    assert response.json()["count"] == expected
    assert all(item["un_related"] is (un_related == "true") for item in response.json()["results"])


def test_organization_list_matches_names_in_any_language(client, published):
    results = client.get("/api/organizations/", {"q": "世界卫生组织"}).json()["results"]
    assert [item["slug"] for item in results] == [WHO]


@time_machine.travel(TODAY, tick=False)
def test_organization_list_items_carry_status_today_and_links(client, published):
    item = client.get("/api/organizations/", {"q": "WHO"}).json()["results"][0]
    assert item["slug"] == WHO
    assert item["acronym"] == "WHO"
    assert item["kind"] == "specialized_agency"
    assert item["un_related"] is True
    assert item["domains"] == ["health"]
    assert item["wikidata_id"] == "Q7817"
    assert item["status"] == "withdrawn"
    assert item["url"] == f"http://testserver/en/registry/{WHO}/"
    assert item["api_url"] == f"http://testserver/api/organizations/{WHO}/"


@time_machine.travel(TODAY, tick=False)
def test_organization_list_filters_by_status_today(client, published):
    response = client.get("/api/organizations/", {"status": "withdrawn", "page_size": 100})
    slugs = {item["slug"] for item in response.json()["results"]}
    assert WHO in slugs
    assert {item["status"] for item in response.json()["results"]} == {"withdrawn"}


def test_organization_list_gives_the_parent_slug(client, published):
    results = client.get("/api/organizations/", {"q": "Venice Commission"}).json()["results"]
    assert results[0]["parent"] == "council-of-europe"


@pytest.mark.parametrize(
    ("on", "expected"), [("2025-06-01", "withdrawal_pending"), ("2026-02-01", "withdrawn")]
)
def test_organization_status_on_a_date(client, published, on, expected):
    body = client.get(f"/api/organizations/{WHO}/", {"on": on}).json()
    assert body["status_on"] == on
    assert body["status"] == expected


@time_machine.travel(TODAY, tick=False)
def test_organization_status_defaults_to_today(client, published):
    body = client.get(f"/api/organizations/{WHO}/").json()
    assert body["status_on"] == "2026-11-26"
    assert body["status"] == "withdrawn"


def test_organization_detail_has_status_periods_names_and_events(client, published):
    body = client.get(f"/api/organizations/{WHO}/").json()
    assert body["status_periods"][-1] == {"start": "2026-01-22", "end": None, "status": "withdrawn"}
    assert body["status_periods"][0]["start"] is None
    chinese = [name for name in body["names"] if name["language"] == "zh-hans"]
    assert {"name": "世界卫生组织", "acronym": "世卫组织", "preferred": True} in [
        {key: name[key] for key in ("name", "acronym", "preferred")} for name in chinese
    ]
    assert {"name": "世卫组织", "acronym": "", "preferred": False} in [
        {key: name[key] for key in ("name", "acronym", "preferred")} for name in chinese
    ]
    effective = next(
        event
        for event in body["events"]
        if event["key"] == "world-health-organization-withdrawal-effective-2025-01-22"
    )
    assert effective["kind"] == "withdrawal_effective"
    assert effective["announced_on"] == "2025-01-22"
    assert effective["effective_on"] == "2026-01-22"
    assert effective["date_precision"] == "day"
    assert effective["country"] == "US"
    assert effective["organization"] == WHO
    assert effective["instrument"] == "who-withdrawal-letter-2025-01-22"
    assert effective["sources"]
    assert {"url", "title", "kind", "publisher", "published_on", "archive_url", "note"} <= set(
        effective["sources"][0]
    )
    assert effective["has_primary_source"] is False
    assert effective["verified"] is True
    assert effective["verification"]["source"] in {source["url"] for source in effective["sources"]}


def test_unknown_organization_is_a_json_404(client, published):
    response = client.get("/api/organizations/no-such-organization/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert "no-such-organization" in response.json()["detail"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"instrument": "no-such-instrument"}, "instrument"),
        ({"domain": "no-such-domain"}, "domain"),
        ({"kind": "club"}, "kind"),
        ({"status": "member-ish"}, "status"),
        ({"un_related": "perhaps"}, "un_related"),
        ({"announced_after": "2025-02-30"}, "announced_after"),
        ({"announced_before": "yesterday"}, "announced_before"),
        ({"page_size": "101"}, "page_size"),
        ({"page": "0"}, "page"),
        ({"page": "first"}, "page"),
    ],
)
def test_invalid_organization_filters_are_a_400_naming_the_parameter(
    client, published, params, field
):
    response = client.get("/api/organizations/", params)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_invalid_status_date_is_a_400(client, published):
    response = client.get(f"/api/organizations/{WHO}/", {"on": "2025-6-1"})
    assert response.status_code == 400
    assert "on" in response.json()["errors"]


def test_pages_link_to_their_neighbours(client, published):
    first = client.get("/api/organizations/", {"page_size": 30}).json()
    assert first["previous"] is None
    assert len(first["results"]) == 30
    second = client.get(first["next"]).json()
    assert second["previous"].endswith("page_size=30&page=1")
    assert {item["slug"] for item in first["results"]}.isdisjoint(
        item["slug"] for item in second["results"]
    )


def test_page_past_the_last_is_a_404(client, published):
    count = client.get("/api/organizations/").json()["count"]
    response = client.get("/api/organizations/", {"page": count + 1, "page_size": 1})
    assert response.status_code == 404
    assert client.get("/api/organizations/", {"page": count, "page_size": 1}).status_code == 200


def test_events_filter_by_organization_kind_and_country(client, published):
    response = client.get(
        "/api/events/", {"organization": WHO, "kind": "withdrawal_effective", "country": "us"}
    )
    keys = [event["key"] for event in response.json()["results"]]
    assert keys == ["world-health-organization-withdrawal-effective-2025-01-22"]
    assert {event["kind"] for event in response.json()["results"]} == {"withdrawal_effective"}


def test_events_filter_by_instrument_and_announcement_dates(client, published):
    body = client.get(
        "/api/events/",
        {
            "instrument": MEMORANDUM,
            "announced_after": "2026-01-07",
            "announced_before": "2026-01-07",
        },
    ).json()
    assert body["count"] == 66
    assert {event["instrument"] for event in body["results"]} == {MEMORANDUM}


def test_event_detail_is_found_by_its_key(client, published):
    listed = client.get("/api/events/", {"organization": WHO}).json()["results"][0]
    response = client.get(listed["api_url"])
    assert response.status_code == 200
    assert response.json() == listed


def test_instrument_counts_organizations_by_un_relatedness(client, published):
    body = client.get(f"/api/instruments/{MEMORANDUM}/").json()
    assert body["organizations"] == {"total": 66, "un_related": 31, "non_un": 35}
    assert len(body["named_organizations"]) == 66
    assert body["url"] == f"http://testserver/en/registry/instruments/{MEMORANDUM}/"


def test_instrument_list_gives_the_same_counts(client, published):
    results = client.get("/api/instruments/", {"page_size": 100}).json()["results"]
    memorandum = next(item for item in results if item["slug"] == MEMORANDUM)
    assert memorandum["organizations"] == {"total": 66, "un_related": 31, "non_un": 35}
    assert memorandum["kind"] == "presidential_memorandum"


def test_event_shows_verified_once_a_moderator_verifies_it(client, published):
    key = "24-7-carbon-free-energy-compact-withdrawal-announced-2026-01-07"
    url = f"/api/events/{key}/"
    before = client.get(url)
    assert before.json()["verified"] is False
    assert before.json()["verification"] is None
    event = MembershipEvent.objects.get(key=key)
    source = event.sources.get(publisher="Federal Register")
    membership_event_verify(
        event=event, source=source, by=get_user_model().objects.get(username="moderator")
    )
    after = client.get(url, headers={"if-none-match": before["ETag"]})
    assert after.status_code == 200
    assert after.json()["verified"] is True
    assert after.json()["verification"]["source"] == source.url


NOW = datetime.datetime(2026, 12, 4, 12, tzinfo=datetime.UTC)


@time_machine.travel(NOW, tick=False)
def test_organizations_carry_their_relation_and_filter_by_it(client, published):
    response = client.get("/api/organizations/", {"relation": "participant", "page_size": 50})
    results = response.json()["results"]
    assert response.json()["count"] == 11
    assert {item["relation"] for item in results} == {"participant"}
    assert {item["status"] for item in results} == {"participation_ended"}
    refused = client.get("/api/organizations/", {"relation": "ally"})
    assert refused.status_code == 400


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("slug", "on", "relation", "status"),
    [
        ("united-nations-human-rights-council", "2025-06-01", "observer", "observer_ended"),
        ("department-of-economic-and-social-affairs", "2025-06-01", "participant", "participant"),
        ("department-of-economic-and-social-affairs", None, "participant", "participation_ended"),
        ("international-law-commission", None, "participant", "participation_ended"),
        ("paris-agreement", "2025-06-01", "treaty_party", "withdrawal_pending"),
    ],
)
def test_organization_detail_gives_the_relation_and_its_status(
    client, published, slug, on, relation, status
):
    body = client.get(f"/api/organizations/{slug}/", {"on": on} if on else {}).json()
    assert (body["relation"], body["status"]) == (relation, status)


def test_events_carry_source_kinds_archive_links_and_their_verification(client, published):
    key = "united-nations-human-rights-council-participation-ended-2025-02-04"
    event = client.get(f"/api/events/{key}/").json()

    assert event["kind"] == "participation_ended"
    assert event["has_primary_source"] is True
    kinds = [source["kind"] for source in event["sources"]]
    assert kinds[0] == "primary" and kinds == sorted(kinds)
    assert all(
        source["archive_url"].startswith("https://web.archive.org/web/")
        for source in event["sources"]
    )
    assert event["verified"] is True
    assert event["verification"]["source"] == event["sources"][0]["url"]
    assert event["verification"]["verified_at"].startswith("2026-01-31")


def test_the_openapi_document_describes_relation_source_kind_and_verification(client, db):
    schemas = client.get("/api/openapi.json").json()["components"]["schemas"]

    assert schemas["OrganizationOut"]["properties"]["relation"]["enum"] == [
        "member_state",
        "treaty_party",
        "observer",
        "participant",
        "funder",
    ]
    assert "participation_ended" in schemas["OrganizationOut"]["properties"]["status"]["enum"]
    assert schemas["SourceOut"]["properties"]["kind"]["enum"] == [
        "primary",
        "secondary",
        "tertiary",
    ]
    assert {"archive_url", "note"} <= set(schemas["SourceOut"]["properties"])
    assert {"verified", "verification", "has_primary_source"} <= set(
        schemas["EventOut"]["properties"]
    )
    assert "funding_ceased" in schemas["EventOut"]["properties"]["kind"]["enum"]
