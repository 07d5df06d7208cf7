"""`manage.py load_registry`: checks everything, reports every problem with its place,
writes nothing on failure, and otherwise upserts by natural key in a fixed number of queries."""

import csv
import datetime
import io
import json
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from organizations.models import (
    Domain,
    Instrument,
    MembershipEvent,
    Organization,
    OrganizationName,
    Source,
)
from organizations.registry_io import reading
from organizations.services import membership_event_verify
from tests.factories import DomainFactory, OrganizationFactory, OrganizationNameFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
SMALL = DATA / "small"
SMALL_JSON = DATA / "small.json"

EVENT_KINDS = ["withdrawal_announced", "withdrawal_effective", "funding_cut", "rejoined"]


# Helpers -----------------------------------------------------------------------


def load(path: Path | None = None, **options) -> str:
    stdout = io.StringIO()
    args = [str(path)] if path is not None else []
    call_command("load_registry", *args, stdout=stdout, stderr=io.StringIO(), **options)
    return stdout.getvalue()


def load_failing(path: Path) -> tuple[str, str]:
    """Load `path`, which must fail; return the reported problems and the summary."""
    stderr = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("load_registry", str(path), stdout=io.StringIO(), stderr=stderr)
    return stderr.getvalue(), str(raised.value)


def load_failing_with(path: Path, *arguments: str) -> tuple[str, str]:
    """Load `path` with extra command-line `arguments`; it must fail."""
    stderr = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("load_registry", str(path), *arguments, stdout=io.StringIO(), stderr=stderr)
    return stderr.getvalue(), str(raised.value)


def row_counts() -> dict[str, int]:
    return {
        "domains": Domain.objects.count(),
        "instruments": Instrument.objects.count(),
        "organizations": Organization.objects.count(),
        "names": OrganizationName.objects.count(),
        "sources": Source.objects.count(),
        "events": MembershipEvent.objects.count(),
        "organization domains": Organization.domains.through.objects.count(),
        "source organizations": Organization.sources.through.objects.count(),
        "event sources": MembershipEvent.sources.through.objects.count(),
    }


EMPTY = dict.fromkeys(
    [
        "domains",
        "instruments",
        "organizations",
        "names",
        "sources",
        "events",
        "organization domains",
        "source organizations",
        "event sources",
    ],
    0,
)


def copy_small(tmp_path: Path) -> Path:
    folder = tmp_path / "registry"
    shutil.copytree(SMALL, folder)
    return folder


def set_cell(folder: Path, filename: str, record: int, column: str, value: str) -> None:
    """Set `column` of the `record`-th data row (1-based) of a CSV file."""
    path = folder / filename
    with path.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    rows[record][rows[0].index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream, lineterminator="\n").writerows(rows)


