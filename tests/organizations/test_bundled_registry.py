"""The bundled registry, loaded as `make run` loads it, answers the newsroom's questions."""

import csv
import datetime
import io
import re

import pytest
import time_machine
from django.core.management import call_command

from organizations.models import MembershipEvent, Source, names_a_document

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 11, 26, 12, tzinfo=datetime.UTC)


@pytest.fixture
def registry(db):
    call_command("load_registry", verbosity=0)


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize(("un_related", "expected"), [("true", 31), ("false", 35)])
def test_memorandum_download_splits_un_and_non_un(client, registry, un_related, expected):
    response = client.get(
        "/en/registry/",
        {"instrument": "memorandum-2026-01-07", "un_related": un_related, "format": "csv"},
    )
    assert response.status_code == 200
    assert len(csv_rows(response)) == expected


def test_memorandum_page_counts_66_as_31_plus_35(client, registry):
    page = client.get("/en/registry/instruments/memorandum-2026-01-07/").content.decode()
    assert 'data-organization-count="66"' in page
    assert 'data-un-count="31"' in page
    assert 'data-non-un-count="35"' in page


def us_status(client, slug, **params):
    page = client.get(f"/en/registry/{slug}/", params).content.decode()
    return re.search(r'data-us-status="([a-z_]+)"', page).group(1)


@time_machine.travel(TODAY, tick=False)
def test_who_was_pending_in_june_2025_and_is_withdrawn_today(client, registry):
    assert us_status(client, "world-health-organization", on="2025-06-01") == "withdrawal_pending"
    assert us_status(client, "world-health-organization") == "withdrawn"


@time_machine.travel(TODAY, tick=False)
def test_unesco_withdrawal_is_pending_until_the_end_of_2026(client, registry):
    slug = "united-nations-educational-scientific-and-cultural-organization"
    assert us_status(client, slug) == "withdrawal_pending"
    assert us_status(client, slug, on="2027-01-01") == "withdrawn"
    assert us_status(client, slug, on="2010-01-01") == "rejoined"
    assert us_status(client, slug, on="1980-01-01") == "member"


def test_the_united_states_remains_in_the_world_bank_and_the_imf(client, registry):
    assert us_status(client, "world-bank") == "member"
    assert us_status(client, "international-monetary-fund") == "member"


def test_a_chinese_name_finds_the_organization(client, registry):
    response = client.get("/zh-hans/registry/", {"q": "世界卫生组织", "format": "json"})
    assert [row["slug"] for row in response.json()["results"]] == ["world-health-organization"]


# Statuses that say what the relation is, on 1 June 2025 and today ------------------

NOW = datetime.datetime(2026, 12, 4, 12, tzinfo=datetime.UTC)
STATUSES = [
    # slug, status on 2025-06-01, status today
    ("world-health-organization", "withdrawal_pending", "withdrawn"),
    ("paris-agreement", "withdrawal_pending", "withdrawn"),
    (
        "united-nations-educational-scientific-and-cultural-organization",
        "rejoined",
        "withdrawal_pending",
    ),
    ("united-nations-human-rights-council", "observer_ended", "observer_ended"),
    ("department-of-economic-and-social-affairs", "participant", "participation_ended"),
    ("international-law-commission", "participant", "participation_ended"),
]


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(("slug", "in_june_2025", "today"), STATUSES)
def test_pages_show_what_the_relation_is_in_june_2025_and_today(
    client, registry, slug, in_june_2025, today
):
    assert us_status(client, slug, on="2025-06-01") == in_june_2025
    assert us_status(client, slug) == today


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("slug", "label"),
    [
        ("united-nations-human-rights-council", "Observer — participation ended"),
        ("department-of-economic-and-social-affairs", "Participation ended"),
        ("international-law-commission", "Participation ended"),
    ],
)
def test_pages_word_an_ended_participation_without_implying_a_membership(
    client, registry, slug, label
):
    page = client.get(f"/en/registry/{slug}/").content.decode()
    assert re.search(rf'data-us-status="\w+" data-status-on="[-\d]+">{label}</strong>', page)
    assert "Withdrawal pending" not in page
    assert "Withdrawal announced" not in page


@pytest.mark.parametrize(("slug", "_june", "_today"), STATUSES)
def test_pages_label_every_source_by_kind(client, registry, slug, _june, _today):
    page = client.get(f"/en/registry/{slug}/").content.decode()
    labels = re.findall(r'<span class="source-kind source-kind-(\w+)">([^<]+)</span>', page)
    assert labels
    assert set(labels) <= {
        ("primary", "Official text"),
        ("secondary", "News report"),
        ("tertiary", "Reference"),
    }
    assert ("primary", "Official text") in labels
    assert 'href="https://web.archive.org/web/' in page


