"""`manage.py export_registry`: deterministic JSON and CSV that load_registry reads back."""

import datetime
import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from organizations.models import Organization
from organizations.services import membership_event_verify
from tests.factories import (
    DomainFactory,
    InstrumentFactory,
    MembershipEventFactory,
    OrganizationFactory,
    OrganizationNameFactory,
    SourceFactory,
)
from tests.organizations.test_load_registry import (
    SMALL,
    empty_registry,
    generate_registry,
    load,
    row_counts,
)

pytestmark = pytest.mark.django_db

CSV_HEADERS = {
    "domains.csv": "slug,name",
    "instruments.csv": "slug,kind,number,title,signed_on,citation,url,description",
    "organizations.csv": (
        "slug,name,acronym,kind,un_related,parent,domains,founded,headquarters,website,"
        "wikidata_id,description,relation"
    ),
    "names.csv": "organization,language,name,acronym,is_preferred",
    "sources.csv": (
        "url,title,publisher,published_on,accessed_on,archive_url,organizations,kind,note"
    ),
    "events.csv": (
        "key,organization,country,kind,announced_on,effective_on,date_precision,instrument,"
        "summary,sources,verified_on,verified_source"
    ),
}


def export(*args: str) -> str:
    stdout = io.StringIO()
    call_command("export_registry", *args, stdout=stdout)
    return stdout.getvalue()