def write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def generate_registry(folder: Path, *, organizations: int, events: int) -> Path:
    """A synthetic registry that fills every table and uses every relation."""
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(
        folder / "domains.csv",
        ["slug", "name"],
        [[f"domain-{i}", f"Domain {i}"] for i in range(10)],
    )
    write_csv(
        folder / "instruments.csv",
        ["slug", "kind", "number", "title", "signed_on", "citation", "url", "description"],
        [
            [f"eo-{i}", "executive_order", str(i), f"Order {i}", "2025-02-04", "", "", ""]
            for i in range(5)
        ],
    )
    kinds = Organization.Kind.values
    write_csv(
        folder / "organizations.csv",
        [
            "slug",
            "name",
            "acronym",
            "kind",
            "un_related",
            "parent",
            "domains",
            "founded",
            "headquarters",
            "website",
            "wikidata_id",
            "description",
        ],
        [
            [
                f"org-{i}",
                f"Organization {i}",
                f"O{i}",
                kinds[i % len(kinds)],
                "true" if i % 2 else "false",
                f"org-{i - i % 10}" if i % 10 else "",
                f"domain-{i % 10};domain-{(i + 1) % 10}",
                str(1900 + i % 100),
                "Geneva",
                f"https://org-{i}.example.org/",
                f"Q{i + 1}",
                f"Organization number {i}.",
            ]
            for i in range(organizations)
        ],
    )
    write_csv(
        folder / "names.csv",
        ["organization", "language", "name", "acronym", "is_preferred"],
        [
            row
            for i in range(organizations)
            for row in (
                [f"org-{i}", "en", f"Organization {i}", f"O{i}", "true"],
                [f"org-{i}", "zh-hans", f"组织{i}", "", "true"],
            )
        ],
    )
    source_count = max(1, organizations // 10)
    write_csv(
        folder / "sources.csv",
        [
            "url",
            "title",
            "publisher",
            "published_on",
            "accessed_on",
            "archive_url",
            "organizations",
            "kind",
        ],
        [
            [
                f"https://example.org/sources/{j}",
                f"Source {j}",
                "Example Gazette",
                "2025-01-01",
                "2026-01-15",
                "",
                ";".join(f"org-{j * 10 + k}" for k in range(3) if j * 10 + k < organizations),
                Source.Kind.values[j % 3],
            ]
            for j in range(source_count)
        ],
    )
    start = datetime.date(2025, 1, 1)
    write_csv(
        folder / "events.csv",
        [
            "key",
            "organization",
            "country",
            "kind",
            "announced_on",
            "effective_on",
            "date_precision",
            "instrument",
            "summary",
            "sources",
            "verified_on",
            "verified_source",
        ],
        [
            [
                f"event-{k}",
                f"org-{k % organizations}",
                "US",
                EVENT_KINDS[k % len(EVENT_KINDS)],
                (start + datetime.timedelta(days=k % 365)).isoformat(),
                (start + datetime.timedelta(days=k % 365 + 30)).isoformat() if k % 3 else "",
                "day",
                f"eo-{k % 5}" if k % 4 else "",
                f"Event number {k}.",
                f"https://example.org/sources/{k % source_count}",
                "2026-01-31" if k % 2 else "",
                f"https://example.org/sources/{k % source_count}" if k % 2 else "",
            ]
            for k in range(events)
        ],
    )
    return folder


def empty_registry() -> None:
    MembershipEvent.objects.all().delete()
    Source.objects.all().delete()
    OrganizationName.objects.all().delete()
    Organization.objects.update(parent=None)
    Organization.objects.all().delete()
    Instrument.objects.all().delete()
    Domain.objects.all().delete()


# The bundled registry ------------------------------------------------------------


def test_bundled_registry_has_the_66_organizations_of_the_january_2026_memorandum():
    load()

    memorandum = Organization.objects.named_in("memorandum-2026-01-07")
    assert memorandum.count() == 66
    assert memorandum.filter(un_related=True).count() == 31
    assert memorandum.filter(un_related=False).count() == 35


def test_bundled_memorandum_ends_participation_where_there_is_no_membership():
    """Secretariat units and expert bodies end participation; the others announce withdrawal."""
    load()

    events = MembershipEvent.objects.filter(instrument__slug="memorandum-2026-01-07")
    ended = events.filter(kind=MembershipEvent.Kind.PARTICIPATION_ENDED)
    assert ended.count() == 11
    assert set(ended.values_list("organization__relation", flat=True)) == {"participant"}
    assert events.filter(kind=MembershipEvent.Kind.WITHDRAWAL_ANNOUNCED).count() == 55
    assert not events.exclude(organization__relation__in=["member_state", "treaty_party"]).filter(
        kind=MembershipEvent.Kind.WITHDRAWAL_ANNOUNCED
    )


def test_loading_the_bundled_registry_twice_changes_nothing_the_second_time():
    load()
    counts = row_counts()
    stamps = list(Organization.objects.order_by("pk").values_list("updated_at", flat=True))

    output = load()

    assert "0 created, 0 updated" in output
    assert row_counts() == counts
    assert list(Organization.objects.order_by("pk").values_list("updated_at", flat=True)) == stamps


# Upserting -----------------------------------------------------------------------


def test_load_creates_records_with_their_relations():
    output = load(SMALL)

    assert "19 created, 0 updated, 0 unchanged" in output
    who = Organization.objects.get(slug="world-health-organization")
    assert (who.name, who.acronym, who.kind, who.un_related) == (
        "World Health Organization",
        "WHO",
        Organization.Kind.SPECIALIZED_AGENCY,
        True,
    )
    assert (who.founded, who.wikidata_id, who.website) == (1948, "Q7817", "https://www.who.int/")
    assert who.display_name("zh-hans") == "世界卫生组织"
    venice = Organization.objects.get(slug="venice-commission")
    assert venice.parent.slug == "council-of-europe"
    assert venice.description == 'Formally the "European Commission for Democracy through Law".'
    assert set(venice.domains.values_list("slug", flat=True)) == {"democracy", "rule-of-law"}
    council = Organization.objects.get(slug="council-of-europe")
    assert council.description.endswith("rule of law.\nThe United States holds observer status.")
    event = MembershipEvent.objects.get(key="who-withdrawal-announced-2025-01-20")
    assert event.organization == who
    assert event.instrument.slug == "eo-14155"
    assert (event.announced_on, event.effective_on) == (
        datetime.date(2025, 1, 20),
        datetime.date(2026, 1, 22),
    )
    assert list(event.sources.values_list("url", flat=True)) == [
        "https://www.federalregister.gov/d/2025-01957"
    ]
    observer = MembershipEvent.objects.get(key="council-of-europe-observer-status-1995")
    assert (observer.date_precision, observer.instrument) == ("year", None)
    white_house = Source.objects.get(url__contains="whitehouse.gov")
    assert set(white_house.organizations.values_list("slug", flat=True)) == {
        "council-of-europe",
        "venice-commission",
    }


def test_a_changed_cell_updates_that_record_only(tmp_path):
    load(SMALL)
    folder = copy_small(tmp_path)
    set_cell(folder, "organizations.csv", 3, "headquarters", "Genève")
    untouched = Organization.objects.get(slug="council-of-europe").updated_at

    output = load(folder)

    assert "organizations: 0 created, 1 updated, 2 unchanged" in output
    assert "Loaded" in output and "0 created, 1 updated, 18 unchanged" in output
    assert Organization.objects.get(slug="world-health-organization").headquarters == "Genève"
    assert Organization.objects.get(slug="council-of-europe").updated_at == untouched


def test_references_can_change_to_other_records(tmp_path):
    load(SMALL)
    folder = copy_small(tmp_path)
    set_cell(folder, "events.csv", 3, "organization", "council-of-europe")
    set_cell(folder, "events.csv", 3, "instrument", "memorandum-2026-01-07")
    set_cell(folder, "organizations.csv", 2, "parent", "world-health-organization")

    output = load(folder)

    event = MembershipEvent.objects.get(key="who-withdrawal-announced-2025-01-20")
    assert (event.organization.slug, event.instrument.slug) == (
        "council-of-europe",
        "memorandum-2026-01-07",
    )
    venice = Organization.objects.get(slug="venice-commission")
    assert venice.parent.slug == "world-health-organization"
    assert "events: 0 created, 1 updated, 2 unchanged" in output
    assert "organizations: 0 created, 1 updated, 2 unchanged" in output


def test_many_to_many_sets_become_exactly_what_the_data_says(tmp_path):
    load(SMALL)
    folder = copy_small(tmp_path)
    set_cell(folder, "organizations.csv", 2, "domains", "rule-of-law;health")
    set_cell(folder, "events.csv", 3, "sources", "")

    output = load(folder)

    venice = Organization.objects.get(slug="venice-commission")
    assert set(venice.domains.values_list("slug", flat=True)) == {"rule-of-law", "health"}
    assert not MembershipEvent.objects.get(
        key="who-withdrawal-announced-2025-01-20"
    ).sources.exists()
    assert "organizations: 0 created, 1 updated" in output
    assert "events: 0 created, 1 updated" in output


def test_records_the_data_does_not_mention_are_left_alone():
    other = OrganizationFactory(slug="unesco", name="UNESCO")
    other.domains.add(DomainFactory(slug="culture"))

    load(SMALL)

    other.refresh_from_db()
    assert other.name == "UNESCO"
    assert list(other.domains.values_list("slug", flat=True)) == ["culture"]


def test_a_preferred_name_can_move_to_another_name_in_one_load(tmp_path):
    load(SMALL)
    folder = copy_small(tmp_path)
    set_cell(folder, "names.csv", 4, "is_preferred", "true")  # 世卫组织
    set_cell(folder, "names.csv", 5, "is_preferred", "false")  # 世界卫生组织

    load(folder)

    assert (
        Organization.objects.get(slug="world-health-organization").display_name("zh-hans")
        == "世卫组织"
    )


def test_blank_optional_cells_take_the_model_defaults(tmp_path):
    folder = copy_small(tmp_path)
    set_cell(folder, "events.csv", 1, "country", "")
    set_cell(folder, "events.csv", 2, "date_precision", "")
    set_cell(folder, "organizations.csv", 3, "un_related", "")

    load(folder)

    assert MembershipEvent.objects.get(key="council-of-europe-observer-status-1995").country == "US"
    assert (
        MembershipEvent.objects.get(
            key="venice-commission-withdrawal-announced-2026-01-07"
        ).date_precision
        == "day"
    )
    assert Organization.objects.get(slug="world-health-organization").un_related is False


def test_json_and_csv_load_the_same_registry():
    load(SMALL)
    from_csv = json.loads(_export())
    empty_registry()

    load(SMALL_JSON)

    assert json.loads(_export()) == from_csv


def test_a_utf8_byte_order_mark_is_accepted(tmp_path):
    folder = copy_small(tmp_path)
    for path in folder.iterdir():
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    json_path = tmp_path / "small.json"
    json_path.write_bytes(b"\xef\xbb\xbf" + SMALL_JSON.read_bytes())

    load(folder)
    assert Organization.objects.count() == 3
    output = load(json_path)
    assert "0 created, 0 updated, 19 unchanged" in output


def test_a_folder_with_only_some_files_loads_those_tables(tmp_path):
    folder = tmp_path / "partial"
    folder.mkdir()
    shutil.copy(SMALL / "domains.csv", folder)

    output = load(folder)

    assert "domains: 4 created" in output
    assert row_counts() == {**EMPTY, "domains": 4}


def test_rows_may_refer_to_records_already_in_the_database(tmp_path):
    load(SMALL)
    folder = tmp_path / "events-only"
    folder.mkdir()
    shutil.copy(SMALL / "events.csv", folder)
    set_cell(folder, "events.csv", 1, "summary", "Observer since 1995.")

    output = load(folder)

    assert "events: 0 created, 1 updated, 2 unchanged" in output


def test_progress_is_reported_every_5000_rows(tmp_path):
    folder = generate_registry(tmp_path / "big", organizations=50, events=5_000)

    output = load(folder)
    quiet = load(folder, verbosity=0)

    assert "events.csv: 5,000 rows read" in output
    assert "events: 5,000 of 5,000 created" in output
    assert "events: 0 created, 0 updated, 5000 unchanged" in load(folder)
    assert quiet == ""


def test_the_number_of_queries_does_not_grow_with_the_number_of_rows(
    tmp_path, django_assert_num_queries
):
    """Below one write batch (2,300 events) every size loads in the same number of queries."""
    small = generate_registry(tmp_path / "small", organizations=100, events=600)
    large = generate_registry(tmp_path / "large", organizations=400, events=2_200)

    with django_assert_num_queries(22):
        load(small)
    empty_registry()
    with django_assert_num_queries(22):
        load(large)
    assert MembershipEvent.objects.count() == 2_200
    assert MembershipEvent.sources.through.objects.count() == 2_200
    assert MembershipEvent.objects.verified().count() == 1_100
    # Reading it again adds the stored verifications to compare.
    with django_assert_num_queries(13):
        load(large)


# Problems ------------------------------------------------------------------------

CELL_PROBLEMS = [
    # file, data row, column, bad value, where, what
    ("organizations.csv", 3, "name", "", "organizations.csv:5:2", "name: a value is required"),
    (
        "organizations.csv",
        2,
        "kind",
        "agency",
        "organizations.csv:4:4",
        'kind: unknown value "agency"; allowed: un_principal_organ, specialized_agency,',
    ),
    (
        "names.csv",
        1,
        "language",
        "zh",
        "names.csv:2:2",
        'language: unknown value "zh"; allowed: en, zh-hans, fr, es, ru, ar',
    ),
    (
        "events.csv",
        1,
        "date_precision",
        "decade",
        "events.csv:2:7",
        'date_precision: unknown value "decade"; allowed: day, month, year',
    ),
    (
        "instruments.csv",
        2,
        "kind",
        "decree",
        "instruments.csv:3:2",
        'kind: unknown value "decree"; allowed: executive_order, presidential_memorandum,',
    ),
    (
        "events.csv",
        2,
        "announced_on",
        "2026-02-30",
        "events.csv:3:5",
        'announced_on: expected a date as YYYY-MM-DD, not "2026-02-30"',
    ),
    (
        "sources.csv",
        1,
        "published_on",
        "29 January 2025",
        "sources.csv:2:4",
        'published_on: expected a date as YYYY-MM-DD, not "29 January 2025"',
    ),
    (
        "organizations.csv",
        3,
        "un_related",
        "yes",
        "organizations.csv:5:5",
        'un_related: expected true or false, not "yes"',
    ),
    (
        "organizations.csv",
        3,
        "founded",
        "1948a",
        "organizations.csv:5:8",
        'founded: expected a year such as 1948, not "1948a"',
    ),
    (
        "organizations.csv",
        3,
        "website",
        "who dot int",
        "organizations.csv:5:10",
        "website: Enter a valid URL.",
    ),
    (
        "instruments.csv",
        1,
        "url",
        "federalregister.gov/d/2025-01957",
        "instruments.csv:2:7",
        "url: Enter a valid URL.",
    ),
    (
        "organizations.csv",
        3,
        "wikidata_id",
        "7817",
        "organizations.csv:5:11",
        "wikidata_id: A Wikidata id is the letter Q followed by digits",
    ),
    (
        "domains.csv",
        1,
        "slug",
        "climate change",
        "domains.csv:2:1",
        "slug: Enter a valid “slug”",
    ),
    (
        "organizations.csv",
        3,
        "acronym",
        "W" * 41,
        "organizations.csv:5:3",
        "acronym: Ensure this value has at most 40 characters (it has 41).",
    ),
    ("events.csv", 1, "country", "USA", "events.csv:2:3", "country: An ISO 3166 alpha-2 code"),
    (
        "events.csv",
        3,
        "effective_on",
        "2024-01-01",
        "events.csv:4:6",
        "effective_on: 2024-01-01 is before announced_on 2025-01-20",
    ),
    (
        "events.csv",
        2,
        "announced_on",
        "",
        "events.csv:3:5",
        "announced_on: an event needs announced_on or effective_on",
    ),
    (
        "organizations.csv",
        2,
        "parent",
        "council-of-asia",
        "organizations.csv:4:6",
        'parent: unknown organization "council-of-asia"',
    ),
    (
        "organizations.csv",
        2,
        "parent",
        "venice-commission",
        "organizations.csv:4:6",
        "parent: an organization cannot be its own parent",
    ),
    (
        "organizations.csv",
        3,
        "domains",
        "health;sport",
        "organizations.csv:5:7",
        'domains: unknown domain "sport"',
    ),
    (
        "organizations.csv",
        1,
        "domains",
        "democracy;democracy",
        "organizations.csv:2:7",
        'domains: "democracy" is listed twice',
    ),
    (
        "names.csv",
        1,
        "organization",
        "unesco",
        "names.csv:2:1",
        'organization: unknown organization "unesco"',
    ),
    (
        "sources.csv",
        1,
        "organizations",
        "world-health-organisation",
        "sources.csv:2:7",
        'organizations: unknown organization "world-health-organisation"',
    ),
    (
        "events.csv",
        3,
        "organization",
        "who",
        "events.csv:4:2",
        'organization: unknown organization "who"',
    ),
    (
        "events.csv",
        2,
        "instrument",
        "eo-99999",
        "events.csv:3:8",
        'instrument: unknown instrument "eo-99999"',
    ),
    (
        "events.csv",
        3,
        "sources",
        "https://example.org/missing",
        "events.csv:4:10",
        'sources: unknown source "https://example.org/missing"',
    ),
    (
        "events.csv",
        2,
        "key",
        "council-of-europe-observer-status-1995",
        "events.csv:3:1",
        'key: duplicate key "council-of-europe-observer-status-1995"; first given at ',
    ),
    (
        "names.csv",
        4,
        "is_preferred",
        "true",
        "names.csv:6:5",
        'is_preferred: "world-health-organization" already has a preferred zh-hans name at ',
    ),
    (
        "sources.csv",
        2,
        "kind",
        "blog",
        "sources.csv:3:8",
        'kind: unknown value "blog"; allowed: primary, secondary, tertiary',
    ),
    ("sources.csv", 2, "kind", "", "sources.csv:3:8", "kind: a value is required"),
]


@pytest.mark.parametrize(
    ("filename", "record", "column", "value", "where", "what"),
    CELL_PROBLEMS,
    ids=[f"{case[0]}-{case[2]}-{case[3][:20]}" for case in CELL_PROBLEMS],
)
def test_a_bad_cell_is_reported_by_file_line_and_column_and_nothing_is_written(
    tmp_path, filename, record, column, value, where, what
):
    folder = copy_small(tmp_path)
    set_cell(folder, filename, record, column, value)

    problems, summary = load_failing(folder)

    assert f"{where}: {what}" in problems
    assert len(problems.splitlines()) == 1, problems
    assert summary == "1 problem(s) in the registry data; nothing was loaded."
    assert row_counts() == EMPTY


def test_every_problem_in_every_file_is_reported_at_once(tmp_path):
    folder = copy_small(tmp_path)
    set_cell(folder, "domains.csv", 1, "name", "")
    set_cell(folder, "organizations.csv", 3, "kind", "agency")
    set_cell(folder, "organizations.csv", 3, "founded", "soon")
    set_cell(folder, "events.csv", 3, "instrument", "eo-1")

    problems, summary = load_failing(folder)

    assert [line.split(": ")[0] for line in problems.splitlines()] == [
        f"{folder}/domains.csv:2:2",
        f"{folder}/events.csv:4:8",
        f"{folder}/organizations.csv:5:4",
        f"{folder}/organizations.csv:5:8",
    ]
    assert summary.startswith("4 problem(s)")
    assert row_counts() == EMPTY


def test_a_bad_last_row_of_many_leaves_the_database_as_it_was(tmp_path):
    load(SMALL)
    before = row_counts()
    exported = _export()
    folder = generate_registry(tmp_path / "big", organizations=300, events=3_000)
    shutil.copy(SMALL / "domains.csv", folder / "domains.csv")  # valid changes, too
    set_cell(folder, "domains.csv", 1, "name", "Climate and weather")
    with (folder / "events.csv").open("a", encoding="utf-8") as stream:
        stream.write("event-last,org-1,US,withdrawal_announced,2025-13-01,,day,,,,,\n")

    problems, _summary = load_failing(folder)

    assert "events.csv:3002:5: announced_on: expected a date" in problems
    assert row_counts() == before
    assert _export() == exported


def test_an_unknown_column_is_named(tmp_path):
    folder = copy_small(tmp_path)
    write_csv(folder / "domains.csv", ["slug", "name", "colour"], [["health", "Health", "red"]])

    problems, _summary = load_failing(folder)

    assert (
        'domains.csv:1:3: unknown column "colour"; the columns of domains.csv are: slug,name'
        in (problems)
    )
    assert row_counts() == EMPTY


def test_missing_columns_are_named(tmp_path):
    folder = copy_small(tmp_path)
    write_csv(folder / "domains.csv", ["slug"], [["health"]])

    problems, _summary = load_failing(folder)

    assert "domains.csv:1:1: missing columns: name" in problems


def test_a_missing_header_row_is_reported(tmp_path):
    folder = copy_small(tmp_path)
    (folder / "domains.csv").write_text("health,Health\nclimate,Climate\n", encoding="utf-8")

    problems, _summary = load_failing(folder)

    assert "domains.csv:1:1: missing header row; the first line must be: slug,name" in problems
    assert row_counts() == EMPTY


def test_an_empty_file_is_reported(tmp_path):
    folder = copy_small(tmp_path)
    (folder / "domains.csv").write_text("", encoding="utf-8")

    problems, _summary = load_failing(folder)

    assert "domains.csv:1:1: the file is empty; it needs at least the header row" in problems


def test_a_row_with_the_wrong_number_of_cells_is_reported(tmp_path):
    folder = copy_small(tmp_path)
    (folder / "domains.csv").write_text("slug,name\nhealth,Health,extra\n", encoding="utf-8")

    problems, _summary = load_failing(folder)

    assert "domains.csv:2:3: this row has 3 cells but the header has 2" in problems


def test_malformed_csv_quoting_is_reported(tmp_path):
    folder = copy_small(tmp_path)
    (folder / "domains.csv").write_text('slug,name\nhealth,"Health"x\n', encoding="utf-8")

    problems, _summary = load_failing(folder)

    assert "domains.csv:2:1: malformed CSV: " in problems


def test_a_file_that_is_not_utf8_is_rejected_with_its_position(tmp_path):
    folder = copy_small(tmp_path)
    text = (folder / "organizations.csv").read_text(encoding="utf-8")
    (folder / "organizations.csv").write_bytes(
        text.replace("Geneva, Switzerland", "Genève, Suisse").encode("cp1252")
    )

    problems, _summary = load_failing(folder)

    assert (
        "organizations.csv:5:98: the file is not UTF-8 text (byte 0xe8); save it as UTF-8"
        in problems
    )
    assert row_counts() == EMPTY


def test_a_file_over_the_size_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(reading, "MAX_FILE_BYTES", 200)
    folder = copy_small(tmp_path)

    size = (folder / "organizations.csv").stat().st_size

    problems, _summary = load_failing(folder)

    assert f"organizations.csv: the file is {size} bytes; files over 200 bytes are refused" in (
        problems
    )
    assert "domains.csv" not in problems
    assert row_counts() == EMPTY


def test_the_size_limit_is_200_megabytes():
    assert reading.MAX_FILE_BYTES == 200 * 1024 * 1024


def test_the_size_limit_can_be_set_per_load(tmp_path):
    folder = copy_small(tmp_path)
    with (folder / "sources.csv").open("a", encoding="utf-8") as stream:
        stream.write("\n" * (1024 * 1024))  # blank lines: over a megabyte, still valid

    problems, _summary = load_failing_with(folder, "--max-file-size", "1")
    assert "sources.csv: the file is 1.0 MB; files over 1.0 MB are refused" in problems
    assert row_counts() == EMPTY

    call_command("load_registry", str(folder), "--max-file-size", "2", stdout=io.StringIO())
    assert Organization.objects.exists()


def test_a_size_limit_below_one_megabyte_is_refused_before_reading(tmp_path):
    with pytest.raises(CommandError, match="at least 1"):
        call_command("load_registry", str(copy_small(tmp_path)), "--max-file-size", "0")
    assert row_counts() == EMPTY


def test_an_unknown_csv_file_in_the_folder_is_reported(tmp_path):
    folder = copy_small(tmp_path)
    (folder / "organizations.csv").rename(folder / "organisations.csv")

    problems, _summary = load_failing(folder)

    assert "organisations.csv: unknown file; a registry folder holds domains.csv," in problems


def test_a_folder_without_registry_files_is_refused(tmp_path):
    (tmp_path / "README.md").write_text("notes", encoding="utf-8")

    problems, _summary = load_failing(tmp_path)

    assert f"{tmp_path}: no registry files in this folder" in problems


def test_a_path_that_does_not_exist_is_refused(tmp_path):
    _problems, summary = load_failing(tmp_path / "nowhere")

    assert summary == "1 problem(s) in the registry data; nothing was loaded."


def test_a_parent_cycle_is_reported(tmp_path):
    folder = copy_small(tmp_path)
    set_cell(folder, "organizations.csv", 1, "parent", "venice-commission")

    problems, _summary = load_failing(folder)

    assert (
        "organizations.csv:2:6: parent: the parents go round in a circle: "
        "council-of-europe → venice-commission → council-of-europe"
    ) in problems


def test_a_preferred_name_may_not_clash_with_one_the_data_does_not_list(tmp_path):
    who = OrganizationFactory(slug="world-health-organization")
    OrganizationNameFactory(organization=who, language="zh-hans", name="世卫", is_preferred=True)
    folder = copy_small(tmp_path)

    problems, _summary = load_failing(folder)

    assert (
        'names.csv:6:5: is_preferred: "world-health-organization" already has the preferred '
        'zh-hans name "世卫", which this data set does not list'
    ) in problems


# JSON ----------------------------------------------------------------------------


def _json_with(tmp_path: Path, change) -> Path:
    document = json.loads(SMALL_JSON.read_text(encoding="utf-8"))
    change(document)
    path = tmp_path / "registry.json"
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


JSON_PROBLEMS = [
    (
        lambda d: d["events"][1].update(announced_on="2026-13-01"),
        '$.events[1].announced_on: expected a date as YYYY-MM-DD, not "2026-13-01"',
    ),
    (
        lambda d: d["organizations"][0].update(founded="1948"),
        '$.organizations[0].founded: expected a year such as 1948, not "1948"',
    ),
    (
        lambda d: d["organizations"][0].update(un_related="true"),
        '$.organizations[0].un_related: expected true or false, not "true"',
    ),
    (
        lambda d: d["organizations"][0].update(domains="health"),
        "$.organizations[0].domains: expected a list of strings",
    ),
    (
        lambda d: d["names"][0].update(language="chinese"),
        '$.names[0].language: unknown value "chinese"; allowed: en, zh-hans',
    ),
    (
        lambda d: d["organizations"][0].update(colour="blue"),
        "$.organizations[0].colour: unknown field; the fields of organizations are: slug,",
    ),
    (
        lambda d: d["domains"][0].pop("name"),
        "$.domains[0]: missing fields: name",
    ),
    (lambda d: d["events"].append("event"), "$.events[3]: expected an object"),
    (lambda d: d.update(events={}), "$.events: expected a list of objects"),
    (lambda d: d.update(format="csv"), '$.format: expected "concordance-registry"'),
    (
        lambda d: d.update(version=2),
        "$.version: unsupported version 2; this Concordance reads version 1",
    ),
    (lambda d: d.update(people=[]), "$.people: unknown key"),
    (
        lambda d: d["events"][0].update(organization="who"),
        '$.events[0].organization: unknown organization "who"',
    ),
]


@pytest.mark.parametrize(("change", "what"), JSON_PROBLEMS, ids=[p[1][:40] for p in JSON_PROBLEMS])
def test_a_bad_json_value_is_reported_by_path_and_nothing_is_written(tmp_path, change, what):
    path = _json_with(tmp_path, change)

    problems, _summary = load_failing(path)

    assert f"{path}:{what}" in problems
    assert row_counts() == EMPTY


def test_malformed_json_is_reported_with_the_parsers_line_and_column(tmp_path):
    path = tmp_path / "registry.json"
    path.write_text(
        '{"format": "concordance-registry",\n "version": 1,\n "domains": [}\n', encoding="utf-8"
    )

    problems, _summary = load_failing(path)

    assert f"{path}:3:14: malformed JSON: " in problems


def test_a_json_file_that_is_not_utf8_is_rejected(tmp_path):
    path = tmp_path / "registry.json"
    path.write_bytes(
        SMALL_JSON.read_text(encoding="utf-8")
        .replace("Rule of law", "Règle")
        .encode("latin-1", errors="replace")
    )

    problems, _summary = load_failing(path)

    assert "the file is not UTF-8 text (byte 0xe8)" in problems
    assert row_counts() == EMPTY


def _export() -> str:
    stdout = io.StringIO()
    call_command("export_registry", stdout=stdout)
    return stdout.getvalue()


# Sources, relations and verifications ---------------------------------------------

WHO_EVENT = "who-withdrawal-announced-2025-01-20"
WHO_SOURCE = "https://www.federalregister.gov/d/2025-01957"


def add_columns(folder: Path, filename: str, **values_by_column: list[str]) -> None:
    """Append columns to a CSV file of the small data set, a value for each data row."""
    path = folder / filename
    with path.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    for column, values in values_by_column.items():
        rows[0].append(column)
        for row, value in zip(rows[1:], values, strict=True):
            row.append(value)
    with path.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream, lineterminator="\n").writerows(rows)