def test_the_memorandum_split_stays_31_plus_35_whatever_each_event_ends(client, registry):
    rows = csv_rows(
        client.get("/en/registry/", {"instrument": "memorandum-2026-01-07", "format": "csv"})
    )
    assert len(rows) == 66
    ended = [row for row in rows if row["status"] == "participation_ended"]
    assert len(ended) == 11
    assert {row["relation"] for row in ended} == {"participant"}
    assert {row["un_related"] for row in ended} == {"true"}


@time_machine.travel(NOW, tick=False)
def test_the_registry_filters_by_relation(client, registry):
    response = client.get("/en/registry/", {"relation": "participant", "format": "json"})
    results = response.json()["results"]
    assert len(results) == 11
    assert {row["status"] for row in results} == {"participation_ended"}
    observers = client.get("/en/registry/", {"relation": "observer", "format": "json"}).json()
    assert {row["slug"] for row in observers["results"]} == {
        "council-of-europe",
        "united-nations-human-rights-council",
    }


# The corrections the curated sources called for --------------------------------------


def test_the_memorandum_cites_its_federal_register_publication(client, registry):
    page = client.get("/en/registry/instruments/memorandum-2026-01-07/").content.decode()
    assert "FR Doc 2026-00976" in page
    assert "federalregister.gov/documents/2026/01/16/2026-00976/" in page
    assert "not found" not in page


def test_council_of_europe_observer_status_dates_from_7_december_1995(client, registry):
    event = MembershipEvent.objects.get(organization__slug="council-of-europe")
    assert event.key == "council-of-europe-observer-status-1995-12-07"
    assert event.effective_on == datetime.date(1995, 12, 7)
    assert event.date_precision == "day"
    page = client.get("/en/registry/council-of-europe/").content.decode()
    assert '<time datetime="1995-12-07">' in page


def test_the_2020_who_notice_named_6_july_2021(registry):
    event = MembershipEvent.objects.get(
        key="world-health-organization-withdrawal-announced-2020-07-06"
    )
    assert event.effective_on == datetime.date(2021, 7, 6)


def test_the_1984_unesco_withdrawal_was_announced_on_30_december_1983(client, registry):
    slug = "united-nations-educational-scientific-and-cultural-organization"
    announced = MembershipEvent.objects.get(key=f"{slug}-withdrawal-announced-1983-12-30")
    assert announced.effective_on == datetime.date(1984, 12, 31)
    assert us_status(client, slug, on="1984-06-01") == "withdrawal_pending"
    assert us_status(client, slug, on="1985-01-01") == "withdrawn"


def test_the_united_states_has_been_a_venice_commission_member_since_2013(client, registry):
    slug = "venice-commission-of-the-council-of-europe"
    joined = MembershipEvent.objects.get(key=f"{slug}-joined-2013-04-01")
    assert joined.date_precision == "month"
    assert joined.sources.get().publisher == "Yevropeiska Pravda"
    assert us_status(client, slug, on="2012-01-01") == "never_member"
    assert us_status(client, slug, on="2020-01-01") == "member"


# Sources a fact-checker would accept --------------------------------------------------


def test_every_event_cites_a_document_primary_first(registry):
    events = MembershipEvent.objects.prefetch_related("sources")
    assert events.count() == 94
    for event in events:
        sources = list(event.sources.all())
        assert sources, event.key
        assert all(names_a_document(source.url) for source in sources), event.key
        if any(source.kind == Source.Kind.PRIMARY for source in sources):
            assert sources[0].kind == Source.Kind.PRIMARY, event.key
    assert MembershipEvent.objects.with_primary_source().count() >= 87


def test_verified_events_name_one_of_their_own_sources(registry):
    verified = MembershipEvent.objects.exclude(verified_at=None).prefetch_related("sources")
    assert verified.count() > 40
    assert all(event.is_verified for event in verified)
    assert MembershipEvent.objects.verified().count() == verified.count()


def test_sources_seen_only_in_a_listing_say_so(registry):
    memorandum = Source.objects.get(
        url__startswith="https://www.federalregister.gov/documents/2026/01/16/2026-00976/"
    )
    assert memorandum.kind == Source.Kind.PRIMARY
    assert "not opened" in memorandum.note
    assert memorandum.accessed_on is None
    assert memorandum.archive_url.startswith("https://web.archive.org/web/20260116/")
    opened = Source.objects.exclude(accessed_on=None)
    assert all("not opened" not in source.note for source in opened)


def test_check_sources_passes_on_the_bundled_registry(registry):
    out = io.StringIO()
    call_command("check_sources", stdout=out)
    report = out.getvalue()
    assert "Bare-domain URLs: 0" in report
    assert "Events without a source: 0" in report
    primary = int(re.search(r"Events with a primary source: (\d+) of 94", report).group(1))
    assert primary >= 87
