"""The registry exchange format: tables, their columns and how values are typed.

The same description drives reading (CSV and JSON), validation and export, so
the three can never disagree about a column's name, order or type.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

FORMAT_NAME = "concordance-registry"
FORMAT_VERSION = 1
LIST_SEPARATOR = ";"


class ColumnType(StrEnum):
    TEXT = "text"
    BOOLEAN = "boolean"
    YEAR = "year"
    DATE = "date"
    LIST = "list"


@dataclass(frozen=True)
class Column:
    """One column of a table.

    `added_later`: the column came after the first version of the format, so
    a file written before it may lack it; its cells are then blank.
    """

    name: str
    type: ColumnType = ColumnType.TEXT
    required: bool = False
    added_later: bool = False

    def empty_value(self):
        """The value a blank cell or a JSON null stands for."""
        if self.type is ColumnType.TEXT:
            return ""
        if self.type is ColumnType.LIST:
            return []
        return None


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)


T = ColumnType

DOMAINS = Table(
    "domains",
    (Column("slug", required=True), Column("name", required=True)),
    key=("slug",),
)
INSTRUMENTS = Table(
    "instruments",
    (
        Column("slug", required=True),
        Column("kind", required=True),
        Column("number"),
        Column("title", required=True),
        Column("signed_on", T.DATE),
        Column("citation"),
        Column("url"),
        Column("description"),
    ),
    key=("slug",),
)
ORGANIZATIONS = Table(
    "organizations",
    (
        Column("slug", required=True),
        Column("name", required=True),
        Column("acronym"),
        Column("kind", required=True),
        Column("un_related", T.BOOLEAN),
        Column("parent"),
        Column("domains", T.LIST),
        Column("founded", T.YEAR),
        Column("headquarters"),
        Column("website"),
        Column("wikidata_id"),
        Column("description"),
        Column("relation", added_later=True),
    ),
    key=("slug",),
)
NAMES = Table(
    "names",
    (
        Column("organization", required=True),
        Column("language", required=True),
        Column("name", required=True),
        Column("acronym"),
        Column("is_preferred", T.BOOLEAN),
    ),
    key=("organization", "language", "name"),
)
SOURCES = Table(
    "sources",
    (
        Column("url", required=True),
        Column("title", required=True),
        Column("publisher"),
        Column("published_on", T.DATE),
        Column("accessed_on", T.DATE),
        Column("archive_url"),
        Column("organizations", T.LIST),
        Column("kind", required=True, added_later=True),
        Column("note", added_later=True),
    ),
    key=("url",),
)
EVENTS = Table(
    "events",
    (
        Column("key", required=True),
        Column("organization", required=True),
        Column("country"),
        Column("kind", required=True),
        Column("announced_on", T.DATE),
        Column("effective_on", T.DATE),
        Column("date_precision"),
        Column("instrument"),
        Column("summary"),
        Column("sources", T.LIST),
        Column("verified_on", T.DATE, added_later=True),
        Column("verified_source", added_later=True),
    ),
    key=("key",),
)

# In the order they load: every table refers only to tables before it.
TABLES: tuple[Table, ...] = (DOMAINS, INSTRUMENTS, ORGANIZATIONS, NAMES, SOURCES, EVENTS)
TABLES_BY_NAME = {table.name: table for table in TABLES}
TABLES_BY_FILENAME = {table.filename: table for table in TABLES}
