"""Writing the registry: every change is announced, however it is made.

A change runs inside `registry_change()`. The first write in it sends
`registry_changing`; its end reads every record it touched again and sends
`registry_changed` with each record's values before and after (see
`organizations.signals`). Saving or deleting an organization, a membership
event or an instrument through the ORM joins the change in progress, or
makes a change of its own when there is none: a management command or the
shell announces its writes exactly as the admin does. Bulk writers
(`load_registry`) open a change, `start` it before writing and `record` what
they wrote.

The services below are the registry's write operations with their rules;
the admin calls them, and so should any other writer.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.models import Instrument, MembershipEvent, Organization, Source
from organizations.signals import RecordChange, registry_changed, registry_changing

# The records whose changes are announced: what published claims cite as
# evidence and what figure checks count.
ANNOUNCED_MODELS: tuple[type[models.Model], ...] = (Organization, MembershipEvent, Instrument)

# The facts of a membership event, in the order they are shown; changing any
# withdraws its verification.
EVENT_FACTS = (
    "organization",
    "country",
    "kind",
    "announced_on",
    "effective_on",
    "date_precision",
    "instrument",
)


def record_values(model: type[models.Model], pks: Iterable[Any]) -> dict[Any, dict[str, Any]]:
    """The stored column values of the records `pks` of `model`, by attribute name (one query)."""
    pks = set(pks)
    if not pks:
        return {}
    names = [field.attname for field in model._meta.concrete_fields]
    rows = model._base_manager.filter(pk__in=pks).values(*names)
    return {row[model._meta.pk.attname]: row for row in rows}


class RegistryChange:
    """One change to the registry: what it touched, read before it and after it."""

    def __init__(self) -> None:
        # What listeners keep between the two signals, each under a key of its own.
        self.notes: dict[str, Any] = {}
        self.started = False
        self.finished = False
        self._before: dict[type[models.Model], dict[Any, dict[str, Any] | None]] = defaultdict(dict)
        self._recorded: list[RecordChange] = []

    def start(self) -> None:
        """Announce that writes are about to happen (`registry_changing`), once."""
        if not self.started:
            self.started = True
            registry_changing.send(sender=RegistryChange, change=self)

    def track(self, record: models.Model) -> None:
        """Read `record` as stored before it is written, unless this change has already."""
        self.start()
        model = type(record)
        if record.pk is not None and record.pk not in self._before[model]:
            self._before[model][record.pk] = record_values(model, [record.pk]).get(record.pk)

    def created(self, record: models.Model) -> None:
        """Count a record this change created (it had no values before)."""
        self.start()
        self._before[type(record)].setdefault(record.pk, None)

    def record(self, model: type[models.Model], pk: Any, before: dict | None, after: dict | None):
        """A change the caller wrote in bulk, with the values it knows before and after."""
        self.start()
        self._recorded.append(RecordChange(model, pk, before, after))

    def finish(self) -> list[RecordChange]:
        """Read the touched records again and announce the change (`registry_changed`)."""
        if self.finished or not self.started:
            return []
        self.finished = True
        changes = list(self._recorded)
        for model, before in self._before.items():
            after = record_values(model, before)
            changes += [
                RecordChange(model, pk, values, after.get(pk))
                for pk, values in before.items()
                if values != after.get(pk)
            ]
        registry_changed.send(sender=RegistryChange, change=self, changes=changes)
        return changes


_current: ContextVar[RegistryChange | None] = ContextVar("registry_change", default=None)


@contextmanager
def registry_change() -> Iterator[RegistryChange]:
    """Gather the registry writes of the block into one announced change.

    Nested blocks join the outermost one. When the block raises, nothing is
    announced: its transaction is expected to roll the writes back.
    """
    outer = _current.get()
    if outer is not None:
        yield outer
        return
    change = RegistryChange()
    token = _current.set(change)
    try:
        yield change
    finally:
        _current.reset(token)
    change.finish()


# Writes through the ORM join the change in progress, or announce their own.


def _change_for(instance: models.Model, *, raw: bool = False) -> RegistryChange | None:
    current = _current.get()
    if current is not None:
        return current
    if raw:
        # Fixtures and restores load rows as they were: there is nothing to announce.
        return None
    own = RegistryChange()
    instance._registry_change = own
    return own


def _finish_own(instance: models.Model) -> None:
    own = instance.__dict__.pop("_registry_change", None)
    if own is not None:
        own.finish()


def _before_save(sender, instance, raw=False, **kwargs) -> None:
    change = _change_for(instance, raw=raw)
    if change is None:
        return
    # A revert or a restore saves an instance built afresh, with its id set:
    # whatever its state says, a record with an id is read as stored first.
    if instance.pk is None:
        change.start()
    else:
        change.track(instance)


def _after_save(sender, instance, created, raw=False, **kwargs) -> None:
    change = instance.__dict__.get("_registry_change") or _current.get()
    if change is not None and created:
        change.created(instance)
    _finish_own(instance)


def _before_delete(sender, instance, **kwargs) -> None:
    change = _change_for(instance)
    if change is not None:
        change.track(instance)


def _after_delete(sender, instance, **kwargs) -> None:
    _finish_own(instance)


def _around_relinking(sender, instance, action, reverse, **kwargs) -> None:
    # An organization's domains count in figures: relinking them is a change.
    if reverse or not isinstance(instance, Organization):
        return
    if action.startswith("pre_"):
        change = _change_for(instance)
        if change is not None:
            change.track(instance)
    elif action.startswith("post_"):
        _finish_own(instance)


def announce_orm_writes() -> None:
    """Connect the ORM's model signals of the announced models (called by the app's `ready`)."""
    for model in ANNOUNCED_MODELS:
        uid = f"organizations.services.{model.__name__}"
        pre_save.connect(_before_save, sender=model, dispatch_uid=f"{uid}.pre_save")
        post_save.connect(_after_save, sender=model, dispatch_uid=f"{uid}.post_save")
        pre_delete.connect(_before_delete, sender=model, dispatch_uid=f"{uid}.pre_delete")
        post_delete.connect(_after_delete, sender=model, dispatch_uid=f"{uid}.post_delete")
    m2m_changed.connect(
        _around_relinking,
        sender=Organization.domains.through,
        dispatch_uid="organizations.services.domains",
    )


# The registry's write operations


def verification_withdraw_if_facts_changed(
    *, event: MembershipEvent, changed: Iterable[str]
) -> bool:
    """Clear the verification of `event` (not yet saved) when one of its facts is among `changed`.

    A moderator verified the facts as they were; changed facts need a new
    verification. Returns whether a verification was withdrawn.
    """
    if event.pk and event.verified_at and set(EVENT_FACTS).intersection(changed):
        _unverify(event)
        return True
    return False


def _unverify(event: MembershipEvent) -> None:
    event.verified_by, event.verified_at, event.verified_source = None, None, None


def verification_withdraw_if_source_dropped(*, event: MembershipEvent) -> bool:
    """Withdraw the verification of `event` when it no longer cites the source it names.

    A verification says which of the event's sources confirms it; a source
    the event stopped citing confirms nothing. Returns whether it was withdrawn.
    """
    if event.verified_source_id is None:
        return False
    if event.sources.filter(pk=event.verified_source_id).exists():
        return False
    with transaction.atomic(), registry_change():
        _unverify(event)
        event.save(update_fields=[*VERIFICATION_FIELDS, "updated_at"])
    return True


def membership_event_update(*, event: MembershipEvent, **fields: Any) -> MembershipEvent:
    """Change the fields of a membership event and save it, announcing the change.

    Changing one of its facts (`EVENT_FACTS`) withdraws its verification.
    """
    unknown = set(fields) - {field.name for field in MembershipEvent._meta.fields}
    if unknown:
        raise TypeError(f"Membership events have no field {', '.join(sorted(unknown))}.")
    changed = [name for name, value in fields.items() if getattr(event, name) != value]
    for name, value in fields.items():
        setattr(event, name, value)
    verification_withdraw_if_facts_changed(event=event, changed=changed)
    return _validated_save(event)


def organization_update(*, organization: Organization, **fields: Any) -> Organization:
    """Change the fields of an organization and save it, announcing the change."""
    for name, value in fields.items():
        setattr(organization, name, value)
    return _validated_save(organization)


def instrument_update(*, instrument: Instrument, **fields: Any) -> Instrument:
    """Change the fields of an instrument and save it, announcing the change."""
    for name, value in fields.items():
        setattr(instrument, name, value)
    return _validated_save(instrument)


def _validated_save[Record: models.Model](record: Record) -> Record:
    record.full_clean()
    with transaction.atomic(), registry_change():
        record.save()
    return record


# What a verification is made of: who, when, and against which source.
VERIFICATION_FIELDS = ("verified_by", "verified_at", "verified_source")


def verification_source_default(event: MembershipEvent) -> Source | None:
    """The source a moderator is offered first: the event's first, a primary one when it has one.

    Reads the event's `sources`, prefetched or not, in their order (primary first).
    """
    return next(iter(event.sources.all()), None)


def membership_event_verify(
    *,
    event: MembershipEvent,
    source: Source,
    by: AbstractBaseUser | None,
    at: datetime.datetime | None = None,
) -> MembershipEvent:
    """Record that `by` verified `event` against `source`, one of the sources it cites.

    Raises ValidationError when the event does not cite `source`: a
    verification names the document that confirms the event's facts.
    """
    return membership_events_verify(choices=[(event, source)], by=by, at=at)[0]


def membership_events_verify(
    *,
    choices: Iterable[tuple[MembershipEvent, Source]],
    by: AbstractBaseUser | None,
    at: datetime.datetime | None = None,
) -> list[MembershipEvent]:
    """Verify each event against the source chosen for it, all or nothing; return the events.

    Raises ValidationError, naming the event, when one does not cite its
    chosen source; then nothing is verified.
    """
    at = at or timezone.now()
    choices = list(choices)
    cited = set(
        MembershipEvent.sources.through.objects.filter(
            membershipevent_id__in=[event.pk for event, _source in choices]
        ).values_list("membershipevent_id", "source_id")
    )
    for event, source in choices:
        if (event.pk, source.pk) not in cited:
            raise ValidationError(
                _("%(event)s does not cite %(source)s, so it cannot be verified against it.")
                % {"event": event.key, "source": source.url}
            )
    with transaction.atomic(), registry_change():
        for event, source in choices:
            event.verified_by, event.verified_at, event.verified_source = by, at, source
            event.save(update_fields=[*VERIFICATION_FIELDS, "updated_at"])
    return [event for event, _source in choices]


def membership_event_verifications_withdraw(
    *, events: models.QuerySet[MembershipEvent]
) -> list[MembershipEvent]:
    """Clear the verification of those `events` that had one; return them."""
    withdrawn = []
    with transaction.atomic(), registry_change():
        for event in events.filter(verified_at__isnull=False):
            _unverify(event)
            event.save(update_fields=[*VERIFICATION_FIELDS, "updated_at"])
            withdrawn.append(event)
    return withdrawn
