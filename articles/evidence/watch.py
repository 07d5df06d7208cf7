"""Evidence changes: flag published translations whose cited registry records changed.

The registry announces every change to its records (`organizations.signals`:
`registry_changing` before the first write, `registry_changed` with each
record's values before and after), whoever makes it: its admin, its
services, `load_registry`, or a `save()` in the shell. `watch_the_registry`
(called by the app's `ready`) subscribes; every published translation of an
article with a claim citing a changed record gets an open `EvidenceChange`
holding each watched field's before and after.

What counts as a change that matters:

- membership event: organization, country, kind, announced and effective
  dates, date precision, instrument, and a verification withdrawn
  (verifying an event does not flag anything);
- instrument: kind, number, date signed, citation;
- organization: kind, UN-relatedness, parent.

Summaries, descriptions, names, sources and titles do not flag.

Registry records cited as evidence cannot be deleted (`Evidence` protects
them): the evidence has to change first, so a deletion never leaves a
published claim without its record.

Figures: the registry values of every published figure check are measured
before and after a change; each check whose value moved flags the
published translations of its article too (record type "figure"), so
moving one organization's event off an instrument puts the article whose
"66" counts that instrument's organizations back on the review desk.

While a flag is open, later changes of the same record merge into it (the
first "before", the latest "after"); a flag whose every field is back to
its "before" is removed, since nothing differs any more from what the
moderator approved.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, override

from articles.evidence import figures
from articles.models import EvidenceChange, Translation
from organizations.models import Instrument, MembershipEvent, Organization
from organizations.services import EVENT_FACTS
from organizations.signals import registry_changed, registry_changing

RecordType = EvidenceChange.RecordType

VERIFIED = "verified"
REGISTRY_VALUE = "registry_value"

# The fields whose change makes a published claim worth a second look.
WATCHED_FIELDS: dict[str, tuple[str, ...]] = {
    # The facts a moderator verifies, and the verification itself.
    RecordType.EVENT: (*EVENT_FACTS, VERIFIED),
    RecordType.INSTRUMENT: ("kind", "number", "signed_on", "citation"),
    RecordType.ORGANIZATION: ("kind", "un_related", "parent", "relation"),
}
MODELS: dict[str, type[models.Model]] = {
    RecordType.EVENT: MembershipEvent,
    RecordType.INSTRUMENT: Instrument,
    RecordType.ORGANIZATION: Organization,
}
RECORD_TYPES = {model: record_type for record_type, model in MODELS.items()}
# Which Evidence foreign key cites each kind of record.
EVIDENCE_FIELDS = {
    RecordType.EVENT: "event",
    RecordType.INSTRUMENT: "instrument",
    RecordType.ORGANIZATION: "organization",
}
# Foreign keys among the watched fields, and the model each points at.
RELATED_MODELS: dict[str, type[models.Model]] = {
    "organization": Organization,
    "parent": Organization,
    "instrument": Instrument,
}


@dataclass(frozen=True)
class RecordState:
    """A registry record's watched fields at one moment: ids for foreign keys, ISO dates."""

    record_type: str
    pk: int
    values: Mapping[str, Any]


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def record_state_from_values(
    model: type[models.Model], pk: int, values: Mapping[str, Any]
) -> RecordState:
    """The state of a record of `model` given its column values (foreign keys as `<name>_id`).

    Events need `verified_at` for their verification; when it is absent the
    verification is taken as unchanged.
    """
    record_type = RECORD_TYPES[model]
    state: dict[str, Any] = {}
    for name in WATCHED_FIELDS[record_type]:
        if name == VERIFIED:
            if "verified_at" in values:
                state[name] = values["verified_at"] is not None
        elif name in RELATED_MODELS:
            state[name] = values.get(f"{name}_id")
        else:
            state[name] = _plain(values.get(name))
    return RecordState(record_type, pk, state)


def record_state(record: models.Model) -> RecordState:
    """The state of a record as it is in memory."""
    model = type(record)
    values = {
        field.attname: getattr(record, field.attname) for field in model._meta.concrete_fields
    }
    return record_state_from_values(model, record.pk, values)


def _columns(record_type: str) -> list[str]:
    columns = []
    for name in WATCHED_FIELDS[record_type]:
        if name == VERIFIED:
            columns.append("verified_at")
        elif name in RELATED_MODELS:
            columns.append(f"{name}_id")
        else:
            columns.append(name)
    return columns


def record_states(model: type[models.Model], pks: Iterable[int]) -> dict[int, RecordState]:
    """The stored state of the records `pks` of `model` (one query)."""
    pks = set(pks)
    if not pks:
        return {}
    rows = model.objects.filter(pk__in=pks).values("pk", *_columns(RECORD_TYPES[model]))
    return {row["pk"]: record_state_from_values(model, row["pk"], row) for row in rows}


