"""The review workflow: transitions, their log rows, and every reason a step is refused."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied

from articles import workflow
from articles.models import Claim, ReviewLog, Translation
from articles.workflow import (
    CommentRequired,
    StaleRevision,
    SubmissionBlocked,
    TransitionNotAllowed,
)
from tests import factories

pytestmark = pytest.mark.django_db

Status = Translation.Status


@pytest.fixture
def writer(db):
    """An editor who writes and submits; never the one who approves."""
    user = factories.UserFactory(username="writer", first_name="Lin", last_name="Wei")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def second_moderator(db):
    user = factories.UserFactory(username="second-moderator")
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def superuser(db):
    return factories.UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def original(writer):
    original, _ = factories.article_ready_for_review(languages=(), written_by=writer)
    return original


@pytest.fixture
def article(writer):
    """An original and its English translation, both drafts ready for review."""
    original, (english,) = factories.article_ready_for_review(written_by=writer)
    return original, english


def log_rows(translation):
    return list(
        ReviewLog.objects.filter(translation=translation)
        .order_by("pk")
        .values_list("action", "from_status", "to_status")
    )


def last_entry():
    return ReviewLog.objects.order_by("-pk").first()


def publish(translation, *, submitter, approver):
    workflow.submit(translation=translation, by=submitter)
    workflow.approve(translation=translation, by=approver)


def bring_to(status, translation, *, editor, moderator):
    """Move a draft translation to `status` through the workflow."""
    if status == Status.DRAFT:
        return
    workflow.submit(translation=translation, by=editor)
    if status == Status.CHANGES_REQUESTED:
        workflow.request_changes(translation=translation, by=moderator, comment="Cite the order.")
    elif status in {Status.PUBLISHED, Status.UNPUBLISHED}:
        workflow.approve(translation=translation, by=moderator)
        if status == Status.UNPUBLISHED:
            workflow.unpublish(translation=translation, by=moderator, comment="Legal hold.")
    assert Translation.objects.get(pk=translation.pk).status == status


# Allowed transitions


def test_submit_sends_a_draft_to_review(original, writer):
    with time_machine.travel(datetime.datetime(2026, 1, 9, 10, tzinfo=datetime.UTC), tick=False):
        returned = workflow.submit(translation=original, by=writer)
    assert returned is original
    original.refresh_from_db()
    assert original.status == Status.IN_REVIEW
    assert original.submitted_by == writer
    assert original.submitted_at == datetime.datetime(2026, 1, 9, 10, tzinfo=datetime.UTC)
    assert log_rows(original) == [("submit", "draft", "in_review")]
    entry = ReviewLog.objects.get()
    assert entry.actor == writer
    assert entry.revision == original.latest_revision


def test_submit_after_changes_were_requested(original, writer, moderator):
    bring_to(Status.CHANGES_REQUESTED, original, editor=writer, moderator=moderator)
    workflow.submit(translation=original, by=writer)
    assert original.status == Status.IN_REVIEW
    assert log_rows(original)[-1] == ("submit", "changes_requested", "in_review")


def test_submit_an_unpublished_translation_again(original, writer, moderator):
    bring_to(Status.UNPUBLISHED, original, editor=writer, moderator=moderator)
    workflow.submit(translation=original, by=writer)
    assert original.status == Status.IN_REVIEW
    assert log_rows(original)[-1] == ("submit", "unpublished", "in_review")


def test_the_submitter_withdraws_a_translation_from_review(original, writer):
    workflow.submit(translation=original, by=writer)
    workflow.withdraw(translation=original, by=writer)
    original.refresh_from_db()
    assert original.status == Status.DRAFT
    assert original.submitted_by is None
    assert log_rows(original) == [
        ("submit", "draft", "in_review"),
        ("withdraw", "in_review", "draft"),
    ]


def test_another_editor_withdraws_a_translation_from_review(original, writer, editor):
    workflow.submit(translation=original, by=writer)
    workflow.withdraw(translation=original, by=editor)
    assert Translation.objects.get(pk=original.pk).status == Status.DRAFT
    assert last_entry().actor == editor


def test_request_changes_logs_the_comment(original, writer, moderator):
    workflow.submit(translation=original, by=writer)
    workflow.request_changes(translation=original, by=moderator, comment="  Cite the order.  ")
    original.refresh_from_db()
    assert original.status == Status.CHANGES_REQUESTED
    assert original.live_revision is None
    entry = last_entry()
    assert (entry.action, entry.from_status, entry.to_status) == (
        "request_changes",
        "in_review",
        "changes_requested",
    )
    assert entry.comment == "Cite the order."
    assert entry.actor == moderator


def test_approve_makes_the_latest_revision_live(original, writer, moderator):
    workflow.submit(translation=original, by=writer)
    with time_machine.travel(datetime.datetime(2026, 1, 10, 8, tzinfo=datetime.UTC), tick=False):
        workflow.approve(translation=original, by=moderator, comment="Checked every date.")
    original.refresh_from_db()
    assert original.status == Status.PUBLISHED
    assert original.live_revision == original.latest_revision
    assert original.first_published_at == datetime.datetime(2026, 1, 10, 8, tzinfo=datetime.UTC)
    assert not original.has_unpublished_changes
    assert list(Translation.objects.published()) == [original]
    entry = last_entry()
    assert (entry.action, entry.from_status, entry.to_status, entry.comment) == (
        "approve",
        "in_review",
        "published",
        "Checked every date.",
    )


def test_a_later_approval_keeps_the_first_publication_date(original, writer, moderator):
    with time_machine.travel(datetime.datetime(2026, 1, 10, tzinfo=datetime.UTC), tick=False):
        publish(original, submitter=writer, approver=moderator)
    workflow.revision_create(
        translation=original,
        title="Corrected",
        standfirst="",
        body=original_body(original),
        by=writer,
    )
    with time_machine.travel(datetime.datetime(2026, 2, 1, tzinfo=datetime.UTC), tick=False):
        publish(original, submitter=writer, approver=moderator)
    original.refresh_from_db()
    assert original.live_revision.number == 2
    assert original.first_published_at == datetime.datetime(2026, 1, 10, tzinfo=datetime.UTC)


def test_unpublish_takes_a_translation_away_from_readers(original, writer, moderator):
    publish(original, submitter=writer, approver=moderator)
    workflow.unpublish(translation=original, by=moderator, comment="Legal hold.")
    original.refresh_from_db()
    assert original.status == Status.UNPUBLISHED
    assert original.live_revision is None
    assert original.first_published_at is not None
    assert not Translation.objects.published().exists()
    entry = last_entry()
    assert (entry.action, entry.from_status, entry.to_status, entry.comment) == (
        "unpublish",
        "published",
        "unpublished",
        "Legal hold.",
    )
    assert entry.revision.number == 1


def test_unpublish_a_published_translation_with_a_pending_draft(original, writer, moderator):
    publish(original, submitter=writer, approver=moderator)
    workflow.revision_create(
        translation=original, title="New", standfirst="", body=original_body(original), by=writer
    )
    workflow.unpublish(translation=original, by=moderator, comment="Legal hold.")
    assert original.status == Status.UNPUBLISHED
    assert not Translation.objects.published().exists()


# Refused transitions

ALLOWED = {
    ("submit", Status.DRAFT),
    ("submit", Status.CHANGES_REQUESTED),
    ("submit", Status.UNPUBLISHED),
    ("withdraw", Status.IN_REVIEW),
    ("request_changes", Status.IN_REVIEW),
    ("approve", Status.IN_REVIEW),
    ("unpublish", Status.PUBLISHED),
}
REASONS = {
    ("submit", Status.IN_REVIEW): "already in review",
    ("submit", Status.PUBLISHED): "has no new draft to submit",
    (
        "withdraw",
        Status.DRAFT,
    ): "Only a translation in review can be withdrawn; this one is a draft",
    ("withdraw", Status.CHANGES_REQUESTED): "this one is waiting for requested changes",
    ("withdraw", Status.PUBLISHED): "this one is published",
    ("withdraw", Status.UNPUBLISHED): "this one is unpublished",
    ("request_changes", Status.DRAFT): "in review; this one is a draft",
    ("request_changes", Status.CHANGES_REQUESTED): "this one is waiting for requested changes",
    ("request_changes", Status.PUBLISHED): "this one is published",
    ("request_changes", Status.UNPUBLISHED): "this one is unpublished",
    ("approve", Status.DRAFT): "Only a translation in review can be approved; this one is a draft.",
    ("approve", Status.CHANGES_REQUESTED): "this one is waiting for requested changes",
    ("approve", Status.PUBLISHED): "this one is published",
    ("approve", Status.UNPUBLISHED): "this one is unpublished",
    ("unpublish", Status.DRAFT): "Only a published translation can be unpublished",
    ("unpublish", Status.IN_REVIEW): "this one is in review",
    ("unpublish", Status.CHANGES_REQUESTED): "this one is waiting for requested changes",
    ("unpublish", Status.UNPUBLISHED): "this one is unpublished",
}
assert not ALLOWED & set(REASONS)
assert len(ALLOWED) + len(REASONS) == 5 * 5


def call(transition, translation, by):
    kwargs = {"translation": translation, "by": by}
    if transition in {"request_changes", "unpublish"}:
        kwargs["comment"] = "A reason."
    return getattr(workflow, transition)(**kwargs)


@pytest.mark.parametrize(
    ("transition", "status", "reason"),
    [pytest.param(t, s, r, id=f"{t}-from-{s}") for (t, s), r in REASONS.items()],
)
def test_a_transition_from_the_wrong_state_is_refused_with_a_reason(
    original, writer, moderator, superuser, transition, status, reason
):
    bring_to(status, original, editor=writer, moderator=moderator)
    rows_before = log_rows(original)
    with pytest.raises(TransitionNotAllowed) as refused:
        call(transition, Translation.objects.get(pk=original.pk), superuser)
    assert reason in str(refused.value)
    assert Translation.objects.get(pk=original.pk).status == status
    assert log_rows(original) == rows_before


def test_a_translation_without_text_cannot_be_submitted(writer):
    translation = factories.TranslationFactory(revision=False)
    with pytest.raises(TransitionNotAllowed, match="no text yet"):
        workflow.submit(translation=translation, by=writer)


def test_a_stale_instance_does_not_hide_the_current_state(original, writer, moderator):
    stale = Translation.objects.get(pk=original.pk)
    workflow.submit(translation=original, by=writer)
    workflow.approve(translation=original, by=moderator)
    assert stale.status == Status.DRAFT
    with pytest.raises(TransitionNotAllowed, match="this one is published"):
        workflow.approve(translation=stale, by=moderator)
    assert ReviewLog.objects.filter(action="approve").count() == 1


# Comments


@pytest.mark.parametrize("comment", ["", "   \n"])
def test_requesting_changes_needs_a_comment(original, writer, moderator, comment):
    workflow.submit(translation=original, by=writer)
    with pytest.raises(CommentRequired, match="needs a comment"):
        workflow.request_changes(translation=original, by=moderator, comment=comment)
    assert Translation.objects.get(pk=original.pk).status == Status.IN_REVIEW


@pytest.mark.parametrize("comment", ["", "   \n"])
def test_unpublishing_needs_a_comment(original, writer, moderator, comment):
    publish(original, submitter=writer, approver=moderator)
    with pytest.raises(CommentRequired, match="needs a comment"):
        workflow.unpublish(translation=original, by=moderator, comment=comment)
    assert Translation.objects.get(pk=original.pk).status == Status.PUBLISHED


def test_a_missing_comment_is_a_refused_transition(original, writer, moderator):
    workflow.submit(translation=original, by=writer)
    with pytest.raises(TransitionNotAllowed):
        workflow.request_changes(translation=original, by=moderator, comment="")


# Four eyes


def test_a_moderator_cannot_approve_a_translation_they_submitted(original, moderator):
    workflow.submit(translation=original, by=moderator)
    with pytest.raises(PermissionDenied, match="Four eyes: you submitted"):
        workflow.approve(translation=original, by=moderator)
    assert Translation.objects.get(pk=original.pk).status == Status.IN_REVIEW


def test_a_moderator_cannot_approve_a_revision_they_wrote(original, moderator, writer):
    workflow.revision_create(
        translation=original, title="T", standfirst="", body=original_body(original), by=moderator
    )
    workflow.submit(translation=original, by=writer)
    with pytest.raises(PermissionDenied, match="Four eyes: you wrote"):
        workflow.approve(translation=original, by=moderator)


def test_a_moderator_cannot_approve_text_they_wrote_since_the_live_revision(
    original, moderator, second_moderator, writer
):
    publish(original, submitter=writer, approver=second_moderator)
    body = original_body(original)
    workflow.revision_create(
        translation=original, title="T", standfirst="", body=body, by=moderator
    )
    workflow.revision_create(translation=original, title="T", standfirst="", body=body, by=writer)
    workflow.submit(translation=original, by=writer)
    with pytest.raises(PermissionDenied, match="Four eyes"):
        workflow.approve(translation=original, by=moderator)
    workflow.approve(translation=original, by=second_moderator)
    assert Translation.objects.get(pk=original.pk).live_revision.number == 3


def test_text_a_moderator_wrote_before_the_live_revision_does_not_stop_them(
    original, moderator, second_moderator, writer
):
    body = original_body(original)
    workflow.revision_create(
        translation=original, title="T", standfirst="", body=body, by=moderator
    )
    publish(original, submitter=writer, approver=second_moderator)
    workflow.revision_create(translation=original, title="T", standfirst="", body=body, by=writer)
    workflow.submit(translation=original, by=writer)
    workflow.approve(translation=original, by=moderator)
    assert Translation.objects.get(pk=original.pk).live_revision.number == 3


@pytest.mark.parametrize("role", ["wrote", "submitted"])
def test_four_eyes_hold_for_a_superuser(superuser, writer, role):
    original, _ = factories.article_ready_for_review(
        languages=(), written_by=superuser if role == "wrote" else writer
    )
    workflow.submit(translation=original, by=superuser if role == "submitted" else writer)
    with pytest.raises(PermissionDenied, match="Four eyes"):
        workflow.approve(translation=original, by=superuser)
    assert not ReviewLog.objects.filter(action="approve").exists()


# Editing


def original_body(translation):
    return Translation.objects.get(pk=translation.pk).latest_revision.body


def test_editing_a_published_translation_keeps_readers_on_the_live_revision(
    original, writer, moderator
):
    publish(original, submitter=writer, approver=moderator)
    first = original.live_revision
    second = workflow.revision_create(
        translation=original,
        title="A corrected headline",
        standfirst="",
        body=original_body(original),
        by=writer,
        based_on=first,
    )
    original.refresh_from_db()
    assert original.status == Status.DRAFT
    assert original.latest_revision == second
    assert original.live_revision == first
    assert original.has_unpublished_changes
    assert [t.live_revision for t in Translation.objects.for_reader(original.language)] == [first]
    assert log_rows(original)[-1] == ("edit", "published", "draft")

    publish(original, submitter=writer, approver=moderator)
    assert [t.live_revision for t in Translation.objects.for_reader(original.language)] == [second]
    assert not Translation.objects.get(pk=original.pk).has_unpublished_changes


@pytest.mark.parametrize("status", [Status.IN_REVIEW, Status.CHANGES_REQUESTED])
def test_editing_a_translation_under_review_takes_it_back_to_draft(
    original, writer, moderator, status
):
    bring_to(status, original, editor=writer, moderator=moderator)
    revision = workflow.revision_create(
        translation=original, title="T", standfirst="", body=original_body(original), by=writer
    )
    assert original.status == Status.DRAFT
    assert original.latest_revision == revision
    entry = last_entry()
    assert (entry.action, entry.from_status, entry.to_status, entry.revision) == (
        "edit",
        status,
        "draft",
        revision,
    )
    assert entry.actor == writer


def test_editing_a_draft_writes_no_log_row(original, writer):
    workflow.revision_create(
        translation=original, title="T", standfirst="", body=original_body(original), by=writer
    )
    assert not ReviewLog.objects.exists()


def test_an_edit_based_on_a_stale_revision_is_refused(original, writer, editor):
    editor.first_name, editor.last_name = "Ana", "Ruiz"
    editor.save()
    first = original.latest_revision
    with time_machine.travel(datetime.datetime(2026, 1, 12, 9, 30, tzinfo=datetime.UTC)):
        newer = workflow.revision_create(
            translation=original,
            title="Mine",
            standfirst="",
            body="One.",
            by=editor,
            based_on=first,
        )
    with pytest.raises(StaleRevision) as refused:
        workflow.revision_create(
            translation=original,
            title="Theirs",
            standfirst="",
            body="Two.",
            by=writer,
            based_on=first,
        )
    assert refused.value.latest_revision == newer
    assert refused.value.saved_by == editor
    assert refused.value.saved_at == newer.created_at
    message = str(refused.value)
    assert "Ana Ruiz" in message
    assert "revision 2" in message
    assert "2026" in message
    assert original.revisions.count() == 2
    assert Translation.objects.get(pk=original.pk).latest_revision == newer


def test_an_edit_based_on_the_latest_revision_is_saved(original, writer):
    revision = workflow.revision_create(
        translation=original,
        title="T",
        standfirst="",
        body="B",
        by=writer,
        based_on=original.latest_revision,
    )
    assert revision.based_on.number == 1
    assert revision.number == 2


def test_a_user_without_write_permission_cannot_create_revisions(original):
    with pytest.raises(PermissionDenied):
        workflow.revision_create(
            translation=original, title="T", standfirst="", body="B", by=factories.UserFactory()
        )
    assert original.revisions.count() == 1


def test_a_translation_records_the_originals_revision_it_was_made_from(article, writer):
    original, english = article
    source = original.latest_revision
    assert english.latest_revision.source_revision == source
    newer_source = workflow.revision_create(
        translation=original, title="T", standfirst="", body="B", by=writer
    )
    # An edit of the translation keeps its source unless the editor says otherwise.
    edit = workflow.revision_create(
        translation=english, title="T", standfirst="", body="B", by=writer
    )
    assert edit.source_revision == source
    updated = workflow.revision_create(
        translation=english,
        title="T",
        standfirst="",
        body="B",
        by=writer,
        source_revision=newer_source,
    )
    assert updated.source_revision == newer_source


def test_the_original_is_not_translated_from_anything(article, writer):
    original, english = article
    with pytest.raises(ValueError, match="original"):
        workflow.revision_create(
            translation=original,
            title="T",
            standfirst="",
            body="B",
            by=writer,
            source_revision=original.latest_revision,
        )
    with pytest.raises(ValueError, match="original"):
        workflow.revision_create(
            translation=english,
            title="T",
            standfirst="",
            body="B",
            by=writer,
            source_revision=english.latest_revision,
        )


# Submission rules


def test_submission_lists_every_problem(article, writer):
    original, english = article
    # Claim 1: its English anchor no longer matches the text.
    english_anchor = english.anchors.get(claim__number=1)
    english_anchor.quote = "a sentence that was cut"
    english_anchor.save()
    # Claim 2: its English anchor matches twice.
    workflow.revision_create(
        translation=english,
        title="T",
        standfirst="",
        body="In en, statement number 2 holds. Again, statement number 2 holds.",
        by=writer,
    )
    # Claim 3: anchored in the original only.
    third = factories.ClaimFactory(article=original.article, number=3)
    factories.EvidenceFactory(claim=third)
    factories.ClaimAnchorFactory(claim=third, translation=original, quote="statement number 1")
    # Claim 4: anchored everywhere, with no evidence.
    fourth = factories.ClaimFactory(article=original.article, number=4)
    factories.ClaimAnchorFactory(claim=fourth, translation=original, quote="statement number 2")
    factories.ClaimAnchorFactory(claim=fourth, translation=english, quote="Again, statement")

    with pytest.raises(SubmissionBlocked) as blocked:
        workflow.submit(translation=english, by=writer)
    assert blocked.value.problems == [
        "Claim 1 [en]: the quote “a sentence that was cut” is not in the text.",
        "Claim 2 [en]: the quote “statement number 2 holds” appears 2 times; "
        "add a prefix or suffix to say which one is meant.",
        "Claim 3 is not anchored in the English version.",
        "Claim 4 has no evidence from the registry.",
    ]
    assert all(problem in str(blocked.value) for problem in blocked.value.problems)
    assert Translation.objects.get(pk=english.pk).status == Status.DRAFT
    assert not ReviewLog.objects.exists()


def test_every_claim_must_be_anchored_in_the_original(original, writer):
    claim = factories.ClaimFactory(article=original.article, number=3)
    factories.EvidenceFactory(claim=claim)
    with pytest.raises(SubmissionBlocked) as blocked:
        workflow.submit(translation=original, by=writer)
    assert blocked.value.problems == ["Claim 3 is not anchored in the Simplified Chinese version."]


def test_a_prefix_disambiguates_a_repeated_quote(article, writer):
    _original, english = article
    workflow.revision_create(
        translation=english,
        title="T",
        standfirst="",
        body="Here statement number 1 holds. First, statement number 2 holds. "
        "Then statement number 2 holds.",
        by=writer,
    )
    anchor = english.anchors.get(claim__number=2)
    anchor.prefix = "First,"
    anchor.save()
    assert workflow.submission_problems(translation=english) == []
    workflow.submit(translation=english, by=writer)


def test_claims_anchored_only_in_other_translations_do_not_block(article, writer):
    original, english = article
    claim = factories.ClaimFactory(article=original.article, number=3)
    factories.EvidenceFactory(claim=claim)
    french = factories.TranslationFactory(
        article=original.article, is_original=False, language="fr"
    )
    factories.ClaimAnchorFactory(claim=claim, translation=french, quote="statement")
    assert workflow.submission_problems(translation=english) == []


def test_a_translation_cannot_be_approved_before_the_original_is_published(
    article, writer, moderator
):
    original, english = article
    workflow.submit(translation=english, by=writer)
    with pytest.raises(TransitionNotAllowed, match="before the original is published"):
        workflow.approve(translation=english, by=moderator)
    assert Translation.objects.get(pk=english.pk).status == Status.IN_REVIEW

    publish(original, submitter=writer, approver=moderator)
    workflow.approve(translation=english, by=moderator)
    assert set(Translation.objects.published()) == {original, english}


def test_problems_that_appear_during_review_block_approval(original, writer, moderator):
    workflow.submit(translation=original, by=writer)
    Claim.objects.filter(article=original.article, number=2).get().evidence.all().delete()
    with pytest.raises(SubmissionBlocked) as blocked:
        workflow.approve(translation=original, by=moderator)
    assert blocked.value.problems == ["Claim 2 has no evidence from the registry."]
    assert Translation.objects.get(pk=original.pk).live_revision is None
