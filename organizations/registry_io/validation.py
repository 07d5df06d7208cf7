"""Checks on the rows of a data set that need no database: required values,
choices, the models' own field validation, dates in order and duplicate keys.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils.translation import gettext as _

from organizations.models import (
    Domain,
    Instrument,
    MembershipEvent,
    Organization,
    OrganizationName,
    Source,
)
from organizations.registry_io.reading import Dataset, Problem, Row
from organizations.registry_io.schema import TABLES, ColumnType, Table
from organizations.status import Relation

MODELS: dict[str, type[models.Model]] = {
    "domains": Domain,
    "instruments": Instrument,
    "organizations": Organization,
    "names": OrganizationName,
    "sources": Source,
    "events": MembershipEvent,
}

CHOICES: dict[tuple[str, str], list[str]] = {
    ("instruments", "kind"): Instrument.Kind.values,
    ("organizations", "kind"): Organization.Kind.values,
    ("organizations", "relation"): Relation.values,
    ("sources", "kind"): Source.Kind.values,
    ("names", "language"): [code for code, _name in settings.LANGUAGES],
    ("events", "kind"): MembershipEvent.Kind.values,
    ("events", "date_precision"): MembershipEvent.Precision.values,
}

# What a blank optional cell means, where the model has a default.
DEFAULTS: dict[tuple[str, str], object] = {
    ("organizations", "un_related"): False,
    ("organizations", "relation"): Relation.MEMBER_STATE.value,
    ("names", "is_preferred"): False,
    ("events", "country"): "US",
    ("events", "date_precision"): MembershipEvent.Precision.DAY.value,
}


def _model_fields(table: Table) -> dict[str, models.Field]:
    """The columns the model validates itself: plain fields that are not choices."""
    model = MODELS[table.name]
    found = {}
    for column in table.columns:
        if (table.name, column.name) in CHOICES or column.type is ColumnType.LIST:
            continue
        try:
            model_field = model._meta.get_field(column.name)
        except FieldDoesNotExist:  # a column that names other records, such as `domains`
            continue
        if model_field.concrete and not model_field.is_relation:
            found[column.name] = model_field
    return found


def check_rows(dataset: Dataset) -> list[Problem]:
    """Check every row on its own and against the other rows of its file.

    Fills in the defaults for blank optional cells.
    """
    problems: list[Problem] = []
    for table in TABLES:
        rows = dataset.rows[table.name]
        model_fields = _model_fields(table)
        for row in rows:
            _check_row(row, table, model_fields, problems)
        _check_duplicates(rows, table, problems)
    _check_one_preferred_name(dataset.rows["names"], problems)
    return problems


def _check_row(
    row: Row, table: Table, model_fields: dict[str, models.Field], problems: list[Problem]
) -> None:
    values = row.values
    for column in table.columns:
        name = column.name
        if name in row.invalid:
            continue
        value = values[name]
        # PostgreSQL refuses text holding NUL; say so here rather than fail mid-load.
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(text, str) and "\x00" in text for text in texts):
            problems.append(row.problem(name, _("Null characters are not allowed.")))
            row.invalid.add(name)
            continue
        if value in ("", None, []):
            if column.required:
                problems.append(row.problem(name, _("a value is required")))
                row.invalid.add(name)
            elif (table.name, name) in DEFAULTS:
                values[name] = DEFAULTS[table.name, name]
            continue
        allowed = CHOICES.get((table.name, name))
        if allowed is not None:
            if value not in allowed:
                problems.append(
                    row.problem(
                        name,
                        _('unknown value "%(value)s"; allowed: %(allowed)s')
                        % {"value": value, "allowed": ", ".join(allowed)},
                    )
                )
                row.invalid.add(name)
            continue
        model_field = model_fields.get(name)
        if model_field is not None:
            try:
                model_field.clean(value, None)
            except ValidationError as error:
                problems.append(row.problem(name, " ".join(error.messages)))
                row.invalid.add(name)

    if table.name == "events":
        _check_verification(row, problems)
        announced, effective = values.get("announced_on"), values.get("effective_on")
        if row.is_valid("announced_on", "effective_on"):
            if announced is None and effective is None:
                problems.append(
                    row.problem("announced_on", _("an event needs announced_on or effective_on"))
                )
            elif announced and effective and effective < announced:
                problems.append(
                    row.problem(
                        "effective_on",
                        _("%(effective)s is before announced_on %(announced)s")
                        % {"effective": effective, "announced": announced},
                    )
                )
    elif (
        table.name == "organizations"
        and row.is_valid("slug", "parent")
        and values["parent"]
        and values["parent"] == values["slug"]
    ):
        problems.append(row.problem("parent", _("an organization cannot be its own parent")))
        row.invalid.add("parent")


def _check_verification(row: Row, problems: list[Problem]) -> None:
    """A verification gives its date and its source, one of the event's own sources."""
    if not row.is_valid("verified_on", "verified_source"):
        return
    verified_on, source = row.values["verified_on"], row.values["verified_source"]
    if verified_on is None and not source:
        return
    if not source:
        problems.append(
            row.problem("verified_source", _("a verification names the source it was made against"))
        )
        row.invalid.add("verified_source")
    elif verified_on is None:
        problems.append(row.problem("verified_on", _("a verification needs its date")))
        row.invalid.add("verified_on")
    elif row.is_valid("sources") and source not in row.values["sources"]:
        problems.append(
            row.problem(
                "verified_source",
                _('"%(source)s" is not among this event\'s sources') % {"source": source},
            )
        )
        row.invalid.add("verified_source")


def row_key(row: Row) -> tuple | None:
    """The row's natural key, or None when part of it could not be read."""
    key = tuple(row.values.get(name) for name in row.table.key)
    if not row.is_valid(*row.table.key) or any(part in ("", None) for part in key):
        return None
    return key


def _check_duplicates(rows: list[Row], table: Table, problems: list[Problem]) -> None:
    first_seen: dict[tuple, Row] = {}
    label = table.key[-1]
    for row in rows:
        key = row_key(row)
        if key is None:
            continue
        first = first_seen.setdefault(key, row)
        if first is not row:
            problems.append(
                row.problem(
                    label,
                    _('duplicate %(what)s "%(key)s"; first given at %(first)s')
                    % {
                        "what": " + ".join(table.key),
                        "key": " / ".join(key),
                        "first": first.where(),
                    },
                )
            )
            row.invalid.add(label)


def _check_one_preferred_name(rows: list[Row], problems: list[Problem]) -> None:
    preferred: dict[tuple[str, str], Row] = {}
    for row in rows:
        if row_key(row) is None or not row.values.get("is_preferred"):
            continue
        organization, language = row.values["organization"], row.values["language"]
        first = preferred.setdefault((organization, language), row)
        if first is not row:
            problems.append(
                row.problem(
                    "is_preferred",
                    _('"%(organization)s" already has a preferred %(language)s name at %(first)s')
                    % {"organization": organization, "language": language, "first": first.where()},
                )
            )
