"""Exporting the registry in the exchange format, deterministically.

Rows are sorted by natural key and lists inside a row are sorted (an event's
sources primary first, as it cites them), in Python rather than by the
database's collation, so that SQLite and PostgreSQL write byte-identical
files for the same registry.
"""

from __future__ import annotations

import csv
import datetime
import json
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.models import (
    Domain,
    Instrument,
    MembershipEvent,
    Organization,
    OrganizationName,
    Source,
)
from organizations.registry_io.schema import (
    DOMAINS,
    EVENTS,
    FORMAT_NAME,
    FORMAT_VERSION,
    INSTRUMENTS,
    LIST_SEPARATOR,
    NAMES,
    ORGANIZATIONS,
    SOURCES,
    TABLES,
    ColumnType,
    Table,
)

Record = dict[str, Any]


class ExportError(Exception):
    """The registry cannot be written in the requested format."""


def registry_records() -> dict[str, list[Record]]:
    """Every registry record as exchange-format values, table by table, in key order."""
    return {
        "domains": _domains(),
        "instruments": _instruments(),
        "organizations": _organizations(),
        "names": _names(),
        "sources": _sources(),
        "events": _events(),
    }


def _sorted(records: list[Record], table: Table) -> list[Record]:
    return sorted(records, key=lambda record: tuple(record[name] for name in table.key))


def _columns(model: type[Model], table: Table, **lookups: str) -> Iterator[tuple[int, Record]]:
    """Each record of `model` as its id and its values for the table's columns.

    A column reads the field of its own name unless `lookups` names another
    (the natural key of a related record); list columns are left to the caller.
    """
    names = [column.name for column in table.columns if column.type is not ColumnType.LIST]
    paths = [lookups.get(name, name) for name in names]
    for pk, *values in model.objects.order_by().values_list("pk", *paths):
        yield pk, dict(zip(names, values, strict=True))


def _linked(through: type[Model], owner: str, key: str) -> defaultdict[int, list[str]]:
    """Per owner id, the natural keys of the records a many-to-many relation links it to."""
    linked = defaultdict(list)
    for owner_id, value in through.objects.order_by().values_list(owner, key):
        linked[owner_id].append(value)
    return linked


def _domains() -> list[Record]:
    return _sorted([record for _pk, record in _columns(Domain, DOMAINS)], DOMAINS)


def _instruments() -> list[Record]:
    return _sorted([record for _pk, record in _columns(Instrument, INSTRUMENTS)], INSTRUMENTS)


def _organizations() -> list[Record]:
    domains = _linked(Organization.domains.through, "organization_id", "domain__slug")
    records = []
    for pk, record in _columns(Organization, ORGANIZATIONS, parent="parent__slug"):
        record["parent"] = record["parent"] or ""
        record["domains"] = sorted(domains[pk])
        records.append(record)
    return _sorted(records, ORGANIZATIONS)


def _names() -> list[Record]:
    records = _columns(OrganizationName, NAMES, organization="organization__slug")
    return _sorted([record for _pk, record in records], NAMES)


def _sources() -> list[Record]:
    organizations = _linked(Organization.sources.through, "source_id", "organization__slug")
    records = []
    for pk, record in _columns(Source, SOURCES):
        record["organizations"] = sorted(organizations[pk])
        records.append(record)
    return _sorted(records, SOURCES)


def _citation_order(sources: list[tuple[str, str]]) -> list[str]:
    """Source URLs as an event cites them: primary first (the kinds sort so), then by URL."""
    return [url for _kind, url in sorted(sources)]


def _events() -> list[Record]:
    sources = defaultdict(list)
    for event_id, kind, url in MembershipEvent.sources.through.objects.order_by().values_list(
        "membershipevent_id", "source__kind", "source__url"
    ):
        sources[event_id].append((kind, url))
    records = []
    for pk, record in _columns(
        MembershipEvent,
        EVENTS,
        organization="organization__slug",
        instrument="instrument__slug",
        verified_on="verified_at",
        verified_source="verified_source__url",
    ):
        record["instrument"] = record["instrument"] or ""
        record["sources"] = _citation_order(sources[pk])
        # A verification holds while the event cites its source (MembershipEvent.is_verified).
        verified_at, verified_source = record["verified_on"], record["verified_source"]
        holds = verified_at is not None and verified_source in record["sources"]
        record["verified_on"] = timezone.localdate(verified_at) if holds else None
        record["verified_source"] = verified_source if holds else ""
        records.append(record)
    return _sorted(records, EVENTS)


# Writing ----------------------------------------------------------------------


def registry_json(records: dict[str, list[Record]]) -> str:
    """The registry as one JSON document, ending with a newline."""
    document: dict[str, Any] = {"format": FORMAT_NAME, "version": FORMAT_VERSION}
    for table in TABLES:
        document[table.name] = [
            {column.name: _json_value(record[column.name]) for column in table.columns}
            for record in records[table.name]
        ]
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def write_csv(records: dict[str, list[Record]], directory: Path) -> list[Path]:
    """Write one CSV file per table into `directory` (created if need be); return their paths.

    Raises ExportError before writing anything when a list item contains the
    list separator and so could not be read back.
    """
    for table in TABLES:
        list_columns = [c.name for c in table.columns if c.type is ColumnType.LIST]
        for record in records[table.name]:
            for name in list_columns:
                for item in record[name]:
                    if LIST_SEPARATOR in item:
                        raise ExportError(
                            _(
                                '%(table)s: "%(item)s" contains "%(separator)s", which '
                                "separates list items in CSV; export as JSON instead"
                            )
                            % {"table": table.name, "item": item, "separator": LIST_SEPARATOR}
                        )
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for table in TABLES:
        path = directory / table.filename
        with path.open("w", encoding="utf-8", newline="") as stream:
            csv.writer(stream, lineterminator="\n").writerows(csv_rows(records, table))
        written.append(path)
    return written


def csv_rows(records: dict[str, list[Record]], table: Table) -> Iterator[list[str]]:
    """The header and the rows of one table as CSV cells, in the stable column order."""
    yield list(table.column_names)
    for record in records[table.name]:
        yield [_csv_value(column.type, record[column.name]) for column in table.columns]


def _csv_value(column_type: ColumnType, value: Any) -> str:
    if value is None:
        return ""
    if column_type is ColumnType.BOOLEAN:
        return "true" if value else "false"
    if column_type is ColumnType.LIST:
        return LIST_SEPARATOR.join(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)
