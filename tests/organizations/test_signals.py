"""The registry announces every change to its records, with the values before and after."""

from __future__ import annotations

import datetime

import pytest
from django.core import serializers
from django.db import transaction

from organizations.models import MembershipEvent, Organization
from organizations.services import (
    membership_event_update,
    membership_event_verify,
    registry_change,
)
from organizations.signals import registry_changed, registry_changing
from tests import factories

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def announced():
    """Every `registry_changed` sent meanwhile, as (kind of announcement, changes)."""
    heard = []

    def changing(sender, change, **kwargs):
        heard.append(("changing", None))

    def changed(sender, change, changes, **kwargs):
        heard.append(("changed", changes))

    registry_changing.connect(changing, dispatch_uid="test.changing")
    registry_changed.connect(changed, dispatch_uid="test.changed")
    yield heard
    registry_changing.disconnect(dispatch_uid="test.changing")
    registry_changed.disconnect(dispatch_uid="test.changed")


def changes_heard(heard):
    return [changes for kind, changes in heard if kind == "changed"]


def test_a_service_update_announces_the_event_before_and_after(announced):
    event = factories.MembershipEventFactory(effective_on=D(2026, 1, 22))
    announced.clear()

    membership_event_update(event=event, effective_on=D(2026, 2, 22))

    assert [kind for kind, _ in announced] == ["changing", "changed"]
    [[change]] = changes_heard(announced)
    assert (change.model, change.pk) == (MembershipEvent, event.pk)
    assert change.before["effective_on"] == D(2026, 1, 22)
    assert change.after["effective_on"] == D(2026, 2, 22)
    assert change.changed_fields() >= {"effective_on"}


def test_a_plain_save_announces_itself(announced):
    organization = factories.OrganizationFactory(un_related=False)
    announced.clear()

    organization.un_related = True
    organization.save()

    [[change]] = changes_heard(announced)
    assert (change.before["un_related"], change.after["un_related"]) == (False, True)


def test_creation_and_deletion_are_announced_with_no_values_on_the_other_side(announced):
    organization = factories.OrganizationFactory()
    [[created]] = changes_heard(announced)
    assert created.before is None and created.after["slug"] == organization.slug

    announced.clear()
    pk = organization.pk
    organization.delete()

    [[deleted]] = changes_heard(announced)
    assert (deleted.pk, deleted.after) == (pk, None)
    assert deleted.before["slug"] == created.after["slug"]


def test_writes_in_one_block_are_announced_once_together(announced):
    event = factories.MembershipEventFactory(effective_on=D(2026, 1, 22))
    announced.clear()

    with transaction.atomic(), registry_change():
        event.effective_on = D(2026, 3, 1)
        event.save()
        event.organization.acronym = "NEW"
        event.organization.save()
        event.effective_on = D(2026, 4, 1)
        event.save()

    [changes] = changes_heard(announced)
    by_model = {change.model: change for change in changes}
    assert set(by_model) == {MembershipEvent, Organization}
    assert by_model[MembershipEvent].before["effective_on"] == D(2026, 1, 22)
    assert by_model[MembershipEvent].after["effective_on"] == D(2026, 4, 1)


def test_a_block_that_raises_announces_nothing(announced):
    event = factories.MembershipEventFactory()
    announced.clear()

    with pytest.raises(RuntimeError), transaction.atomic(), registry_change():
        event.summary = "Never kept."
        event.save()
        raise RuntimeError

    assert changes_heard(announced) == []


def test_changing_a_fact_of_a_verified_event_withdraws_its_verification(moderator):
    event = factories.MembershipEventFactory()
    source = factories.SourceFactory()
    event.sources.add(source)
    membership_event_verify(event=event, source=source, by=moderator)
    event.refresh_from_db()
    assert event.verified_at is not None

    membership_event_update(event=event, summary="Reworded.")
    event.refresh_from_db()
    assert event.verified_at is not None

    membership_event_update(event=event, effective_on=D(2030, 1, 1))
    event.refresh_from_db()
    assert event.verified_at is None


def test_loading_a_fixture_announces_nothing(announced):
    organization = factories.OrganizationFactory()
    pk = organization.pk
    data = serializers.serialize("json", [organization])
    organization.delete()
    announced.clear()

    for loaded in serializers.deserialize("json", data):
        loaded.save()

    assert Organization.objects.filter(pk=pk).exists()
    assert changes_heard(announced) == []
