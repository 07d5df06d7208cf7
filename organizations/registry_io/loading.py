"""Loading a registry data set: check everything, then upsert in bulk, in one transaction.

Records are matched by natural key (domain, instrument and organization slug;
name = organization + language + name; source URL; event key). Records the
data set does not mention are left alone. For the records it does mention,
the many-to-many sets (an organization's domains, a source's organizations,
an event's sources) become exactly what the data says.

An event's verification is the exception, as the data may not know of it: a
row that gives one (its date and source) sets it, and a row that gives none
leaves the stored one, unless this load changes one of the event's facts or
stops citing the source it was made against, which withdraws it as every
other writer of the registry does (`organizations.services`).

The database is read once per table (whole tables, as ids and compared
columns: the registry is small enough, and filtering by tens of thousands of
keys would run into SQLite's limit on query parameters), then new records are
inserted with bulk_create and changed ones written with bulk_update, in
batches, so that the number of queries does not grow with the number of rows.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from django.db import IntegrityError, models, transaction
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
from organizations.registry_io.reading import (
    PROGRESS_EVERY,
    Dataset,
    Problem,
    Progress,
    RegistryError,
    Row,
    read_registry,
)
from organizations.registry_io.schema import TABLES, TABLES_BY_NAME
from organizations.registry_io.validation import check_rows, row_key
from organizations.services import ANNOUNCED_MODELS, EVENT_FACTS, registry_change

BUNDLED_REGISTRY = Path(__file__).resolve().parent.parent / "data" / "registry"

# Rows per INSERT are chosen so that no statement binds more parameters than
# this: SQLite allows 32,766 by default, PostgreSQL 65,535.
PARAMETER_BUDGET = 30_000
# bulk_update writes one CASE branch per row and column; large CASEs get slow.
UPDATE_BATCH_SIZE = 1_000

# The columns compared to decide whether an existing record changed.
DOMAIN_FIELDS = ("name",)
INSTRUMENT_FIELDS = ("kind", "number", "title", "signed_on", "citation", "url", "description")
ORGANIZATION_FIELDS = (
    "name",
    "acronym",
    "kind",
    "un_related",
    "founded",
    "headquarters",
    "website",
    "wikidata_id",
    "description",
    "relation",
)
NAME_FIELDS = ("acronym", "is_preferred")
SOURCE_FIELDS = (
    "title",
    "publisher",
    "published_on",
    "accessed_on",
    "archive_url",
    "kind",
    "note",
)
EVENT_FIELDS = (
    "organization_id",
    "country",
    "kind",
    "announced_on",
    "effective_on",
    "date_precision",
    "instrument_id",
    "summary",
)
# The columns of an event's facts, whose change withdraws its verification.
EVENT_FACT_COLUMNS = frozenset(
    MembershipEvent._meta.get_field(name).attname for name in EVENT_FACTS
)
VERIFICATION_COLUMNS = ("verified_source_id", "verified_at")

# Per table: its model, the fields of its natural key and the columns compared.
# An organization's parent_id rides along (last) but is compared separately: a
# new organization's parent may be created in the same load.
TABLE_MODELS: dict[str, tuple[type[models.Model], tuple[str, ...], tuple[str, ...]]] = {
    "domains": (Domain, ("slug",), DOMAIN_FIELDS),
    "instruments": (Instrument, ("slug",), INSTRUMENT_FIELDS),
    "organizations": (Organization, ("slug",), (*ORGANIZATION_FIELDS, "parent_id")),
    "names": (OrganizationName, ("organization_id", "language", "name"), NAME_FIELDS),
    "sources": (Source, ("url",), SOURCE_FIELDS),
    "events": (MembershipEvent, ("key",), EVENT_FIELDS),
}

# Per table with a list of links: the table the list names records of (the
# column has its name), then the through model with its owner and target columns.
TABLE_LINKS: dict[str, tuple[str, type[models.Model], str, str]] = {
    "organizations": ("domains", Organization.domains.through, "organization_id", "domain_id"),
    "sources": ("organizations", Organization.sources.through, "source_id", "organization_id"),
    "events": ("sources", MembershipEvent.sources.through, "membershipevent_id", "source_id"),
}


@dataclass
class TableReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class LoadReport:
    """What a load did, table by table."""

    tables: dict[str, TableReport] = field(
        default_factory=lambda: {table.name: TableReport() for table in TABLES}
    )

    @property
    def created(self) -> int:
        return sum(report.created for report in self.tables.values())

    @property
    def updated(self) -> int:
        return sum(report.updated for report in self.tables.values())

    @property
    def unchanged(self) -> int:
        return sum(report.unchanged for report in self.tables.values())


def load_registry(
    *,
    path: Path = BUNDLED_REGISTRY,
    progress: Progress | None = None,
    max_file_bytes: int | None = None,
) -> LoadReport:
    """Check the data set at `path` completely, then create and update records from it.

    Raises RegistryError listing every problem found, and then nothing is written.
    """
    dataset = read_registry(path, progress=progress, max_file_bytes=max_file_bytes)
    problems = dataset.problems + check_rows(dataset)
    try:
        with transaction.atomic():
            existing = _Existing()
            problems += _check_references(dataset, existing)
            if problems:
                raise RegistryError(problems)
            return _Writer(dataset, existing, progress).write()
    except IntegrityError as error:
        raise RegistryError(
            [Problem(str(path), _("the database refused the data: %(error)s") % {"error": error})]
        ) from error


class _Existing:
    """The registry as it is in the database, each table fetched once when first needed."""

    def __init__(self) -> None:
        self._tables: dict[str, dict[tuple, tuple[int, tuple]]] = {}

    def table(self, name: str) -> dict[tuple, tuple[int, tuple]]:
        """The table's records by natural key, each as (id, the compared columns' values)."""
        if name not in self._tables:
            self._tables[name] = _fetch(*TABLE_MODELS[name])
        return self._tables[name]

    @cached_property
    def organization_slugs(self) -> dict[int, str]:
        return {pk: slug for (slug,), (pk, _values) in self.table("organizations").items()}

    @cached_property
    def event_verifications(self) -> dict[int, tuple[int, datetime.datetime]]:
        """The source and time of each verified event, by event id."""
        return {
            pk: (source_pk, verified_at)
            for pk, source_pk, verified_at in MembershipEvent.objects.filter(
                verified_at__isnull=False
            )
            .order_by()
            .values_list("pk", *VERIFICATION_COLUMNS)
        }

    def links(self, through: type[models.Model], owner: str, target: str) -> list[tuple]:
        return list(through.objects.order_by().values_list("pk", owner, target))


def _fetch(
    model: type[models.Model], key_fields: tuple[str, ...], fields: tuple[str, ...]
) -> dict[tuple, tuple[int, tuple]]:
    width = len(key_fields)
    return {
        tuple(values[:width]): (pk, tuple(values[width:]))
        for pk, *values in model.objects.order_by().values_list("pk", *key_fields, *fields)
    }


# References -----------------------------------------------------------------


def _keys(dataset: Dataset, table: str) -> set[str]:
    """The slugs (or URLs) a table of the data set defines, well-formed or not.

    A badly formed slug is reported once, where it is defined, not again at
    every row that refers to it.
    """
    (name,) = TABLES_BY_NAME[table].key
    return {value for row in dataset.rows[table] if (value := row.values.get(name))}


def _check_references(dataset: Dataset, existing: _Existing) -> list[Problem]:
    """Every slug or URL a row names must be in the data set or already in the database."""
    problems: list[Problem] = []
    rows = dataset.rows
    needs_organizations = any(rows[t] for t in ("organizations", "names", "sources", "events"))

    def known_in(table: str) -> set[str]:
        return _keys(dataset, table) | {key for (key,) in existing.table(table)}

    known = {
        "domain": known_in("domains") if rows["organizations"] else set(),
        "organization": known_in("organizations") if needs_organizations else set(),
        "instrument": known_in("instruments") if rows["events"] else set(),
        "source": known_in("sources") if rows["events"] else set(),
    }
    tables = {
        "domain": "domains",
        "organization": "organizations",
        "instrument": "instruments",
        "source": "sources",
    }
    messages = {
        "domain": _('unknown domain "%(slug)s"'),
        "organization": _('unknown organization "%(slug)s"'),
        "instrument": _('unknown instrument "%(slug)s"'),
        "source": _('unknown source "%(slug)s"; list it in sources first'),
    }

    def check(row: Row, column: str, kind: str) -> None:
        if not row.is_valid(column) or tables[kind] in dataset.unreadable:
            return
        value = row.values[column]
        for slug in value if isinstance(value, list) else [value] if value else []:
            if slug not in known[kind]:
                problems.append(row.problem(column, messages[kind] % {"slug": slug}))
                row.invalid.add(column)

    for row in rows["organizations"]:
        check(row, "parent", "organization")
        check(row, "domains", "domain")
    for row in rows["names"]:
        check(row, "organization", "organization")
    for row in rows["sources"]:
        check(row, "organizations", "organization")
    for row in rows["events"]:
        check(row, "organization", "organization")
        check(row, "instrument", "instrument")
        check(row, "sources", "source")
    if rows["organizations"]:
        problems += _check_parent_cycles(rows["organizations"], existing)
    if rows["names"] and "names" not in dataset.unreadable:
        problems += _check_preferred_names(rows["names"], existing)
    return problems


def _check_parent_cycles(rows: list[Row], existing: _Existing) -> list[Problem]:
    slugs = existing.organization_slugs
    parents = {
        slug: slugs.get(values[-1])
        for (slug,), (_pk, values) in existing.table("organizations").items()
    }
    for row in rows:
        if row_key(row) and row.is_valid("parent"):
            parents[row.values["slug"]] = row.values["parent"] or None
    problems = []
    for row in rows:
        if not (row_key(row) and row.is_valid("parent") and row.values["parent"]):
            continue
        chain = [row.values["slug"]]
        parent = row.values["parent"]
        while parent is not None and parent not in chain:
            chain.append(parent)
            parent = parents.get(parent)
        if parent is not None:
            problems.append(
                row.problem(
                    "parent",
                    _("the parents go round in a circle: %(chain)s")
                    % {"chain": " → ".join([*chain, parent])},
                )
            )
    return problems


def _check_preferred_names(rows: list[Row], existing: _Existing) -> list[Problem]:
    """A preferred name may not clash with a preferred name the data set does not mention."""
    listed = {row_key(row) for row in rows}
    preferred_now = {
        (organization_id, language): name
        for (organization_id, language, name), (_pk, (_acronym, is_preferred)) in (
            existing.table("names").items()
        )
        if is_preferred
    }
    problems = []
    for row in rows:
        key = row_key(row)
        if key is None or not row.values["is_preferred"] or not row.is_valid("organization"):
            continue
        slug, language, name = key
        found = existing.table("organizations").get((slug,))
        current = preferred_now.get((found[0], language)) if found else None
        if current is not None and current != name and (slug, language, current) not in listed:
            problems.append(
                row.problem(
                    "is_preferred",
                    _(
                        '"%(organization)s" already has the preferred %(language)s name '
                        '"%(current)s", which this data set does not list; list it with '
                        "is_preferred false"
                    )
                    % {"organization": slug, "language": language, "current": current},
                )
            )
    return problems


# Writing --------------------------------------------------------------------


@dataclass
class _Saved:
    pks: dict[tuple, int]  # by natural key: every record, whether it was there before or is new
    total: int  # rows in the data set
    created: set[tuple]
    updated: set[tuple]


class _Writer:
    """Writes a checked data set, table by table, parents before the rows that name them."""

    def __init__(self, dataset: Dataset, existing: _Existing, progress: Progress | None):
        self.rows = dataset.rows
        self.existing = existing
        self.progress = progress
        self.report = LoadReport()
        self.saved: dict[str, _Saved] = {}
        self.pk_maps: dict[str, dict[str, int]] = {}
        self.now = timezone.now()
        # Records that changed, by model: (pk, old values, new values).
        self.changed: dict[type[models.Model], list[tuple[int, dict, dict]]] = defaultdict(list)

    def write(self) -> LoadReport:
        """Write every table, announcing what changed as one registry change."""
        with registry_change() as change:
            # Bulk writes send no model signals: the change is announced by hand.
            change.start()
            self._write_tables()
            for model in ANNOUNCED_MODELS:
                for pk, old, new in self.changed[model]:
                    change.record(model, pk, old, new)
        return self.report

    def _write_tables(self) -> None:
        for table, write in (
            ("domains", self._domains),
            ("instruments", self._instruments),
            ("organizations", self._organizations),
            ("names", self._names),
            ("sources", self._sources),
            ("events", self._events),
        ):
            if self.rows[table]:
                write()

    def _pks(self, table: str) -> dict[str, int]:
        """Ids by slug (or URL): the table as it was, plus what this load created."""
        if table not in self.pk_maps:
            saved = self.saved.get(table)
            if saved is not None:
                pairs = saved.pks.items()
            else:
                pairs = ((key, pk) for key, (pk, _values) in self.existing.table(table).items())
            self.pk_maps[table] = {key: pk for (key,), pk in pairs}
        return self.pk_maps[table]

    # Tables.

    def _domains(self) -> None:
        desired = {
            (row.values["slug"],): {"name": row.values["name"]} for row in self.rows["domains"]
        }
        saved = self._save("domains", desired)
        self._count("domains", saved)

    def _instruments(self) -> None:
        desired = {
            (row.values["slug"],): {name: row.values[name] for name in INSTRUMENT_FIELDS}
            for row in self.rows["instruments"]
        }
        saved = self._save("instruments", desired)
        self._count("instruments", saved)

    def _organizations(self) -> None:
        rows = self.rows["organizations"]
        existing = self.existing.table("organizations")
        desired = {
            (row.values["slug"],): {
                **{name: row.values[name] for name in ORGANIZATION_FIELDS},
                "parent_id": row.values["parent"] or None,
            }
            for row in rows
        }

        def resolve(values: dict[str, Any], pks: dict[tuple, int]) -> dict[str, Any]:
            parent = values["parent_id"]
            return {**values, "parent_id": pks[(parent,)] if parent else None}

        saved = self._save(
            "organizations",
            desired,
            waves=_parents_first(
                {slug: values["parent_id"] for (slug,), values in desired.items()},
                {slug for (slug,) in existing},
            ),
            resolve=resolve,
        )
        relinked = self._relink("organizations", rows)
        self._count("organizations", saved, relinked, touch=Organization)

    def _names(self) -> None:
        pks = self._pks("organizations")
        desired = {
            (pks[row.values["organization"]], row.values["language"], row.values["name"]): {
                "acronym": row.values["acronym"],
                "is_preferred": row.values["is_preferred"],
            }
            for row in self.rows["names"]
        }
        saved = self._save("names", desired)
        self._count("names", saved)

    def _sources(self) -> None:
        rows = self.rows["sources"]
        desired = {
            (row.values["url"],): {name: row.values[name] for name in SOURCE_FIELDS} for row in rows
        }
        saved = self._save("sources", desired)
        relinked = self._relink("sources", rows)
        self._count("sources", saved, relinked)

    def _events(self) -> None:
        rows = self.rows["events"]
        organization_pks = self._pks("organizations")
        instrument_pks = (
            self._pks("instruments") if any(r.values["instrument"] for r in rows) else {}
        )
        source_pks = self._pks("sources") if any(r.values["sources"] for r in rows) else {}
        desired = {}
        for row in rows:
            values = row.values
            desired[(values["key"],)] = {
                "organization_id": organization_pks[values["organization"]],
                "country": values["country"],
                "kind": values["kind"],
                "announced_on": values["announced_on"],
                "effective_on": values["effective_on"],
                "date_precision": values["date_precision"],
                "instrument_id": instrument_pks[values["instrument"]]
                if values["instrument"]
                else None,
                "summary": values["summary"],
                # Compared apart (see _verifications); a new event is created verified.
                **_verification(values, source_pks),
            }
        saved = self._save("events", desired)
        cited = self._links_named("events", rows)
        relinked = self._relink("events", rows, cited)
        reverified = self._verifications(rows, saved, source_pks, cited)
        self._count("events", saved, relinked | reverified, touch=MembershipEvent)

    def _verifications(
        self, rows: list[Row], saved: _Saved, source_pks: dict[str, int], cited: dict[int, set]
    ) -> set[int]:
        """Set the verifications the rows give; withdraw those whose facts or source went.

        Returns the events whose verification changed.
        """
        stored = self.existing.event_verifications if self.existing.table("events") else {}
        facts_changed = {
            pk
            for pk, old, new in self.changed[MembershipEvent]
            if any(old[name] != new[name] for name in EVENT_FACT_COLUMNS)
        }
        changed: dict[int, tuple[int | None, datetime.datetime | None]] = {}
        for row in rows:
            key = (row.values["key"],)
            if key in saved.created:
                continue
            pk = saved.pks[key]
            source_pk, verified_at = stored.get(pk, (None, None))
            wanted = _verification(row.values, source_pks)
            if wanted:
                if (
                    verified_at is None
                    or wanted["verified_source_id"] != source_pk
                    or timezone.localdate(verified_at) != row.values["verified_on"]
                ):
                    changed[pk] = (wanted["verified_source_id"], wanted["verified_at"])
            elif verified_at is not None and (pk in facts_changed or source_pk not in cited[pk]):
                changed[pk] = (None, None)
        if not changed:
            return set()
        records = [
            MembershipEvent(
                pk=pk,
                verified_source_id=source_pk,
                verified_at=verified_at,
                verified_by_id=None,
                updated_at=self.now,
            )
            for pk, (source_pk, verified_at) in changed.items()
        ]
        MembershipEvent.objects.bulk_update(
            records,
            ["verified_source", "verified_at", "verified_by", "updated_at"],
            batch_size=UPDATE_BATCH_SIZE,
        )
        self._record_verifications(stored, changed)
        return set(changed)

    def _record_verifications(self, stored: dict, changed: dict) -> None:
        """Add the verifications that changed to what the load announces, one entry per event."""
        entries = {pk: (old, new) for pk, old, new in self.changed[MembershipEvent]}
        for pk, after in changed.items():
            old, new = entries.get(pk, ({}, {}))
            before = stored.get(pk, (None, None))
            entries[pk] = (
                {**old, **dict(zip(VERIFICATION_COLUMNS, before, strict=True))},
                {**new, **dict(zip(VERIFICATION_COLUMNS, after, strict=True))},
            )
        self.changed[MembershipEvent] = [(pk, old, new) for pk, (old, new) in entries.items()]

    # Building blocks.

    def _save(
        self,
        table: str,
        desired: dict[tuple, dict[str, Any]],
        *,
        waves: list[list[tuple]] | None = None,
        resolve: Callable[[dict[str, Any], dict[tuple, int]], dict[str, Any]] | None = None,
    ) -> _Saved:
        """Create the records that are new and update the fields that changed.

        The table's model, key and compared columns are those of TABLE_MODELS;
        what is new or changed is judged against the table as it was.
        `waves` orders the keys when new records name one another (parents
        before children); `resolve(values, pks)` turns such names into ids
        once the records they name exist.
        """
        model, key_fields, fields = TABLE_MODELS[table]
        existing = self.existing.table(table)
        has_timestamp = any(f.name == "updated_at" for f in model._meta.concrete_fields)
        pks = {key: pk for key, (pk, _values) in existing.items()}
        created: set[tuple] = set()
        updated: set[tuple] = set()
        demoted, changed, changed_fields = [], [], set()
        for wave in waves or [list(desired)]:
            new = []
            for key in wave:
                values = desired[key] if resolve is None else resolve(desired[key], pks)
                identity = dict(zip(key_fields, key, strict=True))
                current = existing.get(key)
                if current is None:
                    new.append((key, model(**identity, **values)))
                    continue
                differs = [
                    name
                    for name, old in zip(fields, current[1], strict=True)
                    if values[name] != old
                ]
                if not differs:
                    continue
                record = model(pk=current[0], **identity, **values)
                self.changed[model].append(
                    (current[0], dict(zip(fields, current[1], strict=True)), values)
                )
                if has_timestamp:
                    record.updated_at = self.now
                # A name stops being preferred before another takes its place,
                # or the one-preferred-name constraint would see two at once.
                if "is_preferred" in differs and not values["is_preferred"]:
                    demoted.append(record)
                else:
                    changed.append(record)
                changed_fields.update(differs)
                updated.add(key)
            self._bulk_create(model, table, [record for _key, record in new])
            for key, record in new:
                pks[key] = record.pk
                created.add(key)
        update_fields = [name for name in fields if name in changed_fields]
        if has_timestamp:
            update_fields.append("updated_at")
        for group in (demoted, changed):
            if group:
                model.objects.bulk_update(group, update_fields, batch_size=UPDATE_BATCH_SIZE)
        saved = _Saved(pks=pks, total=len(desired), created=created, updated=updated)
        self.saved[table] = saved
        return saved

    def _bulk_create(self, model: type[models.Model], table: str, records: list) -> None:
        columns = len([f for f in model._meta.concrete_fields if not f.primary_key])
        batch_size = max(1, PARAMETER_BUDGET // max(columns, 1))
        total, done, reported = len(records), 0, 0
        for start in range(0, total, batch_size):
            batch = records[start : start + batch_size]
            # Both supported backends (PostgreSQL, SQLite >= 3.35) return the new
            # ids, which bulk_create sets on the records; later tables need them.
            model.objects.bulk_create(batch, batch_size=batch_size)
            done += len(batch)
            if self.progress and done // PROGRESS_EVERY > reported:
                reported = done // PROGRESS_EVERY
                self.progress(
                    _("%(table)s: %(done)s of %(total)s created")
                    % {"table": table, "done": f"{done:,}", "total": f"{total:,}"}
                )

    def _links_named(self, table: str, rows: list[Row]) -> dict[int, set[int]]:
        """Per row's record, the ids of the records its list of links names (TABLE_LINKS)."""
        linked, _through, _owner, _target = TABLE_LINKS[table]
        (key,) = TABLES_BY_NAME[table].key
        pks = self._pks(table)
        linked_pks = self._pks(linked) if any(row.values[linked] for row in rows) else {}
        return {
            pks[row.values[key]]: {linked_pks[name] for name in row.values[linked]} for row in rows
        }

    def _relink(
        self, table: str, rows: list[Row], named: dict[int, set[int]] | None = None
    ) -> set[int]:
        """Link each row's record to exactly the records its list of links names.

        `named` is `_links_named(table, rows)` when the caller has it already.
        Returns the records whose links changed.
        """
        _linked, through, owner, target = TABLE_LINKS[table]
        if named is None:
            named = self._links_named(table, rows)
        return self._sync_links(through, owner, target, named)

    def _sync_links(
        self,
        through: type[models.Model],
        owner: str,
        target: str,
        desired: dict[int, set[int]],
    ) -> set[int]:
        """Make each owner's links exactly `desired`; return the owners whose links changed."""
        current: dict[int, set[int]] = defaultdict(set)
        stale = []
        changed = set()
        for pk, owner_pk, target_pk in self.existing.links(through, owner, target):
            wanted = desired.get(owner_pk)
            if wanted is None:
                continue
            if target_pk in wanted:
                current[owner_pk].add(target_pk)
            else:
                stale.append(pk)
                changed.add(owner_pk)
        fresh = []
        for owner_pk, targets in desired.items():
            for target_pk in targets - current[owner_pk]:
                fresh.append(through(**{owner: owner_pk, target: target_pk}))
                changed.add(owner_pk)
        for chunk in _chunks(stale, PARAMETER_BUDGET):
            through.objects.filter(pk__in=chunk).delete()
        through.objects.bulk_create(fresh, batch_size=PARAMETER_BUDGET // 2)
        return changed

    def _count(
        self,
        table: str,
        saved: _Saved,
        relinked: set[int] = frozenset(),
        touch: type[models.Model] | None = None,
    ) -> None:
        """Tally the table; a record whose links alone changed counts as updated, too."""
        created = {saved.pks[key] for key in saved.created}
        updated = {saved.pks[key] for key in saved.updated}
        relinked_only = relinked - created - updated
        if touch is not None:
            for chunk in _chunks(sorted(relinked_only), PARAMETER_BUDGET):
                touch.objects.filter(pk__in=chunk).update(updated_at=self.now)
        report = self.report.tables[table]
        report.created = len(created)
        report.updated = len(updated | relinked_only)
        report.unchanged = saved.total - report.created - report.updated


def _verification(values: dict[str, Any], source_pks: dict[str, int]) -> dict[str, Any]:
    """The verification a row gives, as the event's columns; empty when it gives none.

    The date becomes the start of that day in the site's time zone, which
    the export turns back into the same date.
    """
    if not values["verified_source"]:
        return {}
    midnight = datetime.datetime.combine(values["verified_on"], datetime.time.min)
    return {
        "verified_source_id": source_pks[values["verified_source"]],
        "verified_at": timezone.make_aware(midnight),
    }


def _parents_first(parents: dict[str, str | None], existing: set[str]) -> list[list[tuple]]:
    """Organization keys in waves: new ones whose parent is not new, then their
    children, and so on; the existing ones last, when every parent has an id."""
    new = [slug for slug in parents if slug not in existing]
    is_new = set(new)
    depth: dict[str, int] = {}
    for slug in new:
        chain = []
        current = slug
        while current not in depth:
            parent = parents[current]
            if parent is None or parent not in is_new:
                depth[current] = 0
                break
            chain.append(current)
            current = parent
        level = depth[current]
        for child in reversed(chain):
            level += 1
            depth[child] = level
    waves: list[list[tuple]] = [[] for _level in range(max(depth.values(), default=-1) + 1)]
    for slug in new:
        waves[depth[slug]].append((slug,))
    waves.append([(slug,) for slug in parents if slug in existing])
    return waves


def _chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