def with_verification(tmp_path, verified_on: str, source: str) -> Path:
    folder = copy_small(tmp_path)
    add_columns(
        folder,
        "events.csv",
        verified_on=["", "", verified_on],
        verified_source=["", "", source],
    )
    return folder


def test_files_written_before_the_new_columns_load_with_them_blank():
    """Relations default to a membership; events come without a verification."""
    load(SMALL)

    assert set(Organization.objects.values_list("relation", flat=True)) == {"member_state"}
    assert set(Source.objects.values_list("note", flat=True)) == {""}
    assert not MembershipEvent.objects.exclude(verified_at=None).exists()


def test_a_source_address_naming_a_whole_site_is_refused_where_it_is(tmp_path):
    folder = copy_small(tmp_path)
    with (folder / "sources.csv").open("a", encoding="utf-8") as stream:
        stream.write("https://www.who.int/,WHO home page,WHO,,,,,tertiary\n")

    problems, _summary = load_failing(folder)

    assert "sources.csv:4:1: url: This address names a whole site, not a document" in problems
    assert row_counts() == EMPTY


def test_a_relation_is_loaded_and_checked(tmp_path):
    folder = copy_small(tmp_path)
    add_columns(folder, "organizations.csv", relation=["observer", "", "member_state"])
    load(folder)
    relations = dict(Organization.objects.values_list("slug", "relation"))
    assert relations == {
        "council-of-europe": "observer",
        "venice-commission": "member_state",
        "world-health-organization": "member_state",
    }

    set_cell(folder, "organizations.csv", 1, "relation", "ally")
    problems, _summary = load_failing(folder)
    assert 'organizations.csv:2:13: relation: unknown value "ally"; allowed: member_state' in (
        problems
    )


