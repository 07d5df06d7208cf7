"""Hostile and broken registry files: every one is reported as a problem with its place,
none crashes the loader, none writes anything. And spreadsheet formulas in exports.

tests/organizations/test_load_registry.py covers the ordinary mistakes (bad cells,
unknown and missing columns, malformed quoting, Windows-1252 text, the size limit);
these are the files someone would craft or a broken tool would write.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from organizations.models import Domain, Organization, Source
from tests import factories
from tests.security.test_hostile_input import assert_inert

pytestmark = pytest.mark.django_db

SMALL = Path(__file__).resolve().parents[1] / "organizations" / "data" / "small"
FORMAT = {"format": "concordance-registry", "version": 1}


def load_failing(path: Path) -> str:
    """Load `path`, which must fail without writing; return the problems reported."""
    stderr = io.StringIO()
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("load_registry", str(path), stdout=io.StringIO(), stderr=stderr)
    assert not Organization.objects.exists()
    assert not Domain.objects.exists()
    return stderr.getvalue()


def load(path: Path) -> None:
    call_command("load_registry", str(path), stdout=io.StringIO(), stderr=io.StringIO())


def registry_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "registry"
    shutil.copytree(SMALL, folder)
    return folder


def rewrite_cell(folder: Path, filename: str, record: int, column: str, value: str) -> None:
    path = folder / filename
    with path.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    rows[record][rows[0].index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream, lineterminator="\n").writerows(rows)


# Encodings -------------------------------------------------------------------------


def test_a_utf16_file_is_refused_with_advice(tmp_path):
    folder = registry_folder(tmp_path)
    text = (folder / "domains.csv").read_text(encoding="utf-8")
    (folder / "domains.csv").write_text(text, encoding="utf-16")
    assert "domains.csv:1:1: the file is not UTF-8 text (byte 0xff); save it as UTF-8" in (
        load_failing(folder)
    )


def test_a_latin1_json_file_is_refused_with_its_position(tmp_path):
    path = tmp_path / "registry.json"
    document = {**FORMAT, "domains": [{"slug": "culture", "name": "Défense"}]}
    path.write_bytes(json.dumps(document, ensure_ascii=False).encode("latin-1"))
    assert "the file is not UTF-8 text (byte 0xe9)" in load_failing(path)


def test_a_json_file_with_a_byte_order_mark_loads(tmp_path):
    path = tmp_path / "registry.json"
    document = {**FORMAT, "domains": [{"slug": "culture", "name": "Culture"}]}
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(document).encode())
    load(path)
    assert Domain.objects.get().name == "Culture"


def test_windows_line_endings_load(tmp_path):
    folder = registry_folder(tmp_path)
    for path in folder.iterdir():
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    load(folder)
    assert Organization.objects.filter(slug="council-of-europe").exists()


# Characters no database column should hold ---------------------------------------------


def test_a_nul_character_in_a_csv_cell_is_reported(tmp_path):
    folder = registry_folder(tmp_path)
    rewrite_cell(folder, "domains.csv", 1, "name", "Cli\x00mate")
    assert "domains.csv:2:2: name: Null characters are not allowed." in load_failing(folder)


def test_a_nul_character_in_a_json_string_is_reported(tmp_path):
    path = tmp_path / "registry.json"
    document = {**FORMAT, "domains": [{"slug": "culture", "name": "Cul\u0000ture"}]}
    path.write_text(json.dumps(document), encoding="utf-8")
    assert "$.domains[0].name: Null characters are not allowed." in load_failing(path)


def test_hostile_markup_in_the_data_loads_as_text_and_stays_text_on_the_page(client, tmp_path):
    folder = registry_folder(tmp_path)
    rewrite_cell(folder, "organizations.csv", 1, "name", '"><script>alert(1)</script>')
    rewrite_cell(folder, "organizations.csv", 1, "description", "<img src=x onerror=alert(1)>")
    load(folder)
    organization = Organization.objects.get(slug="council-of-europe")
    assert organization.name == '"><script>alert(1)</script>'
    response = client.get(organization.get_absolute_url())
    assert_inert(response, organization.get_absolute_url())
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.content.decode()


# Script URLs ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "column"),
    [
        ("sources.csv", "url"),
        ("sources.csv", "archive_url"),
        ("instruments.csv", "url"),
        ("organizations.csv", "website"),
    ],
)
@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:x"]
)
def test_a_script_url_in_the_data_is_refused(tmp_path, filename, column, url):
    folder = registry_folder(tmp_path)
    rewrite_cell(folder, filename, 1, column, url)
    problems = load_failing(folder)
    assert f"{column}: Enter a valid URL." in problems
    assert not Source.objects.exists()


# Structure ----------------------------------------------------------------------------


def test_json_nested_deeper_than_python_can_read_is_reported(tmp_path):
    path = tmp_path / "registry.json"
    depth = 200_000
    path.write_text(
        '{"format": "concordance-registry", "version": 1, "domains": '
        + "[" * depth
        + "]" * depth
        + "}",
        encoding="utf-8",
    )
    assert "registry.json: malformed JSON: nested too deeply" in load_failing(path)


def test_a_json_number_too_long_to_read_is_reported(tmp_path):
    path = tmp_path / "registry.json"
    path.write_text(
        '{"format": "concordance-registry", "version": 1, "organizations": '
        '[{"founded": 1' + "0" * 5000 + "}]}",
        encoding="utf-8",
    )
    assert "registry.json: malformed JSON: Exceeds the limit" in load_failing(path)


@pytest.mark.parametrize(
    ("domains", "what"),
    [
        ({"slug": "culture"}, "$.domains: expected a list of objects"),
        ([1, None, ["culture", "Culture"]], "$.domains[0]: expected an object"),
        ([{"slug": 5, "name": "Five"}], "$.domains[0].slug: expected a string, not 5"),
        ([{"slug": "x", "name": {"en": "X"}}], '$.domains[0].name: expected a string, not {"en"'),
    ],
)
def test_json_of_the_wrong_shape_is_reported_by_path(tmp_path, domains, what):
    path = tmp_path / "registry.json"
    path.write_text(json.dumps({**FORMAT, "domains": domains}), encoding="utf-8")
    assert what in load_failing(path)


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("", "$: expected an object"),
        ("[1, 2]", '$: expected an object with "format"'),
        ('{"format": "concordance-registry", "version": true}', "$.version: unsupported"),
        ('{"format": "other", "version": 1}', '$.format: expected "concordance-registry"'),
        ('{"format": "concordance-registry", "version": 1, "x": []}', "$.x: unknown key"),
        ('{"format": "concordance-registry", "version": 1, "domains": [NaN]}', "$.domains[0]"),
    ],
)
def test_a_json_file_that_is_not_a_registry_is_reported(tmp_path, text, what):
    path = tmp_path / "registry.json"
    path.write_text(text, encoding="utf-8")
    problems = load_failing(path)
    assert what in problems or "malformed JSON" in problems


def test_a_cell_larger_than_the_csv_field_limit_is_reported(tmp_path):
    folder = registry_folder(tmp_path)
    rewrite_cell(folder, "organizations.csv", 1, "description", "x" * 200_000)
    assert "organizations.csv:2:1: malformed CSV: field larger than field limit" in (
        load_failing(folder)
    )


def test_duplicate_slugs_are_reported_with_the_first_place(tmp_path):
    folder = registry_folder(tmp_path)
    rewrite_cell(folder, "domains.csv", 2, "slug", "climate")
    problems = load_failing(folder)
    assert 'domains.csv:3:1: slug: duplicate slug "climate"' in problems
    assert "domains.csv:2" in problems


def test_a_header_repeated_as_a_column_is_reported(tmp_path):
    folder = registry_folder(tmp_path)
    (folder / "domains.csv").write_text("slug,name,slug\nculture,Culture,x\n", encoding="utf-8")
    assert 'domains.csv:1:3: column "slug" appears twice' in load_failing(folder)


def test_a_file_of_binary_noise_is_reported(tmp_path):
    folder = registry_folder(tmp_path)
    (folder / "domains.csv").write_bytes(bytes(range(256)) * 8)
    assert "domains.csv" in load_failing(folder)


# Spreadsheet formulas in exports ----------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://evil","x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def test_the_registry_download_neutralises_formulas_in_every_text_column(client):
    parent = factories.OrganizationFactory(slug="parent")
    for number, formula in enumerate(FORMULAS):
        organization = factories.OrganizationFactory(
            slug=f"formula-{number}", name=formula, acronym=formula[:40], parent=parent
        )
        organization.domains.add(factories.DomainFactory(slug=f"d{number}", name=formula))
    response = client.get(reverse("organizations:list"), {"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    for row in rows:
        for column, cell in row.items():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (column, cell)
    named = {row["slug"]: row for row in rows}
    assert named["formula-0"]["name"] == "'" + FORMULAS[0]


def test_export_registry_csv_keeps_formula_text_verbatim_and_round_trips(tmp_path):
    """The exchange format is data for load_registry, not a spreadsheet: no prefix is
    added, so a load of the export gives back exactly the same text (docs/security.md).
    Leading whitespace is left out: the loader trims every cell."""
    for number, formula in enumerate(FORMULAS[:4]):
        factories.OrganizationFactory(slug=f"formula-{number}", name=formula, description=formula)
    first = tmp_path / "first"
    call_command("export_registry", "--format", "csv", "--output", str(first), verbosity=0)
    names = {
        row["slug"]: row["name"]
        for row in csv.DictReader((first / "organizations.csv").open(encoding="utf-8"))
    }
    assert names["formula-0"] == FORMULAS[0]
    Organization.objects.all().delete()
    load(first)
    second = tmp_path / "second"
    call_command("export_registry", "--format", "csv", "--output", str(second), verbosity=0)
    for path in first.iterdir():
        assert (second / path.name).read_bytes() == path.read_bytes(), path.name
    assert Organization.objects.get(slug="formula-1").name == "+1+1"
