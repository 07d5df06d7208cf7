"""The whole registry can be downloaded from the registry page and loaded back."""

import csv
import io
import json

import pytest
from django.core.management import call_command

from organizations.models import MembershipEvent, Organization
from organizations.registry_io import registry_json, registry_records
from organizations.registry_io.schema import TABLES
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(db):
    call_command("load_registry", verbosity=0)


def test_registry_page_links_every_bulk_download(client, registry):
    page = client.get("/en/registry/").content.decode()
    assert 'href="/en/registry/downloads/registry.json"' in page
    for table in TABLES:
        assert f'href="/en/registry/downloads/{table.name}.csv"' in page


def test_json_download_is_the_export_and_loads_back(client, registry, tmp_path):
    response = client.get("/en/registry/downloads/registry.json")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="concordance-registry.json"'
    content = response.content.decode()
    assert content == registry_json(registry_records())

    path = tmp_path / "registry.json"
    path.write_text(content, encoding="utf-8")
    MembershipEvent.objects.all().delete()
    call_command("load_registry", str(path), verbosity=0)
    assert MembershipEvent.objects.count() == len(json.loads(content)["events"])


def test_csv_download_has_the_stable_column_order(client, registry):
    for table in TABLES:
        response = client.get(f"/en/registry/downloads/{table.name}.csv")
        assert response.status_code == 200
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert tuple(rows[0]) == table.column_names
    organizations = client.get("/en/registry/downloads/organizations.csv").content.decode()
    assert len(list(csv.DictReader(io.StringIO(organizations)))) == Organization.objects.count()


def test_csv_download_neutralises_spreadsheet_formulas(client, registry):
    Organization.objects.filter(slug="world-health-organization").update(
        description='=HYPERLINK("http://evil.example")'
    )
    content = client.get("/en/registry/downloads/organizations.csv").content.decode()
    rows = {row["slug"]: row for row in csv.DictReader(io.StringIO(content))}
    assert rows["world-health-organization"]["description"].startswith("'=")


def test_downloads_answer_304_to_a_matching_etag(client, registry):
    first = client.get("/en/registry/downloads/events.csv")
    again = client.get("/en/registry/downloads/events.csv", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_an_unknown_table_is_not_found(client, registry):
    assert client.get("/en/registry/downloads/users.csv").status_code == 404


def test_downloads_refuse_writes(client, registry):
    assert client.post("/en/registry/downloads/registry.json").status_code == 405


def test_a_download_is_current_until_the_registry_changes_and_newsroom_writes_leave_it(client):
    organization = factories.OrganizationFactory(name="Before the rename")
    url = "/en/registry/downloads/registry.json"
    first = client.get(url)
    etag = first["ETag"]

    factories.ArticleFactory()
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304

    organization.name = "After the rename"
    organization.save()
    renamed = client.get(url, headers={"if-none-match": etag})
    assert renamed.status_code == 200
    assert renamed["ETag"] != etag
    assert "After the rename" in renamed.content.decode()


def test_csv_downloads_carry_relations_source_kinds_archives_and_verifications(client, registry):
    def table(name):
        rows = csv.DictReader(io.StringIO(client.get(f"/en/registry/downloads/{name}.csv").text))
        return {next(iter(row.values())): row for row in rows}

    organizations, sources, events = table("organizations"), table("sources"), table("events")

    assert organizations["united-nations-human-rights-council"]["relation"] == "observer"
    assert organizations["international-law-commission"]["relation"] == "participant"
    assert {row["kind"] for row in sources.values()} == {"primary", "secondary", "tertiary"}
    assert all(
        row["archive_url"].startswith("https://web.archive.org/web/") for row in sources.values()
    )
    verified = events["united-nations-human-rights-council-participation-ended-2025-02-04"]
    assert verified["verified_on"] == "2026-01-31"
    assert sources[verified["verified_source"]]["kind"] == "primary"
    assert verified["sources"].split(";")[0] == verified["verified_source"]