def test_a_verification_names_its_source_and_its_date(tmp_path):
    load(with_verification(tmp_path, "2026-01-31", WHO_SOURCE))

    event = MembershipEvent.objects.get(key=WHO_EVENT)
    assert event.verified_source.url == WHO_SOURCE
    assert timezone.localdate(event.verified_at) == datetime.date(2026, 1, 31)
    assert event.verified_by is None
    assert event.is_verified


@pytest.mark.parametrize(
    ("verified_on", "source", "where", "what"),
    [
        ("2026-01-31", "", "events.csv:4:12", "verified_source: a verification names the source"),
        ("", WHO_SOURCE, "events.csv:4:11", "verified_on: a verification needs its date"),
        (
            "2026-01-31",
            "https://www.whitehouse.gov/presidential-actions/2026/01/"
            "withdrawing-the-united-states-from-international-organizations/",
            "events.csv:4:12",
            'verified_source: "https://www.whitehouse.gov/presidential-actions/2026/01/'
            'withdrawing-the-united-states-from-international-organizations/" is not among '
            "this event's sources",
        ),
    ],
)
def test_an_incomplete_or_foreign_verification_is_refused(
    tmp_path, verified_on, source, where, what
):
    problems, _summary = load_failing(with_verification(tmp_path, verified_on, source))

    assert f"{where}: {what}" in problems
    assert row_counts() == EMPTY


