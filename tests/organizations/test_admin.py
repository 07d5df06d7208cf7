"""The registry's admin as editors, moderators and superusers use it."""

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from organizations.models import (
    Domain,
    Instrument,
    MembershipEvent,
    Organization,
    OrganizationName,
    Source,
)
from organizations.status import Status
from tests.factories import (
    DomainFactory,
    InstrumentFactory,
    MembershipEventFactory,
    OrganizationFactory,
    OrganizationNameFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date
# Ceilings for the changelists: session, user and permissions, then the
# page's own filters, count (on PostgreSQL the planner's estimate first) and
# rows. tests/perf/test_admin_changelists.py pins the exact counts.
ORGANIZATION_LIST_QUERIES = 9
EVENT_LIST_QUERIES = 10
REGISTRY_MODELS = [Organization, OrganizationName, Domain, Instrument, MembershipEvent, Source]


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:organizations_{model._meta.model_name}_{view}", args=args)


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
def who():
    who = OrganizationFactory(
        name="World Health Organization",
        acronym="WHO",
        slug="who",
        kind=Organization.Kind.SPECIALIZED_AGENCY,
        un_related=True,
    )
    OrganizationNameFactory(
        organization=who, language="zh-hans", name="世界卫生组织", acronym="世卫组织"
    )
    OrganizationNameFactory(
        organization=who, language="zh-hans", name="世界卫生组织总部", is_preferred=False
    )
    OrganizationNameFactory(
        organization=who, language="fr", name="Organisation mondiale de la Santé", acronym="OMS"
    )
    return who


@pytest.fixture
def registry(who):
    """One record of every registry model, WHO's withdrawal among them."""
    instrument = InstrumentFactory(slug="eo-14155", number="14155", citation="90 FR 8361")
    source = SourceFactory(title="Withdrawing the United States from the WHO")
    event = MembershipEventFactory(
        key="who-withdrawal-announced-2025-01-20",
        organization=who,
        kind=MembershipEvent.Kind.WITHDRAWAL_ANNOUNCED,
        announced_on=D(2025, 1, 20),
        effective_on=D(2026, 1, 22),
        instrument=instrument,
    )
    event.sources.add(source)
    who.domains.add(DomainFactory(slug="health", name="Health"))
    return {
        Organization: who,
        OrganizationName: who.names.first(),
        Domain: who.domains.get(),
        Instrument: instrument,
        MembershipEvent: event,
        Source: source,
    }


def event_form_data(event: MembershipEvent, **changes) -> dict:
    data = {
        "organization": event.organization_id,
        "country": event.country,
        "kind": event.kind,
        "key": event.key,
        "announced_on": event.announced_on.isoformat() if event.announced_on else "",
        "effective_on": event.effective_on.isoformat() if event.effective_on else "",
        "date_precision": event.date_precision,
        "instrument": event.instrument_id or "",
        "summary": event.summary,
        "sources": [source.pk for source in event.sources.all()],
    }
    return data | changes


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


def run_action(client, action: str, events, **extra):
    return client.post(
        admin_url(MembershipEvent, "changelist"),
        {"action": action, ACTION_CHECKBOX_NAME: [event.pk for event in events], **extra},
        follow=True,
    )


def verify(client, events, **choices):
    """Run the verify action to its end: open its page, then confirm the sources it offers.

    `choices` overrides the source offered for an event (`source_<event id>`).
    """
    page = run_action(client, "verify", events)
    form = page.context.get("form") if page.context else None
    offered = {name: field.initial for name, field in form.fields.items()} if form else {}
    return run_action(client, "verify", events, post="yes", **(offered | choices))


def changelist_rows(response) -> list:
    return list(response.context["cl"].result_list)


def test_admin_is_headed_concordance(editor_client):
    response = editor_client.get(reverse("admin:index"))

    assert response.status_code == 200
    assert response.context["site_header"] == "Concordance"
    assert "<title>" in response.text and "Concordance" in response.text


@pytest.mark.parametrize("model", REGISTRY_MODELS, ids=lambda model: model.__name__)
def test_editor_opens_every_registry_changelist_and_form(editor_client, registry, model):
    record = registry[model]

    for url in (
        admin_url(model, "changelist"),
        admin_url(model, "add"),
        admin_url(model, "change", record.pk),
        admin_url(model, "history", record.pk),
    ):
        assert editor_client.get(url).status_code == 200, url


@pytest.mark.parametrize("model", REGISTRY_MODELS, ids=lambda model: model.__name__)
def test_superuser_opens_every_registry_changelist(admin_client, registry, model):
    assert admin_client.get(admin_url(model, "changelist")).status_code == 200


def test_editor_cannot_delete_an_organization(editor_client, who):
    assert editor_client.get(admin_url(Organization, "delete", who.pk)).status_code == 403
    assert (
        editor_client.post(admin_url(Organization, "delete", who.pk), {"post": "yes"}).status_code
        == 403
    )

    response = editor_client.post(
        admin_url(Organization, "changelist"),
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [who.pk], "post": "yes"},
    )

    assert response.status_code in {200, 302}
    assert Organization.objects.filter(pk=who.pk).exists()