def published_figure_values() -> dict[int, int | None]:
    """Today's registry value of every published figure check, by check id."""
    return {check.pk: check.registry_value for check in figures.published_checks()}


# Recording ------------------------------------------------------------------


def evidence_changes_record(
    *,
    before: RecordState | None,
    after: RecordState | None,
    figures_before: Mapping[int, int | None] | None = None,
) -> list[EvidenceChange]:
    """Flag every published translation citing a record that changed from `before` to `after`.

    `before` is None for a record just created and `after` None for one
    just deleted; neither can be cited, so only figures can move then. With
    `figures_before` (from `published_figure_values`, taken before the
    change) figure checks whose registry value moved are flagged too.
    Returns the flags created or updated.
    """
    return evidence_changes_record_many(pairs=[(before, after)], figures_before=figures_before)


def evidence_changes_record_many(
    *,
    pairs: Iterable[tuple[RecordState | None, RecordState | None]],
    figures_before: Mapping[int, int | None] | None = None,
) -> list[EvidenceChange]:
    """`evidence_changes_record` for many records at once, in a fixed number of queries."""
    diffs: dict[tuple[str, int], dict[str, tuple[Any, Any]]] = {}
    for before, after in pairs:
        if before is None or after is None:
            continue
        diff = _diff(before, after)
        if diff:
            diffs[(after.record_type, after.pk)] = diff
    flags: dict[tuple[int, str, int], tuple[str, dict]] = {}
    if diffs:
        flags.update(_record_flags(diffs))
    if figures_before:
        flags.update(_figure_flags(figures_before))
    return _save_flags(flags)


def _diff(before: RecordState, after: RecordState) -> dict[str, tuple[Any, Any]]:
    changed = {}
    for name in WATCHED_FIELDS[after.record_type]:
        if name not in before.values or name not in after.values:
            continue
        old, new = before.values[name], after.values[name]
        if name == VERIFIED:
            if old and not new:
                changed[name] = (old, new)
        elif old != new:
            changed[name] = (old, new)
    return changed


def _default_language():
    # Labels are stored once for every moderator, in the site's default language.
    return override(settings.LANGUAGE_CODE)


def _record_flags(
    diffs: dict[tuple[str, int], dict[str, tuple[Any, Any]]],
) -> dict[tuple[int, str, int], tuple[str, dict]]:
    """(translation, record type, record id) → (label, changes), for cited records only."""
    by_type: dict[str, set[int]] = defaultdict(set)
    for record_type, pk in diffs:
        by_type[record_type].add(pk)
    citing: dict[tuple[str, int], set[int]] = defaultdict(set)
    for record_type, pks in by_type.items():
        field = EVIDENCE_FIELDS[record_type]
        rows = (
            Translation.objects.published()
            .filter(**{f"live_claim_set__claims__evidence__{field}__in": pks})
            .values_list("pk", f"live_claim_set__claims__evidence__{field}")
            .distinct()
        )
        for translation_id, record_id in rows:
            citing[(record_type, record_id)].add(translation_id)
    if not citing:
        return {}

    related_ids: dict[type[models.Model], set[int]] = defaultdict(set)
    for key in citing:
        for name, (old, new) in diffs[key].items():
            if name in RELATED_MODELS:
                related_ids[RELATED_MODELS[name]].update(pk for pk in (old, new) if pk)
    related = {model: model.objects.in_bulk(pks) for model, pks in related_ids.items() if pks}
    records = {}
    for record_type in {record_type for record_type, _pk in citing}:
        queryset = MODELS[record_type].objects.all()
        if record_type == RecordType.EVENT:
            queryset = queryset.select_related("organization")
        records[record_type] = queryset.in_bulk([pk for kind, pk in citing if kind == record_type])

    def shown(name: str, value: Any) -> Any:
        if name in RELATED_MODELS and value is not None:
            found = related.get(RELATED_MODELS[name], {}).get(value)
            return str(found) if found is not None else str(value)
        return value

    flags = {}
    with _default_language():
        for (record_type, pk), translation_ids in citing.items():
            record = records[record_type].get(pk)
            label = str(record) if record is not None else f"{record_type} {pk}"
            changes = {
                name: {"before": shown(name, old), "after": shown(name, new)}
                for name, (old, new) in diffs[(record_type, pk)].items()
            }
            for translation_id in translation_ids:
                flags[(translation_id, record_type, pk)] = (label[:500], changes)
    return flags