def read_folder(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_json_round_trip_of_the_bundled_registry_is_byte_identical(tmp_path):
    load()
    counts = row_counts()
    first = tmp_path / "first.json"
    export("--output", str(first))
    empty_registry()

    load(first)
    second = tmp_path / "second.json"
    export("--output", str(second))

    assert row_counts() == counts
    assert second.read_bytes() == first.read_bytes()


def test_csv_round_trip_of_the_bundled_registry_is_byte_identical(tmp_path):
    load()
    counts = row_counts()
    export("--format", "csv", "--output", str(tmp_path / "first"))
    empty_registry()

    load(tmp_path / "first")
    export("--format", "csv", "--output", str(tmp_path / "second"))

    assert row_counts() == counts
    assert read_folder(tmp_path / "second") == read_folder(tmp_path / "first")


def test_csv_and_json_exports_describe_the_same_registry(tmp_path):
    load(SMALL)
    export("--format", "csv", "--output", str(tmp_path / "csv"))
    from_json = export()
    empty_registry()

    load(tmp_path / "csv")

    assert export() == from_json


def test_json_goes_to_standard_output_by_default_and_is_stable():
    load(SMALL)

    first, second = export(), export("--format", "json")

    assert first == second
    assert first.endswith("}\n")
    document = json.loads(first)
    assert list(document) == [
        "format",
        "version",
        "domains",
        "instruments",
        "organizations",
        "names",
        "sources",
        "events",
    ]
    assert (document["format"], document["version"]) == ("concordance-registry", 1)


def test_json_keeps_non_ascii_text_readable_and_indents_by_two():
    load(SMALL)

    output = export()

    assert '"name": "世界卫生组织"' in output
    assert '\n  "domains": [\n    {\n      "slug": "climate",' in output


def test_json_fields_follow_the_column_order_with_typed_values():
    load(SMALL)

    document = json.loads(export())

    venice = next(o for o in document["organizations"] if o["slug"] == "venice-commission")
    assert list(venice) == CSV_HEADERS["organizations.csv"].split(",")
    assert venice["un_related"] is False
    assert venice["founded"] == 1990
    assert venice["parent"] == "council-of-europe"
    assert venice["domains"] == ["democracy", "rule-of-law"]
    observer = next(e for e in document["events"] if e["instrument"] == "")
    assert (observer["announced_on"], observer["effective_on"]) == (None, "1995-01-01")


def test_csv_needs_an_output_directory():
    with pytest.raises(CommandError, match="--format csv writes a folder of files"):
        export("--format", "csv")


def test_csv_output_may_not_be_a_file(tmp_path):
    path = tmp_path / "registry.csv"
    path.write_text("", encoding="utf-8")

    with pytest.raises(CommandError, match="needs a directory"):
        export("--format", "csv", "--output", str(path))


def test_csv_writes_every_table_with_the_documented_columns(tmp_path):
    export("--format", "csv", "--output", str(tmp_path / "out"))

    files = read_folder(tmp_path / "out")

    assert {name: data.decode("utf-8") for name, data in files.items()} == {
        name: header + "\n" for name, header in CSV_HEADERS.items()
    }


def test_csv_writes_empty_values_as_empty_cells(tmp_path):
    organization = OrganizationFactory(
        slug="colombo-plan-council", name="Colombo Plan Council", acronym=""
    )
    MembershipEventFactory(
        key="colombo-joined",
        organization=organization,
        kind="joined",
        announced_on=None,
        effective_on=datetime.date(1951, 1, 1),
        date_precision="year",
    )

    export("--format", "csv", "--output", str(tmp_path))

    assert (tmp_path / "organizations.csv").read_text(encoding="utf-8").splitlines()[1] == (
        "colombo-plan-council,Colombo Plan Council,,non_un_igo,false,,,,,,,,member_state"
    )
    assert (tmp_path / "events.csv").read_text(encoding="utf-8").splitlines()[1] == (
        "colombo-joined,colombo-plan-council,US,joined,,1951-01-01,year,,,,,"
    )


def test_rows_and_lists_are_sorted_by_natural_key_whatever_the_insertion_order(tmp_path):
    health, climate = DomainFactory(slug="health"), DomainFactory(slug="climate")
    zeta = OrganizationFactory(slug="zeta")
    alpha = OrganizationFactory(slug="alpha")
    alpha.domains.add(health, climate)
    OrganizationNameFactory(organization=alpha, language="zh-hans", name="乙", is_preferred=False)
    OrganizationNameFactory(organization=alpha, language="en", name="Alpha", is_preferred=True)
    OrganizationNameFactory(organization=alpha, language="zh-hans", name="甲", is_preferred=True)
    later, earlier = (
        SourceFactory(url="https://b.example.org/"),
        SourceFactory(url="https://a.example.org/"),
    )
    event = MembershipEventFactory(key="b-event", organization=zeta)
    event.sources.add(later, earlier)
    MembershipEventFactory(key="a-event", organization=alpha, instrument=InstrumentFactory())

    document = json.loads(export())

    assert [o["slug"] for o in document["organizations"]] == ["alpha", "zeta"]
    assert document["organizations"][0]["domains"] == ["climate", "health"]
    assert [(n["language"], n["name"]) for n in document["names"]] == [
        ("en", "Alpha"),
        ("zh-hans", "乙"),
        ("zh-hans", "甲"),
    ]
    assert [s["url"] for s in document["sources"]] == [
        "https://a.example.org/",
        "https://b.example.org/",
    ]
    assert [e["key"] for e in document["events"]] == ["a-event", "b-event"]
    assert document["events"][1]["sources"] == ["https://a.example.org/", "https://b.example.org/"]


def test_a_list_item_holding_the_separator_cannot_go_to_csv(tmp_path):
    source = SourceFactory(url="https://example.org/a;b")
    MembershipEventFactory(key="event").sources.add(source)

    with pytest.raises(CommandError, match=re.escape('"https://example.org/a;b" contains ";"')):
        export("--format", "csv", "--output", str(tmp_path / "out"))
    assert not (tmp_path / "out").exists()


def test_json_output_to_a_file_reports_what_it_wrote(tmp_path):
    load(SMALL)
    path = tmp_path / "registry.json"

    message = export("--output", str(path))

    assert message == f"Exported 3 organizations and 3 events to {path}.\n"
    assert json.loads(path.read_text(encoding="utf-8"))["format"] == "concordance-registry"


def test_the_number_of_queries_does_not_grow_with_the_number_of_rows(
    tmp_path, django_assert_num_queries
):
    load(generate_registry(tmp_path / "small", organizations=20, events=50))
    with django_assert_num_queries(9):
        export()
    empty_registry()
    load(generate_registry(tmp_path / "large", organizations=200, events=1_000))
    with django_assert_num_queries(9):
        output = export()
    assert len(json.loads(output)["events"]) == 1_000
    assert Organization.objects.count() == 200


def test_an_events_sources_are_listed_primary_first_and_its_verification_as_a_date(
    tmp_path, moderator
):
    organization = OrganizationFactory(slug="unesco", relation="member_state")
    news = SourceFactory(url="https://a.example.org/report", kind="secondary")
    official = SourceFactory(url="https://z.example.org/notice", kind="primary")
    event = MembershipEventFactory(key="unesco-event", organization=organization)
    event.sources.add(news, official)
    membership_event_verify(
        event=event,
        source=news,
        by=moderator,
        at=datetime.datetime(2026, 1, 31, 23, 30, tzinfo=datetime.UTC),
    )

    document = json.loads(export())

    (row,) = document["events"]
    assert row["sources"] == ["https://z.example.org/notice", "https://a.example.org/report"]
    # The day in the site's time zone (UTC by default), not who verified it.
    assert row["verified_on"] == "2026-01-31"
    assert row["verified_source"] == "https://a.example.org/report"
    assert {source["url"]: source["kind"] for source in document["sources"]} == {
        "https://a.example.org/report": "secondary",
        "https://z.example.org/notice": "primary",
    }
    assert document["organizations"][0]["relation"] == "member_state"


def test_a_verification_whose_source_the_event_dropped_is_not_exported():
    dropped = SourceFactory()
    event = MembershipEventFactory(
        key="stale",
        verified_at=datetime.datetime(2026, 1, 31, tzinfo=datetime.UTC),
        verified_source=dropped,
    )
    # Written around the services, which would have withdrawn the verification.
    event.sources.add(SourceFactory())

    (row,) = json.loads(export())["events"]

    assert (row["verified_on"], row["verified_source"]) == (None, "")