def test_editor_may_delete_a_name_but_not_an_event(editor_client, registry):
    name = registry[OrganizationName]
    event = registry[MembershipEvent]

    assert (
        editor_client.post(
            admin_url(MembershipEvent, "delete", event.pk), {"post": "yes"}
        ).status_code
        == 403
    )
    response = editor_client.post(admin_url(OrganizationName, "delete", name.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not OrganizationName.objects.filter(pk=name.pk).exists()
    assert MembershipEvent.objects.filter(pk=event.pk).exists()


def test_organization_change_form_links_to_the_public_page(editor_client, who):
    content_type = ContentType.objects.get_for_model(Organization)
    view_on_site = reverse("admin:view_on_site", args=(content_type.pk, who.pk))

    form = editor_client.get(admin_url(Organization, "change", who.pk))
    response = editor_client.get(view_on_site)

    assert view_on_site in form.text
    assert response.status_code == 302
    assert response["Location"].endswith("/registry/who/")


@pytest.mark.parametrize("query", ["世界卫生组织", "WHO", "who", "OMS", "Health Organization"])
def test_organization_search_matches_names_in_every_language_once(editor_client, who, query):
    OrganizationFactory(name="World Trade Organization", acronym="WTO", slug="wto")

    response = editor_client.get(admin_url(Organization, "changelist"), {"q": query})

    assert changelist_rows(response) == [who]


def test_organization_search_requires_every_word(editor_client, who):
    response = editor_client.get(admin_url(Organization, "changelist"), {"q": "世界卫生组织 Trade"})

    assert changelist_rows(response) == []


def test_organization_autocomplete_searches_aliases(editor_client, who):
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "世卫",
            "app_label": "organizations",
            "model_name": "organization",
            "field_name": "parent",
        },
    )

    assert response.status_code == 200
    assert [result["id"] for result in response.json()["results"]] == [str(who.pk)]


def test_organization_list_shows_todays_us_status(editor_client, registry):
    response = editor_client.get(admin_url(Organization, "changelist"))

    assert "us_status" in response.context["cl"].list_display
    assert changelist_rows(response)[0].status in Status.values


def test_organization_status_filter_keeps_only_that_status(editor_client):
    withdrawn = OrganizationFactory(name="Withdrawn from")
    MembershipEventFactory(
        organization=withdrawn,
        kind=MembershipEvent.Kind.WITHDRAWAL_EFFECTIVE,
        announced_on=D(2019, 11, 4),
        effective_on=D(2020, 11, 4),
    )
    member = OrganizationFactory(name="Still a member")
    MembershipEventFactory(
        organization=member, kind=MembershipEvent.Kind.JOINED, announced_on=D(1990, 1, 1)
    )
    OrganizationFactory(name="Never joined")

    response = editor_client.get(
        admin_url(Organization, "changelist"), {"us_status": Status.WITHDRAWN}
    )
    also = editor_client.get(admin_url(Organization, "changelist"), {"us_status": Status.MEMBER})

    assert changelist_rows(response) == [withdrawn]
    assert changelist_rows(also) == [member]