def _figure_flags(
    figures_before: Mapping[int, int | None],
) -> dict[tuple[int, str, int], tuple[str, dict]]:
    moved = [
        check
        for check in figures.published_checks()
        if check.pk in figures_before and figures_before[check.pk] != check.registry_value
    ]
    if not moved:
        return {}
    published: dict[int, list[int]] = defaultdict(list)
    for translation_id, article_id in (
        Translation.objects.published()
        .filter(article_id__in={check.claim.article_id for check in moved})
        .values_list("pk", "article_id")
    ):
        published[article_id].append(translation_id)
    flags = {}
    with _default_language():
        for check in moved:
            label = gettext("Figure of claim %(number)s, stated %(stated)s") % {
                "number": check.claim.number,
                "stated": figures.format_figure(check.stated_value),
            }
            changes = {
                REGISTRY_VALUE: {
                    "before": figures_before[check.pk],
                    "after": check.registry_value,
                }
            }
            for translation_id in published[check.claim.article_id]:
                flags[(translation_id, RecordType.FIGURE, check.pk)] = (label[:500], changes)
    return flags


def _merge(old: dict, new: dict) -> dict:
    """The first "before" and the latest "after" of each field; fields back where they were drop."""
    merged = {name: dict(change) for name, change in old.items()}
    for name, change in new.items():
        if name in merged:
            merged[name] = {**change, "before": merged[name]["before"]}
        else:
            merged[name] = dict(change)
    return {name: change for name, change in merged.items() if change["before"] != change["after"]}


def _save_flags(flags: dict[tuple[int, str, int], tuple[str, dict]]) -> list[EvidenceChange]:
    if not flags:
        return []
    by_type: dict[str, set[int]] = defaultdict(set)
    for _translation_id, record_type, record_id in flags:
        by_type[record_type].add(record_id)
    existing = {
        (flag.translation_id, flag.record_type, flag.record_id): flag
        for flag in EvidenceChange.objects.open().filter(
            reduce(
                or_,
                (
                    Q(record_type=record_type, record_id__in=ids)
                    for record_type, ids in by_type.items()
                ),
            ),
            translation_id__in={translation_id for translation_id, _t, _r in flags},
        )
    }
    now = timezone.now()
    created, updated, emptied = [], [], []
    for key, (label, changes) in flags.items():
        flag = existing.get(key)
        if flag is None:
            translation_id, record_type, record_id = key
            created.append(
                EvidenceChange(
                    translation_id=translation_id,
                    record_type=record_type,
                    record_id=record_id,
                    record_label=label,
                    changes=changes,
                    detected_at=now,
                )
            )
            continue
        flag.changes = _merge(flag.changes, changes)
        flag.record_label = label
        (updated if flag.changes else emptied).append(flag)
    EvidenceChange.objects.bulk_create(created)
    if updated:
        EvidenceChange.objects.bulk_update(updated, ["changes", "record_label"])
    if emptied:
        EvidenceChange.objects.filter(pk__in=[flag.pk for flag in emptied]).delete()
    return created + updated


# Listening to the registry -------------------------------------------------

_FIGURES_NOTE = "articles.evidence.figures_before"


def _before_registry_change(sender, change, **kwargs) -> None:
    change.notes[_FIGURES_NOTE] = published_figure_values()


def _after_registry_change(sender, change, changes, **kwargs) -> list[EvidenceChange]:
    pairs = [
        (
            record_state_from_values(item.model, item.pk, item.before)
            if item.before is not None
            else None,
            record_state_from_values(item.model, item.pk, item.after)
            if item.after is not None
            else None,
        )
        for item in changes
        if item.model in RECORD_TYPES
    ]
    return evidence_changes_record_many(pairs=pairs, figures_before=change.notes.get(_FIGURES_NOTE))


def watch_the_registry() -> None:
    """Flag published claims whenever the registry changes (called by the app's `ready`)."""
    registry_changing.connect(_before_registry_change, dispatch_uid="articles.evidence.watch")
    registry_changed.connect(_after_registry_change, dispatch_uid="articles.evidence.watch")


# Showing --------------------------------------------------------------------


def _shown_value(record_type: str, name: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if name == REGISTRY_VALUE:
        return figures.format_figure(value)
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    model = MODELS.get(record_type)
    if model is not None and name != VERIFIED and name not in RELATED_MODELS:
        field = model._meta.get_field(name)
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(field, models.DateField):
            try:
                return date_format(datetime.date.fromisoformat(value), "DATE_FORMAT")
            except (TypeError, ValueError):
                return str(value)
    return str(value)


def _field_label(record_type: str, name: str) -> str:
    if name == VERIFIED:
        return gettext("verified")
    if name == REGISTRY_VALUE:
        return gettext("registry value")
    model = MODELS.get(record_type)
    if model is None:
        return name
    return str(model._meta.get_field(name).verbose_name)


def describe_changes(change: EvidenceChange) -> list[tuple[str, str, str]]:
    """(field, before, after) of a flag in the reader's language, in the fields' order."""
    order = WATCHED_FIELDS.get(change.record_type, ())
    names = sorted(
        change.changes, key=lambda name: order.index(name) if name in order else len(order)
    )
    return [
        (
            _field_label(change.record_type, name),
            _shown_value(change.record_type, name, change.changes[name].get("before")),
            _shown_value(change.record_type, name, change.changes[name].get("after")),
        )
        for name in names
    ]
