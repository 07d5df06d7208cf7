"""Who receives which email when a translation moves through review."""

import pytest
from django.contrib.auth.models import Group
from django.db import transaction

from articles import workflow
from articles.models import ReviewLog
from articles.workflow.notifications import send_review_notification
from tests import factories

pytestmark = pytest.mark.django_db


def member(username, group, **kwargs):
    user = factories.UserFactory(username=username, **kwargs)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def people(db):
    return {
        "writer": member("writer", "Editors", first_name="Lin", last_name="Wei"),
        "submitter": member("submitter", "Editors"),
        "bystander": member("bystander", "Editors"),
        "moderator": member("moderator-a", "Moderators"),
        "other_moderator": member("moderator-b", "Moderators"),
        "no_email": member("moderator-c", "Moderators", email=""),
        "inactive": member("moderator-d", "Moderators", is_active=False),
    }


@pytest.fixture
def original(people):
    original, _ = factories.article_ready_for_review(languages=(), written_by=people["writer"])
    return original


def recipients(mailoutbox):
    return sorted(address for message in mailoutbox for address in message.to)


def test_submitting_emails_the_active_moderators_with_an_address(
    original, people, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(translation=original, by=people["submitter"])
    assert recipients(mailoutbox) == ["moderator-a@example.org", "moderator-b@example.org"]
    message = mailoutbox[0]
    title = original.latest_revision.title
    assert message.subject == f"[Concordance] Review requested: {title} (Simplified Chinese)"
    assert "submitter submitted revision 1" in message.body
    assert title in message.body


def test_each_recipient_gets_their_own_message(
    original, people, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(translation=original, by=people["submitter"])
    assert [len(message.to) for message in mailoutbox] == [1, 1]


def test_a_moderator_who_submits_is_not_told_about_their_own_submission(
    original, people, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(translation=original, by=people["moderator"])
    assert recipients(mailoutbox) == ["moderator-b@example.org"]


def test_approval_emails_the_author_and_the_submitter(
    original, people, mailoutbox, django_capture_on_commit_callbacks
):
    workflow.submit(translation=original, by=people["submitter"])
    with django_capture_on_commit_callbacks(execute=True):
        workflow.approve(translation=original, by=people["moderator"], comment="Well sourced.")
    assert recipients(mailoutbox) == ["submitter@example.org", "writer@example.org"]
    message = mailoutbox[0]
    assert message.subject.startswith("[Concordance] Published: ")
    assert "moderator-a approved revision 1" in message.body
    assert "Well sourced." in message.body


def test_an_author_who_submitted_is_emailed_once(
    original, people, mailoutbox, django_capture_on_commit_callbacks
):
    workflow.submit(translation=original, by=people["writer"])
    with django_capture_on_commit_callbacks(execute=True):
        workflow.approve(translation=original, by=people["moderator"])
    assert recipients(mailoutbox) == ["writer@example.org"]


def test_a_request_for_changes_emails_the_author_and_the_submitter_with_the_comment(
    original, people, mailoutbox, django_capture_on_commit_callbacks
):
    workflow.submit(translation=original, by=people["submitter"])
    with django_capture_on_commit_callbacks(execute=True):
        workflow.request_changes(
            translation=original,
            by=people["moderator"],
            comment="Cite Executive Order 14199 & its date.",
        )
    assert recipients(mailoutbox) == ["submitter@example.org", "writer@example.org"]
    message = mailoutbox[0]
    assert message.subject.startswith("[Concordance] Changes requested: ")
    # Plain text: nothing is HTML-escaped.
    assert "Cite Executive Order 14199 & its date." in message.body


def test_the_moderator_who_acts_is_not_emailed(
    original, people, mailoutbox, django_capture_on_commit_callbacks
):
    workflow.submit(translation=original, by=people["moderator"])
    with django_capture_on_commit_callbacks(execute=True):
        workflow.request_changes(translation=original, by=people["moderator"], comment="Redo.")
    assert recipients(mailoutbox) == ["writer@example.org"]


def test_withdrawing_editing_and_unpublishing_send_nothing(
    original, people, mailoutbox, django_capture_on_commit_callbacks
):
    workflow.submit(translation=original, by=people["submitter"])
    workflow.approve(translation=original, by=people["moderator"])
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        workflow.revision_create(
            translation=original,
            title="Edited",
            standfirst="",
            body=original.latest_revision.body,
            by=people["writer"],
        )
        workflow.submit(translation=original, by=people["submitter"])
        workflow.withdraw(translation=original, by=people["submitter"])
        workflow.unpublish(translation=original, by=people["moderator"], comment="Legal hold.")
    assert len(callbacks) == 1  # the submission alone
    assert recipients(mailoutbox) == ["moderator-a@example.org", "moderator-b@example.org"]


def test_nothing_is_sent_when_the_step_is_rolled_back(
    original, people, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        workflow.submit(translation=original, by=people["submitter"])
        transaction.set_rollback(True)
    assert mailoutbox == []
    assert not ReviewLog.objects.exists()


def test_the_task_reports_how_many_messages_it_sent(original, people, mailoutbox):
    workflow.submit(translation=original, by=people["submitter"])
    entry = ReviewLog.objects.get()
    result = send_review_notification.enqueue(entry.pk)
    assert result.return_value == 2
    assert len(mailoutbox) == 2