def test_event_search_matches_its_organizations_chinese_name(editor_client, registry):
    MembershipEventFactory(key="other-event")

    response = editor_client.get(admin_url(MembershipEvent, "changelist"), {"q": "世卫组织"})

    assert changelist_rows(response) == [registry[MembershipEvent]]


def test_event_list_filters_by_verified(moderator_client, registry):
    verified = registry[MembershipEvent]
    verify(moderator_client, [verified])
    unverified = MembershipEventFactory(key="unverified")

    yes = moderator_client.get(admin_url(MembershipEvent, "changelist"), {"verified": "yes"})
    no = moderator_client.get(admin_url(MembershipEvent, "changelist"), {"verified": "no"})

    assert changelist_rows(yes) == [verified]
    assert changelist_rows(no) == [unverified]


def test_moderator_verifies_events_with_a_source_and_skips_those_without(
    moderator_client, moderator, registry
):
    sourced = registry[MembershipEvent]
    unsourced = MembershipEventFactory(key="no-source-yet")

    response = verify(moderator_client, [sourced, unsourced])

    sourced.refresh_from_db()
    unsourced.refresh_from_db()
    assert sourced.verified_by == moderator and sourced.verified_at is not None
    assert sourced.verified_source == registry[Source]
    assert sourced.is_verified
    assert unsourced.verified_at is None
    feedback = [str(message) for message in response.context["messages"]]
    assert any("1 event verified" in message for message in feedback)
    assert any("no-source-yet" in message and "no source" in message for message in feedback)


def test_verifying_asks_which_source_confirms_each_event_offering_official_texts_first(
    moderator_client, registry
):
    event = registry[MembershipEvent]
    official = SourceFactory(title="Executive Order 14155", kind=Source.Kind.PRIMARY)
    event.sources.add(official)

    page = run_action(moderator_client, "verify", [event])

    assert page.status_code == 200
    assert "Which source confirms each event?" in page.text
    field = page.context["form"].fields[f"source_{event.pk}"]
    assert [pk for pk, _label in field.choices] == [official.pk, registry[Source].pk]
    assert field.initial == official.pk
    event.refresh_from_db()
    assert event.verified_at is None


def test_moderator_verifies_against_the_source_they_choose(moderator_client, registry):
    event = registry[MembershipEvent]
    official = SourceFactory(kind=Source.Kind.PRIMARY)
    event.sources.add(official)

    verify(moderator_client, [event], **{f"source_{event.pk}": registry[Source].pk})

    event.refresh_from_db()
    assert event.verified_source == registry[Source]


def test_a_source_the_event_does_not_cite_is_refused(moderator_client, registry):
    event = registry[MembershipEvent]
    elsewhere = SourceFactory()

    response = verify(moderator_client, [event], **{f"source_{event.pk}": elsewhere.pk})

    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    event.refresh_from_db()
    assert event.verified_at is None and event.verified_source is None


def test_dropping_the_verifying_source_withdraws_the_verification(
    editor_client, moderator_client, registry
):
    event = registry[MembershipEvent]
    other = SourceFactory()
    event.sources.add(other)
    verify(moderator_client, [event], **{f"source_{event.pk}": registry[Source].pk})

    response = editor_client.post(
        admin_url(MembershipEvent, "change", event.pk),
        event_form_data(event, sources=[other.pk]),
        follow=True,
    )

    event.refresh_from_db()
    assert event.verified_at is None and event.verified_source is None
    assert any("no longer cites" in str(message) for message in response.context["messages"])


def test_moderator_withdraws_a_verification(moderator_client, registry):
    event = registry[MembershipEvent]
    verify(moderator_client, [event])

    run_action(moderator_client, "withdraw_verification", [event])

    event.refresh_from_db()
    assert event.verified_at is None and event.verified_by is None


