"""The bundled registry, loaded as `make run` loads it, answers the newsroom's questions."""

import csv
import datetime
import io
import re

import pytest
import time_machine
from django.core.management import call_command

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