def test_a_row_without_a_verification_keeps_a_moderators(tmp_path, moderator):
    load(SMALL)
    event = MembershipEvent.objects.get(key=WHO_EVENT)
    membership_event_verify(event=event, source=event.sources.get(), by=moderator)

    assert "events: 0 created, 0 updated, 3 unchanged" in load(SMALL)
    event.refresh_from_db()
    assert event.verified_by == moderator


def test_a_load_that_changes_a_verified_events_facts_withdraws_its_verification(
    tmp_path, moderator
):
    load(SMALL)
    event = MembershipEvent.objects.get(key=WHO_EVENT)
    membership_event_verify(event=event, source=event.sources.get(), by=moderator)
    folder = copy_small(tmp_path)
    set_cell(folder, "events.csv", 3, "effective_on", "2026-02-22")

    load(folder)

    event.refresh_from_db()
    assert event.effective_on == datetime.date(2026, 2, 22)
    assert event.verified_at is None and event.verified_source is None


def test_a_load_that_drops_the_verifying_source_withdraws_the_verification(tmp_path, moderator):
    load(SMALL)
    event = MembershipEvent.objects.get(key=WHO_EVENT)
    membership_event_verify(event=event, source=event.sources.get(), by=moderator)
    folder = copy_small(tmp_path)
    set_cell(folder, "events.csv", 3, "sources", "")

    load(folder)

    event.refresh_from_db()
    assert event.verified_at is None and event.verified_source is None


def test_a_verification_in_the_data_replaces_another_and_loads_once(tmp_path, moderator):
    load(SMALL)
    event = MembershipEvent.objects.get(key=WHO_EVENT)
    membership_event_verify(event=event, source=event.sources.get(), by=moderator)
    folder = with_verification(tmp_path, "2026-01-31", WHO_SOURCE)

    assert "events: 0 created, 1 updated, 2 unchanged" in load(folder)
    assert "events: 0 created, 0 updated, 3 unchanged" in load(folder)
    event.refresh_from_db()
    assert event.verified_by is None
    assert timezone.localdate(event.verified_at) == datetime.date(2026, 1, 31)