def test_moderator_verifies_from_the_event_change_form(moderator_client, moderator, registry):
    event = registry[MembershipEvent]
    url = admin_url(MembershipEvent, "change", event.pk)
    action = {"CHANGE_FORM-action": "verify", ACTION_CHECKBOX_NAME: [event.pk]}

    page = moderator_client.get(url)
    choosing = moderator_client.post(url, action)
    response = moderator_client.post(
        url, {**action, "post": "yes", f"source_{event.pk}": registry[Source].pk}
    )

    assert "Verify selected events" in page.text
    assert choosing.status_code == 200
    assert 'name="CHANGE_FORM-action" value="verify"' in choosing.text
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.verified_by == moderator
    assert event.verified_source == registry[Source]


def test_editor_sees_no_verification_actions(editor_client, registry):
    response = editor_client.get(admin_url(MembershipEvent, "changelist"))
    form = editor_client.get(admin_url(MembershipEvent, "change", registry[MembershipEvent].pk))

    assert "Verify selected events" not in response.text
    assert "Withdraw verification" not in response.text
    assert "Verify selected events" not in form.text


def test_editors_crafted_verify_post_is_refused(editor_client, registry):
    event = registry[MembershipEvent]

    run_action(editor_client, "verify", [event])
    run_action(editor_client, "verify", [event], post="yes", **{f"source_{event.pk}": 1})
    editor_client.post(
        admin_url(MembershipEvent, "change", event.pk),
        {
            "CHANGE_FORM-action": "verify",
            ACTION_CHECKBOX_NAME: [event.pk],
            "post": "yes",
            f"source_{event.pk}": registry[Source].pk,
        },
    )

    event.refresh_from_db()
    assert event.verified_at is None and event.verified_by is None


def test_editors_crafted_withdraw_post_is_refused(editor_client, moderator_client, registry):
    event = registry[MembershipEvent]
    verify(moderator_client, [event])

    run_action(editor_client, "withdraw_verification", [event])

    event.refresh_from_db()
    assert event.verified_at is not None


def test_editor_cannot_set_verification_through_the_change_form(editor_client, registry):
    event = registry[MembershipEvent]

    response = editor_client.post(
        admin_url(MembershipEvent, "change", event.pk),
        event_form_data(
            event,
            summary="Announced on inauguration day.",
            verified_at="2025-02-01 00:00",
            verified_by=1,
            verified_source=registry[Source].pk,
        ),
    )

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.summary == "Announced on inauguration day."
    assert event.verified_at is None and event.verified_by is None


def test_changing_a_verified_events_facts_withdraws_its_verification(
    editor_client, moderator_client, registry
):
    event = registry[MembershipEvent]
    verify(moderator_client, [event])

    editor_client.post(
        admin_url(MembershipEvent, "change", event.pk),
        event_form_data(event, effective_on="2027-01-22"),
    )

    event.refresh_from_db()
    assert event.effective_on == D(2027, 1, 22)
    assert event.verified_at is None


def test_changing_a_verified_events_facts_inline_withdraws_its_verification(
    editor_client, moderator_client, registry
):
    event = registry[MembershipEvent]
    verify(moderator_client, [event])
    url = admin_url(Organization, "change", registry[Organization].pk)

    response = editor_client.post(
        url, change_form_data(editor_client.get(url), **{"events-0-effective_on": "2027-01-22"})
    )

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.effective_on == D(2027, 1, 22)
    assert event.verified_at is None


def test_saving_an_organization_untouched_keeps_its_events_verified(
    editor_client, moderator_client, registry
):
    event = registry[MembershipEvent]
    verify(moderator_client, [event])
    url = admin_url(Organization, "change", registry[Organization].pk)

    response = editor_client.post(url, change_form_data(editor_client.get(url)))

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.verified_at is not None


def test_rewording_a_verified_events_summary_keeps_its_verification(
    editor_client, moderator_client, registry
):
    event = registry[MembershipEvent]
    verify(moderator_client, [event])

    editor_client.post(
        admin_url(MembershipEvent, "change", event.pk), event_form_data(event, summary="Reworded.")
    )

    event.refresh_from_db()
    assert event.summary == "Reworded."
    assert event.verified_at is not None


