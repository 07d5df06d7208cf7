"""Registry change history and recovery of deleted records, through the admin."""

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from organizations.models import MembershipEvent, Organization, OrganizationName
from tests.factories import (
    DomainFactory,
    MembershipEventFactory,
    OrganizationFactory,
    OrganizationNameFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:organizations_{model._meta.model_name}_{view}", args=args)


def submitted_values(form) -> dict:
    """What a browser would submit for `form` as it was rendered, untouched."""
    data = {}
    for field in form:
        value = field.value()
        if value is None or value is False:
            continue
        if value is True:
            data[field.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[field.html_name] = [str(getattr(item, "pk", item)) for item in value]
        else:
            data[field.html_name] = str(getattr(value, "pk", value))
    return data


def change_form_data(response, **changes) -> dict:
    """The POST data of a rendered admin change form, its inlines' blank rows left out."""
    data = submitted_values(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data |= submitted_values(formset.management_form)
        data[f"{formset.prefix}-TOTAL_FORMS"] = str(formset.initial_form_count())
        for form in formset.initial_forms:
            data |= submitted_values(form)
    return data | changes


@pytest.fixture
def editor_client(editor):
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def moderator_client(moderator):
    client = Client()
    client.force_login(moderator)
    return client


@pytest.fixture
def unesco():
    unesco = OrganizationFactory(
        name="United Nations Educational, Scientific and Cultural Organization",
        acronym="UNESCO",
        slug="unesco",
        kind=Organization.Kind.SPECIALIZED_AGENCY,
        un_related=True,
    )
    OrganizationNameFactory(organization=unesco, language="zh-hans", name="联合国教科文组织")
    OrganizationNameFactory(
        organization=unesco,
        language="fr",
        name="Organisation des Nations unies pour l'éducation, la science et la culture",
    )
    unesco.domains.add(DomainFactory(slug="culture", name="Culture"))
    return unesco


def test_admin_edit_records_a_version_by_its_author(editor_client, editor, unesco):
    url = admin_url(Organization, "change", unesco.pk)

    response = editor_client.post(
        url, change_form_data(editor_client.get(url), headquarters="Paris")
    )

    assert response.status_code == 302
    version = Version.objects.get_for_object(unesco).get()
    assert version.revision.user == editor
    assert version.field_dict["headquarters"] == "Paris"
    assert "Headquarters" in version.revision.get_comment()


def test_organization_version_records_its_names(editor_client, unesco):
    url = admin_url(Organization, "change", unesco.pk)

    editor_client.post(url, change_form_data(editor_client.get(url), headquarters="Paris"))

    revision = Version.objects.get_for_object(unesco).get().revision
    recorded_names = {
        version.field_dict["name"]
        for version in revision.version_set.all()
        if version.content_type.model == "organizationname"
    }
    assert recorded_names == set(unesco.names.values_list("name", flat=True))


def test_history_page_lists_admin_edits_with_their_author(editor_client, unesco):
    url = admin_url(Organization, "change", unesco.pk)
    editor_client.post(url, change_form_data(editor_client.get(url), headquarters="Paris"))

    response = editor_client.get(admin_url(Organization, "history", unesco.pk))

    assert response.status_code == 200
    [entry] = response.context["action_list"]
    assert entry["revision"].user.username == "editor"
    assert "editor" in response.text


def test_deleted_organization_is_recovered_with_its_names(moderator_client, unesco):
    pk = unesco.pk
    names = set(unesco.names.values_list("language", "name"))
    domains = set(unesco.domains.all())

    deleted = moderator_client.post(admin_url(Organization, "delete", pk), {"post": "yes"})
    assert deleted.status_code == 302
    assert not Organization.objects.filter(pk=pk).exists()
    assert not OrganizationName.objects.filter(organization_id=pk).exists()

    recover_list = moderator_client.get(admin_url(Organization, "recoverlist"))
    [deletion] = recover_list.context["deleted"]
    recover_url = admin_url(Organization, "recover", deletion.pk)
    recovered = moderator_client.post(
        recover_url, change_form_data(moderator_client.get(recover_url))
    )

    assert recovered.status_code == 302
    unesco = Organization.objects.get(pk=pk)
    assert unesco.acronym == "UNESCO"
    assert set(unesco.names.values_list("language", "name")) == names
    assert set(unesco.domains.all()) == domains


def test_organizations_deleted_together_are_each_recoverable(moderator_client, unesco):
    other = OrganizationFactory(name="Green Climate Fund", acronym="GCF", slug="gcf")

    moderator_client.post(
        admin_url(Organization, "changelist"),
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [unesco.pk, other.pk], "post": "yes"},
    )

    assert not Organization.objects.filter(pk__in=[unesco.pk, other.pk]).exists()
    recover_list = moderator_client.get(admin_url(Organization, "recoverlist"))
    assert {deletion.object_id for deletion in recover_list.context["deleted"]} == {
        str(unesco.pk),
        str(other.pk),
    }


def test_recovered_event_comes_back_unverified(moderator_client, unesco):
    event = MembershipEventFactory(
        key="unesco-withdrawal-announced-2025-07-22",
        organization=unesco,
        announced_on=datetime.date(2025, 7, 22),
    )
    source = SourceFactory()
    event.sources.add(source)
    moderator_client.post(
        admin_url(MembershipEvent, "changelist"),
        {
            "action": "verify",
            ACTION_CHECKBOX_NAME: [event.pk],
            "post": "yes",
            f"source_{event.pk}": source.pk,
        },
    )
    assert MembershipEvent.objects.verified().filter(pk=event.pk).exists()
    moderator_client.post(admin_url(MembershipEvent, "delete", event.pk), {"post": "yes"})

    [deletion] = moderator_client.get(admin_url(MembershipEvent, "recoverlist")).context["deleted"]
    recover_url = admin_url(MembershipEvent, "recover", deletion.pk)
    response = moderator_client.post(
        recover_url, change_form_data(moderator_client.get(recover_url))
    )

    assert response.status_code == 302
    event = MembershipEvent.objects.get(key="unesco-withdrawal-announced-2025-07-22")
    assert event.sources.exists()
    assert event.verified_at is None and event.verified_by is None


def test_verification_is_recorded_in_the_events_history(moderator_client, moderator, unesco):
    event = MembershipEventFactory(organization=unesco)
    source = SourceFactory(url="https://example.org/who-letter")
    event.sources.add(source)

    moderator_client.post(
        admin_url(MembershipEvent, "changelist"),
        {
            "action": "verify",
            ACTION_CHECKBOX_NAME: [event.pk],
            "post": "yes",
            f"source_{event.pk}": source.pk,
        },
    )

    version = Version.objects.get_for_object(event).get()
    assert version.revision.user == moderator
    assert version.revision.get_comment() == "Verified against https://example.org/who-letter."


def test_editor_cannot_recover_a_deleted_organization(editor_client, moderator_client, unesco):
    moderator_client.post(admin_url(Organization, "delete", unesco.pk), {"post": "yes"})
    deletion = Version.objects.get_deleted(Organization).get()

    response = editor_client.get(admin_url(Organization, "recover", deletion.pk))

    assert response.status_code == 403
    assert not Organization.objects.filter(pk=unesco.pk).exists()
