"""Evidence changes: registry edits that matter flag every published translation citing them."""

import csv
import datetime
import shutil

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from articles import workflow
from articles.evidence import watch as evidence_watch
from articles.evidence.watch import describe_changes
from articles.models import EvidenceChange, ReviewLog, Translation
from ops import demo
from organizations.models import Instrument, MembershipEvent, Organization
from organizations.registry_io import BUNDLED_REGISTRY, load_registry
from tests import factories

pytestmark = pytest.mark.django_db

D = datetime.date
RecordType = EvidenceChange.RecordType
QUEUE = "/admin/review/"


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:organizations_{model._meta.model_name}_{view}", args=args)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def second_moderator(db):
    user = factories.UserFactory(username="second-moderator", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def cited(editor, moderator):
    """An article published in Chinese and English whose claim 1 cites WHO's withdrawal event,
    its instrument and WHO; plus a French version still in draft."""
    who = factories.OrganizationFactory(name="World Health Organization", acronym="WHO")
    instrument = factories.InstrumentFactory(number="14155", title="Executive Order 14155")
    event = factories.MembershipEventFactory(
        key="who-withdrawal",
        organization=who,
        announced_on=D(2025, 1, 20),
        effective_on=D(2026, 1, 22),
        instrument=instrument,
        summary="Announced on inauguration day.",
    )
    event.sources.add(factories.SourceFactory())
    original, (english, french) = factories.article_ready_for_review(
        languages=("en", "fr"), written_by=editor
    )
    claim = original.article.claims.get(number=1)
    factories.EvidenceFactory(claim=claim, organization=None, event=event)
    factories.EvidenceFactory(claim=claim, organization=None, instrument=instrument)
    factories.EvidenceFactory(claim=claim, organization=who)
    for translation in (original, english):
        workflow.submit(translation=translation, by=editor)
        workflow.approve(translation=translation, by=moderator)
    return {
        "event": event,
        "instrument": instrument,
        "organization": who,
        "original": original,
        "english": english,
        "french": french,
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


def edit_event(client, event, **changes):
    response = client.post(
        admin_url(MembershipEvent, "change", event.pk), event_form_data(event, **changes)
    )
    assert response.status_code == 302, response.content
    return response


def open_flags(translation=None):
    flags = EvidenceChange.objects.open()
    if translation is not None:
        flags = flags.filter(translation=translation)
    return list(flags)


# Detection in the registry admin


def test_editing_a_cited_events_date_flags_every_published_version_with_before_and_after(
    editor, cited
):
    edit_event(client_for(editor), cited["event"], effective_on="2026-02-22")

    flags = EvidenceChange.objects.open().order_by("translation__language")
    assert {flag.translation_id for flag in flags} == {cited["english"].pk, cited["original"].pk}
    for flag in flags:
        assert flag.record_type == RecordType.EVENT
        assert flag.record_id == cited["event"].pk
        assert "World Health Organization" in flag.record_label
        assert flag.changes == {"effective_on": {"before": "2026-01-22", "after": "2026-02-22"}}
        assert describe_changes(flag) == [("effective on", "Jan. 22, 2026", "Feb. 22, 2026")]


def test_a_draft_that_readers_cannot_see_is_not_flagged(editor, cited):
    edit_event(client_for(editor), cited["event"], effective_on="2026-02-22")

    assert not open_flags(cited["french"])


def test_rewording_a_cited_events_summary_flags_nothing(editor, cited):
    edit_event(client_for(editor), cited["event"], summary="Announced on 20 January 2025.")

    assert MembershipEvent.objects.get().summary == "Announced on 20 January 2025."
    assert not open_flags()


def test_moving_a_cited_event_to_another_instrument_shows_both_instruments(editor, cited):
    other = factories.InstrumentFactory(title="Another order", number="14999")

    edit_event(client_for(editor), cited["event"], instrument=other.pk)

    (flag, _other) = open_flags()
    assert flag.changes["instrument"] == {
        "before": "Executive Order 14155",
        "after": "Executive Order 14999",
    }


def test_editing_a_cited_event_inline_on_its_organization_flags_it(editor, cited):
    client = client_for(editor)
    url = admin_url(Organization, "change", cited["organization"].pk)
    form = client.get(url).context["adminform"].form
    inline = client.get(url).context["inline_admin_formsets"]
    data = {}
    for field in form:
        value = field.value()
        if value in (None, False):
            continue
        if isinstance(value, list | tuple):
            data[field.html_name] = [str(getattr(item, "pk", item)) for item in value]
        else:
            data[field.html_name] = "on" if value is True else str(getattr(value, "pk", value))
    for formset in (admin_formset.formset for admin_formset in inline):
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = str(value)
        data[f"{formset.prefix}-TOTAL_FORMS"] = str(formset.initial_form_count())
        for subform in formset.initial_forms:
            for field in subform:
                value = field.value()
                if value in (None, False):
                    continue
                data[field.html_name] = str(getattr(value, "pk", value))
    data["events-0-announced_on"] = "2025-01-21"

    response = client.post(url, data)

    assert response.status_code == 302
    assert {flag.changes["announced_on"]["after"] for flag in open_flags()} == {"2025-01-21"}


def test_withdrawing_a_verification_flags_the_citing_versions(moderator, cited):
    client = client_for(moderator)
    changelist = admin_url(MembershipEvent, "changelist")
    event = cited["event"]
    client.post(
        changelist,
        {
            "action": "verify",
            ACTION_CHECKBOX_NAME: [event.pk],
            "post": "yes",
            f"source_{event.pk}": event.sources.first().pk,
        },
    )
    assert not open_flags()

    client.post(
        changelist, {"action": "withdraw_verification", ACTION_CHECKBOX_NAME: [cited["event"].pk]}
    )

    flags = open_flags()
    assert len(flags) == 2
    assert flags[0].changes == {"verified": {"before": True, "after": False}}
    assert describe_changes(flags[0]) == [("verified", "yes", "no")]


def test_changing_a_cited_instruments_number_flags_but_retitling_does_not(editor, cited):
    client = client_for(editor)
    instrument = cited["instrument"]
    data = {
        "slug": instrument.slug,
        "kind": instrument.kind,
        "number": instrument.number,
        "title": "Withdrawing the United States from the World Health Organization",
        "signed_on": "2025-02-04",
        "citation": "",
        "url": "",
        "description": "",
    }
    client.post(admin_url(Instrument, "change", instrument.pk), data)
    assert not open_flags()

    client.post(admin_url(Instrument, "change", instrument.pk), data | {"number": "14156"})

    assert [flag.changes for flag in open_flags(cited["english"])] == [
        {"number": {"before": "14155", "after": "14156"}}
    ]


def test_a_cited_organization_becoming_un_related_flags_the_citing_versions(cited):
    organization = cited["organization"]
    before = evidence_watch.record_state(organization)
    organization.un_related = True
    organization.save()

    evidence_watch.evidence_changes_record(
        before=before, after=evidence_watch.record_state(organization)
    )

    assert {flag.record_type for flag in open_flags()} == {RecordType.ORGANIZATION}
    assert describe_changes(open_flags(cited["original"])[0]) == [("UN-related", "no", "yes")]


def test_a_second_change_merges_into_the_open_flag_and_undoing_it_clears_the_flag(editor, cited):
    client = client_for(editor)
    event = cited["event"]
    edit_event(client, event, effective_on="2026-02-22")
    event.refresh_from_db()
    edit_event(client, event, effective_on="2026-03-22", announced_on="2025-01-21")

    flag = open_flags(cited["english"])[0]
    assert flag.changes == {
        "effective_on": {"before": "2026-01-22", "after": "2026-03-22"},
        "announced_on": {"before": "2025-01-20", "after": "2025-01-21"},
    }
    assert EvidenceChange.objects.count() == 2

    event.refresh_from_db()
    edit_event(client, event, effective_on="2026-01-22", announced_on="2025-01-20")

    assert not EvidenceChange.objects.exists()


def test_reverting_a_cited_event_in_its_history_flags_the_change(editor, moderator, cited):
    client = client_for(editor)
    event = cited["event"]
    edit_event(client, event)
    first_version = Version.objects.get_for_object(event).get()
    edit_event(client, event, effective_on="2026-02-22")
    for translation in (cited["original"], cited["english"]):
        workflow.evidence_change_acknowledge(translation=translation, by=moderator, comment="Ok.")

    url = admin_url(MembershipEvent, "revision", event.pk, first_version.pk)
    response = client.post(
        url,
        client.get(url).context["adminform"].form.initial
        | {
            "sources": [source.pk for source in event.sources.all()],
            "announced_on": "2025-01-20",
            "effective_on": "2026-01-22",
            "organization": event.organization_id,
            "instrument": event.instrument_id,
        },
    )

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.effective_on == D(2026, 1, 22)
    assert {
        (flag.changes["effective_on"]["before"], flag.changes["effective_on"]["after"])
        for flag in open_flags()
    } == {("2026-02-22", "2026-01-22")}


def test_a_cited_record_cannot_be_deleted_and_the_admin_says_why(moderator, cited):
    client = client_for(moderator)
    url = admin_url(MembershipEvent, "delete", cited["event"].pk)

    response = client.post(url, {"post": "yes"})

    assert MembershipEvent.objects.filter(pk=cited["event"].pk).exists()
    assert "Cannot delete" in response.text
    assert f"claim 1 of “{cited['original'].article.slug}”" in response.text


# Detection in load_registry


def test_load_registry_changing_a_cited_event_flags_the_citing_versions(tmp_path):
    load_registry()
    article = demo.seed_demo().article
    data = tmp_path / "registry"
    shutil.copytree(BUNDLED_REGISTRY, data)
    events = data / "events.csv"
    with events.open(newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
        fields = list(rows[0])
    key = "paris-agreement-withdrawal-effective-2025-01-27"
    for row in rows:
        if row["key"] == key:
            row["effective_on"] = "2026-01-28"
        else:
            # Unrelated rewording of every other event flags nothing.
            row["summary"] += " (reworded)"
    with events.open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)

    load_registry(path=data)

    flags = open_flags()
    assert {flag.translation.language for flag in flags} == {"zh-hans", "en"}
    assert {flag.translation.article_id for flag in flags} == {article.pk}
    assert all(
        flag.changes == {"effective_on": {"before": "2026-01-27", "after": "2026-01-28"}}
        for flag in flags
    )


def test_moving_an_uncited_event_off_the_memorandum_flags_the_figure_that_counts_it(editor):
    load_registry()
    demo.seed_demo()
    event = MembershipEvent.objects.filter(
        instrument__slug="memorandum-2026-01-07", organization__un_related=True
    ).first()

    edit_event(client_for(editor), event, instrument=factories.InstrumentFactory().pk)

    flags = [flag for flag in open_flags() if flag.translation.language == "en"]
    assert sorted(
        (flag.record_type, flag.changes["registry_value"]["after"]) for flag in flags
    ) == [
        (RecordType.FIGURE, 30),
        (RecordType.FIGURE, 65),
    ]
    assert all(flag.changes["registry_value"]["before"] in (31, 66) for flag in flags)


# What readers see, and how flags are resolved


def test_published_text_stays_while_evidence_is_flagged(client, editor, cited):
    english = cited["english"]
    live_before = english.live_revision_id
    edit_event(client_for(editor), cited["event"], effective_on="2026-02-22")

    english.refresh_from_db()
    assert english.live_revision_id == live_before
    assert english.status == Translation.Status.PUBLISHED
    assert client.get(english.get_absolute_url()).status_code == 200


def test_acknowledging_resolves_the_flags_and_logs_it(editor, moderator, cited):
    edit_event(client_for(editor), cited["event"], effective_on="2026-02-22")
    english = cited["english"]

    workflow.evidence_change_acknowledge(
        translation=english, by=moderator, comment="The claim is about the announcement."
    )

    assert not open_flags(english)
    assert open_flags(cited["original"])
    flag = EvidenceChange.objects.get(translation=english)
    assert (flag.resolution, flag.resolved_by) == (
        EvidenceChange.Resolution.ACKNOWLEDGED,
        moderator,
    )
    entry = ReviewLog.objects.filter(translation=english).first()
    assert entry.action == ReviewLog.Action.EVIDENCE_REVIEWED
    assert entry.revision_id == english.live_revision_id
    assert entry.comment == "The claim is about the announcement."
    english.refresh_from_db()
    assert english.status == Translation.Status.PUBLISHED


def test_acknowledging_needs_a_moderator_a_comment_and_something_to_acknowledge(
    editor, moderator, cited
):
    english = cited["english"]
    with pytest.raises(workflow.TransitionNotAllowed, match="changed"):
        workflow.evidence_change_acknowledge(translation=english, by=moderator, comment="Ok.")

    edit_event(client_for(editor), cited["event"], effective_on="2026-02-22")
    with pytest.raises(PermissionDenied):
        workflow.evidence_change_acknowledge(translation=english, by=editor, comment="Ok.")
    with pytest.raises(workflow.CommentRequired):
        workflow.evidence_change_acknowledge(translation=english, by=moderator, comment=" ")
    assert open_flags(english)


def test_approving_a_correction_resolves_the_flags(editor, moderator, second_moderator, cited):
    edit_event(client_for(editor), cited["event"], effective_on="2026-02-22")
    english = cited["english"]
    latest = english.latest_revision
    workflow.revision_create(
        translation=english,
        title=latest.title,
        standfirst=latest.standfirst,
        body=latest.body,
        by=editor,
        correction_note="The withdrawal takes effect on 22 February 2026.",
    )
    workflow.submit(translation=english, by=editor)
    assert open_flags(english), "a correction only counts once readers see it"

    workflow.approve(translation=english, by=second_moderator)

    flag = EvidenceChange.objects.get(translation=english)
    assert flag.resolution == EvidenceChange.Resolution.CORRECTED
    assert flag.resolved_by == second_moderator
    assert open_flags(cited["original"])


def test_approving_an_edit_without_a_correction_note_keeps_the_flags(
    editor, second_moderator, cited
):
    edit_event(client_for(editor), cited["event"], effective_on="2026-02-22")
    english = cited["english"]
    latest = english.latest_revision
    workflow.revision_create(
        translation=english, title="Retitled", standfirst="", body=latest.body, by=editor
    )
    workflow.submit(translation=english, by=editor)
    workflow.approve(translation=english, by=second_moderator)

    assert open_flags(english)


# The review desk


def test_review_queue_lists_flagged_versions_with_before_and_after(editor, moderator, cited):
    edit_event(client_for(editor), cited["event"], effective_on="2026-02-22")

    response = client_for(moderator).get(QUEUE)

    assert response.status_code == 200
    assert "Evidence changed" in response.text
    for translation in (cited["original"], cited["english"]):
        assert f'id="evidence-changed-{translation.pk}"' in response.text
    assert "Jan. 22, 2026" in response.text and "Feb. 22, 2026" in response.text


def test_review_page_shows_the_change_and_acknowledging_there_clears_the_queue(
    editor, moderator, cited
):
    edit_event(client_for(editor), cited["event"], effective_on="2026-02-22")
    english = cited["english"]
    client = client_for(moderator)
    url = reverse("review:detail", args=[english.pk])

    page = client.get(url)
    assert 'id="evidence-changes"' in page.text
    assert "Feb. 22, 2026" in page.text

    refused = client.post(
        url, {"action": "acknowledge_evidence", "acknowledge_evidence-comment": ""}
    )
    assert refused.status_code == 200
    assert open_flags(english)

    response = client.post(
        url,
        {"action": "acknowledge_evidence", "acknowledge_evidence-comment": "Still holds."},
    )
    assert response.status_code == 302
    assert not open_flags(english)
    assert f'id="evidence-changed-{english.pk}"' not in client.get(QUEUE).text


def test_recording_without_a_change_that_matters_writes_nothing(cited, django_assert_num_queries):
    state = evidence_watch.record_state(cited["event"])

    with django_assert_num_queries(0):
        assert evidence_watch.evidence_changes_record(before=state, after=state) == []


def test_load_registry_records_flags_for_many_records_in_a_fixed_number_of_queries(
    cited, django_assert_num_queries
):
    def states(day):
        pairs = []
        for event in MembershipEvent.objects.all():
            before = evidence_watch.record_state(event)
            event.effective_on = day
            pairs.append((before, evidence_watch.record_state(event)))
        return pairs

    factories.MembershipEventFactory.create_batch(5)
    # Citing translations, the changed records' labels (events, then their
    # instruments and organizations), the open flags, and the insert.
    with django_assert_num_queries(5):
        evidence_watch.evidence_changes_record_many(pairs=states(D(2027, 1, 1)))

    assert len(open_flags()) == 2


# The registry announces its changes; the newsroom listens -------------------


def test_a_cited_event_changed_through_the_registry_service_flags_its_citing_versions(cited):
    """No admin, no loader: the registry's own service, as a shell or a command would call it."""
    from organizations.services import membership_event_update

    membership_event_update(event=cited["event"], effective_on=D(2026, 3, 1))

    flags = open_flags()
    assert {flag.translation for flag in flags} == {cited["original"], cited["english"]}
    assert {flag.changes["effective_on"]["after"] for flag in flags} == {"2026-03-01"}


def test_a_cited_record_saved_in_the_shell_flags_its_citing_versions(cited):
    organization = MembershipEvent.objects.get(pk=cited["event"].pk).organization
    organization.un_related = True
    organization.save()

    instrument = Instrument.objects.get(pk=cited["instrument"].pk)
    instrument.citation = "90 FR 8361"
    instrument.save(update_fields=["citation"])

    assert {(flag.record_type, flag.translation_id) for flag in open_flags()} == {
        (RecordType.ORGANIZATION, cited["original"].pk),
        (RecordType.ORGANIZATION, cited["english"].pk),
        (RecordType.INSTRUMENT, cited["original"].pk),
        (RecordType.INSTRUMENT, cited["english"].pk),
    }


def test_a_registry_change_that_rolls_back_flags_nothing(cited):
    from django.db import transaction

    from organizations.services import registry_change

    event = cited["event"]
    with pytest.raises(RuntimeError), transaction.atomic(), registry_change():
        event.effective_on = D(2026, 3, 1)
        event.save()
        raise RuntimeError

    assert open_flags() == []