def test_only_those_who_may_delete_are_offered_recovery(editor_client, moderator_client, who):
    url = admin_url(Organization, "changelist")
    recover = admin_url(Organization, "recoverlist")

    assert recover not in editor_client.get(url).text
    assert editor_client.get(recover).status_code == 403
    assert recover in moderator_client.get(url).text
    assert moderator_client.get(recover).status_code == 200


def organizations_with_names_and_events(count: int) -> None:
    parent = OrganizationFactory(name="Parent")
    domain = DomainFactory()
    instrument = InstrumentFactory()
    for _ in range(count):
        organization = OrganizationFactory(parent=parent)
        organization.domains.add(domain)
        OrganizationNameFactory(organization=organization)
        OrganizationNameFactory(
            organization=organization, language="fr", name=f"Nom {organization.pk}"
        )
        event = MembershipEventFactory(organization=organization, instrument=instrument)
        event.sources.add(SourceFactory())
        MembershipEventFactory(
            organization=organization,
            kind=MembershipEvent.Kind.WITHDRAWAL_EFFECTIVE,
            announced_on=None,
            effective_on=D(2026, 1, 22),
        )


@pytest.mark.parametrize("rows", [5, 60])
def test_organization_changelist_queries_do_not_grow_with_rows(
    editor_client, django_assert_max_num_queries, rows
):
    organizations_with_names_and_events(rows)

    with django_assert_max_num_queries(ORGANIZATION_LIST_QUERIES):
        response = editor_client.get(admin_url(Organization, "changelist"), {"q": "Organization"})

    assert len(changelist_rows(response)) == min(rows, 50)


@pytest.mark.parametrize("rows", [5, 60])
def test_event_changelist_queries_do_not_grow_with_rows(
    moderator_client, django_assert_max_num_queries, rows
):
    organizations_with_names_and_events(rows)

    with django_assert_max_num_queries(EVENT_LIST_QUERIES):
        response = moderator_client.get(admin_url(MembershipEvent, "changelist"))

    assert len(changelist_rows(response)) == min(2 * rows, 50)


def test_moderator_cannot_delete_an_organization_its_events_still_name(moderator_client, registry):
    who = registry[Organization]

    response = moderator_client.post(admin_url(Organization, "delete", who.pk), {"post": "yes"})

    assert response.status_code == 200
    assert response.context["protected"]
    assert Organization.objects.filter(pk=who.pk).exists()


def test_moderator_deletes_an_organization_without_events(moderator_client):
    organization = OrganizationFactory()

    response = moderator_client.post(
        admin_url(Organization, "delete", organization.pk), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not Organization.objects.filter(pk=organization.pk).exists()


def source_form_data(**changes) -> dict:
    data = {
        "url": "https://www.state.gov/releases/unesco-2025",
        "title": "The United States Withdraws from UNESCO",
        "kind": Source.Kind.PRIMARY,
        "publisher": "US Department of State",
        "published_on": "2025-07-22",
        "accessed_on": "2026-01-31",
        "archive_url": "",
        "note": "",
    }
    return data | changes


def test_the_admin_refuses_a_source_address_that_names_no_document(editor_client):
    response = editor_client.post(
        admin_url(Source, "add"), source_form_data(url="https://www.state.gov/")
    )

    assert response.status_code == 200
    assert "This address names a whole site, not a document" in response.text
    assert not Source.objects.exists()


def test_a_new_source_gets_the_wayback_address_of_the_day_it_was_read(editor_client):
    response = editor_client.post(admin_url(Source, "add"), source_form_data())

    assert response.status_code == 302
    source = Source.objects.get()
    assert source.archive_url == (
        "https://web.archive.org/web/20260131/https://www.state.gov/releases/unesco-2025"
    )


def test_an_organizations_relation_is_edited_and_filtered_in_the_admin(editor_client, who):
    url = admin_url(Organization, "change", who.pk)
    data = change_form_data(editor_client.get(url), relation="observer")

    assert editor_client.post(url, data).status_code == 302
    who.refresh_from_db()
    assert who.relation == "observer"
    listed = editor_client.get(
        admin_url(Organization, "changelist"), {"relation__exact": "observer"}
    )
    assert changelist_rows(listed) == [who]
