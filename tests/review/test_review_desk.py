"""The moderators' review desk: the queue, the review page with its buttons, the editors' desk."""

import datetime
import re

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from articles import workflow
from articles.models import ReviewLog, Translation
from tests import factories

pytestmark = pytest.mark.django_db

Status = Translation.Status
QUEUE = "/admin/review/"


@pytest.fixture
def second_moderator(db):
    user = factories.UserFactory(username="second-moderator", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def english_in_review(*, editor, moderator, submitter=None, body=None):
    """A published original and its English translation, submitted by `submitter` (the editor)."""
    original, (english,) = factories.article_ready_for_review(written_by=editor)
    workflow.submit(translation=original, by=editor)
    workflow.approve(translation=original, by=moderator)
    if body is not None:
        workflow.revision_create(
            translation=english, title="Amended", standfirst="", body=body, by=editor
        )
    workflow.submit(translation=english, by=submitter or editor)
    return original, english


def row(html: str, row_id: str) -> str:
    found = re.search(rf'<tr id="{row_id}".*?</tr>', html, re.S)
    assert found, f"no row {row_id}"
    return found.group(0)


def text_of(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def cells(html: str, css_class: str) -> list[str]:
    return re.findall(rf'<td class="{css_class}"[^>]*>(.*?)</td>', html, re.S)


def test_review_desk_urls_live_under_the_admin():
    assert reverse("review:queue") == QUEUE
    assert reverse("review:mine") == "/admin/review/mine/"
    assert reverse("review:detail", args=[7]) == "/admin/review/7/"


def test_queue_lists_translations_in_review_oldest_submission_first(editor, moderator):
    with time_machine.travel(datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.UTC), tick=False):
        _, older = english_in_review(editor=editor, moderator=moderator)
    with time_machine.travel(datetime.datetime(2026, 3, 3, 9, tzinfo=datetime.UTC), tick=False):
        _, newer = english_in_review(editor=editor, moderator=moderator)

    with time_machine.travel(datetime.datetime(2026, 3, 4, 10, tzinfo=datetime.UTC), tick=False):
        response = client_for(moderator).get(QUEUE)

    html = response.content.decode()
    order = [int(pk) for pk in re.findall(r'<tr id="queue-(\d+)"', html)]
    assert order == [older.pk, newer.pk]
    older_row = row(html, f"queue-{older.pk}")
    assert older.latest_revision.title in older_row
    assert "简体中文" in older_row and "English" in older_row
    assert "editor" in older_row
    assert "submitted 3\xa0days ago" in older_row
    assert "Current" in older_row
    assert "Review and approve" in older_row
    assert "submitted 1\xa0day ago" in row(html, f"queue-{newer.pk}")


def test_queue_marks_originals_as_originals(editor, moderator):
    original, _ = factories.article_ready_for_review(languages=(), written_by=editor)
    workflow.submit(translation=original, by=editor)

    html = client_for(moderator).get(QUEUE).content.decode()

    assert "(original)" in row(html, f"queue-{original.pk}")


def test_queue_counts_the_problems_of_each_translation(editor, moderator):
    _, english = english_in_review(editor=editor, moderator=moderator)
    # A claim added after submission, anchored nowhere and without evidence.
    factories.ClaimFactory(article=english.article, number=3)
    factories.ClaimAnchorFactory(
        claim=english.article.claims.get(number=3),
        translation=english.article.translations.get(is_original=True),
        quote="statement number 1 holds",
    )

    html = client_for(moderator).get(QUEUE).content.decode()

    english_row = row(html, f"queue-{english.pk}")
    assert "2 problems" in english_row
    assert "Review and approve" not in english_row


def test_moderators_own_submission_is_not_approvable_in_the_queue(editor, moderator):
    _, own = english_in_review(editor=editor, moderator=moderator, submitter=moderator)
    _, other = english_in_review(editor=editor, moderator=moderator)

    html = client_for(moderator).get(QUEUE).content.decode()

    own_row = row(html, f"queue-{own.pk}")
    assert "Your submission" in own_row
    assert "#decision" not in own_row
    assert "Review and approve" in row(html, f"queue-{other.pk}")


def test_a_revision_the_moderator_wrote_is_not_approvable_in_the_queue(editor, moderator):
    _, english = english_in_review(editor=editor, moderator=moderator)
    workflow.revision_create(
        translation=english,
        title="Touched up",
        standfirst="",
        body=english.latest_revision.body,
        by=moderator,
    )
    workflow.submit(translation=english, by=editor)

    html = client_for(moderator).get(QUEUE).content.decode()

    assert "You wrote part of this version" in row(html, f"queue-{english.pk}")


def test_anonymous_visitors_are_sent_to_the_admin_login(client):
    response = client.get(QUEUE)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_editors_may_not_open_the_queue(editor):
    assert client_for(editor).get(QUEUE).status_code == 403


def test_review_page_aligns_paragraphs_with_the_same_claim_numbers_on_both_sides(editor, moderator):
    _, english = english_in_review(editor=editor, moderator=moderator)

    response = client_for(moderator).get(reverse("review:detail", args=[english.pk]))

    html = response.content.decode()
    originals = cells(html, "review-block-original")
    translations = cells(html, "review-block-translation")
    assert len(originals) == len(translations) == 2
    for number, (left, right) in enumerate(zip(originals, translations, strict=True), start=1):
        assert f"In zh-hans, statement number {number} holds" in text_of(left)
        assert f"In en, statement number {number} holds" in text_of(right)
        assert re.findall(r'data-claim="(\d+)"', left) == [str(number)]
        assert re.findall(r'data-claim="(\d+)"', right) == [str(number)]
    # The two texts mark the same claims without repeating an id on the page.
    assert 'id="original-claim-1"' in html and 'id="translation-claim-1"' in html
    assert 'id="evidence-1"' in html
    assertNotContains(response, "Paragraph counts differ")


def test_review_page_flags_a_paragraph_count_mismatch(editor, moderator):
    body = (
        "In en, statement number 1 holds.\n\nA paragraph the original does not have.\n\n"
        "In en, statement number 2 holds."
    )
    _, english = english_in_review(editor=editor, moderator=moderator, body=body)

    response = client_for(moderator).get(reverse("review:detail", args=[english.pk]))

    assertContains(response, "Paragraph counts differ: the original has 2 and this translation 3")
    assertContains(response, "No matching paragraph in the original.")


def test_review_page_of_an_original_shows_one_text(editor, moderator):
    original, _ = factories.article_ready_for_review(written_by=editor)
    workflow.submit(translation=original, by=editor)

    response = client_for(moderator).get(reverse("review:detail", args=[original.pk]))

    html = response.content.decode()
    assert cells(html, "review-block-original") == []
    assert len(cells(html, "review-block-translation")) == 2
    assertNotContains(response, "Paragraph counts differ")
    assertContains(response, 'value="approve"')


def test_review_page_of_a_translation_without_text_says_so(moderator):
    original, _ = factories.article_ready_for_review(languages=())
    french = factories.TranslationFactory(
        article=original.article, is_original=False, language="fr", revision=False
    )

    response = client_for(moderator).get(reverse("review:detail", args=[french.pk]))

    assertContains(response, "The French version has no text yet.")


def test_review_page_lists_problems_and_offers_no_approval_while_they_remain(editor, moderator):
    _, english = english_in_review(editor=editor, moderator=moderator)
    english.anchors.filter(claim__number=2).update(quote="words that are not there")

    response = client_for(moderator).get(reverse("review:detail", args=[english.pk]))

    assertContains(response, ": the quote “words that are not there” is not in the text.")
    assertContains(response, "cannot be approved while the problems above remain")
    assertNotContains(response, 'value="approve"')
    assertContains(response, 'value="request_changes"')
    claim_2 = re.search(r'<li id="evidence-2">.*?</li>', response.content.decode(), re.S)
    assert "quote not in the text" in claim_2.group(0)


def test_review_page_lists_problems_evidence_and_history(editor, moderator):
    _, english = english_in_review(editor=editor, moderator=moderator)
    evidence = english.article.claims.working().get(number=1).evidence.get()

    response = client_for(moderator).get(reverse("review:detail", args=[english.pk]))

    assertContains(response, "No problems found")
    assertContains(
        response,
        reverse("admin:organizations_organization_change", args=[evidence.organization.pk]),
    )
    assertContains(response, evidence.organization.get_absolute_url())
    assertContains(response, "First publication")
    assertContains(response, "Submitted for review")


def test_review_page_shows_the_diff_against_the_live_revision(editor, moderator):
    _, english = english_in_review(editor=editor, moderator=moderator)
    workflow.approve(translation=english, by=moderator)
    workflow.revision_create(
        translation=english,
        title=english.latest_revision.title,
        standfirst="",
        body=english.latest_revision.body.replace("number 2 holds", "number 2 holds firmly"),
        by=editor,
    )
    workflow.submit(translation=english, by=editor)

    response = client_for(moderator).get(reverse("review:detail", args=[english.pk]))

    assertContains(response, "<ins> firmly</ins>", html=False)
    assertContains(response, "Paragraph 2, changed")
    assertNotContains(response, "First publication")


def test_approving_publishes_for_readers_and_logs_one_row(editor, moderator, second_moderator):
    _, english = english_in_review(editor=editor, moderator=moderator)
    rows_before = ReviewLog.objects.count()

    response = client_for(second_moderator).post(
        reverse("review:detail", args=[english.pk]),
        {
            "action": "approve",
            "approve-comment": "Checked.",
            **factories.as_seen(english, "approve"),
        },
        follow=True,
    )

    assertRedirects(response, QUEUE)
    assertContains(response, "is published")
    english.refresh_from_db()
    assert english.status == Status.PUBLISHED
    assert english in Translation.objects.for_reader("en")
    assert ReviewLog.objects.count() == rows_before + 1
    entry = ReviewLog.objects.latest()
    assert (entry.action, entry.actor, entry.comment) == (
        ReviewLog.Action.APPROVE,
        second_moderator,
        "Checked.",
    )


def test_requesting_changes_without_a_comment_changes_nothing(editor, moderator):
    _, english = english_in_review(editor=editor, moderator=moderator)
    rows_before = ReviewLog.objects.count()

    response = client_for(moderator).post(
        reverse("review:detail", args=[english.pk]),
        {
            "action": "request_changes",
            "request_changes-comment": "  ",
            **factories.as_seen(english, "request_changes"),
        },
    )

    assert response.status_code == 200
    assertContains(response, "requesting changes needs a comment")
    english.refresh_from_db()
    assert english.status == Status.IN_REVIEW
    assert ReviewLog.objects.count() == rows_before


def test_requesting_changes_sends_the_translation_back_with_the_comment(editor, moderator):
    _, english = english_in_review(editor=editor, moderator=moderator)

    response = client_for(moderator).post(
        reverse("review:detail", args=[english.pk]),
        {
            "action": "request_changes",
            "request_changes-comment": "Anchor claim 2 closer.",
            **factories.as_seen(english, "request_changes"),
        },
    )

    assertRedirects(response, QUEUE)
    english.refresh_from_db()
    assert english.status == Status.CHANGES_REQUESTED
    assert ReviewLog.objects.latest().comment == "Anchor claim 2 closer."


def test_four_eyes_refusal_is_shown_as_a_message(editor, moderator):
    _, english = english_in_review(editor=editor, moderator=moderator, submitter=moderator)

    response = client_for(moderator).post(
        reverse("review:detail", args=[english.pk]),
        {"action": "approve", "approve-comment": "", **factories.as_seen(english, "approve")},
    )

    assert response.status_code == 200
    assertContains(response, "Four eyes: you submitted this version")
    english.refresh_from_db()
    assert english.status == Status.IN_REVIEW


def test_review_page_explains_four_eyes_instead_of_an_approve_button(editor, moderator):
    _, english = english_in_review(editor=editor, moderator=moderator, submitter=moderator)

    response = client_for(moderator).get(reverse("review:detail", args=[english.pk]))

    assertContains(response, "Four eyes: you submitted this version, so another moderator has to")
    assertNotContains(response, 'value="approve"')
    assertContains(response, 'value="request_changes"')


def test_a_refused_transition_is_a_message_not_an_error(editor, moderator, second_moderator):
    _, english = english_in_review(editor=editor, moderator=moderator)
    workflow.approve(translation=english, by=second_moderator)

    response = client_for(moderator).post(
        reverse("review:detail", args=[english.pk]),
        {"action": "approve", "approve-comment": "", **factories.as_seen(english, "approve")},
    )

    assert response.status_code == 200
    assertContains(response, "Only a translation in review can be approved")


def test_editors_read_the_review_page_of_their_submission_without_buttons(editor, moderator):
    _, english = english_in_review(editor=editor, moderator=moderator)

    response = client_for(editor).get(reverse("review:detail", args=[english.pk]))

    assert response.status_code == 200
    assertNotContains(response, 'value="approve"')
    assertNotContains(response, 'value="request_changes"')
    assertContains(response, "statement number 1 holds")


def test_editors_cannot_approve_by_posting_to_the_review_page(editor, moderator):
    _, english = english_in_review(editor=editor, moderator=moderator)

    response = client_for(editor).post(
        reverse("review:detail", args=[english.pk]),
        {"action": "approve", "approve-comment": "", **factories.as_seen(english, "approve")},
    )

    assertContains(response, "Only moderators can approve translations.")
    english.refresh_from_db()
    assert english.status == Status.IN_REVIEW


def test_unpublishing_needs_a_comment_and_then_takes_the_translation_away(
    editor, moderator, second_moderator
):
    _, english = english_in_review(editor=editor, moderator=moderator)
    workflow.approve(translation=english, by=second_moderator)
    url = reverse("review:detail", args=[english.pk])
    client = client_for(moderator)

    refused = client.post(
        url,
        {"action": "unpublish", "unpublish-comment": "", **factories.as_seen(english, "unpublish")},
    )
    english.refresh_from_db()
    assert english.status == Status.PUBLISHED
    assertContains(refused, "unpublishing a translation needs a comment")

    response = client.post(
        url,
        {
            "action": "unpublish",
            "unpublish-comment": "Wrong date.",
            **factories.as_seen(english, "unpublish"),
        },
    )

    assertRedirects(response, url)
    english.refresh_from_db()
    assert english.status == Status.UNPUBLISHED
    assert english not in Translation.objects.for_reader("en")


def test_an_unknown_action_is_a_bad_request(editor, moderator):
    _, english = english_in_review(editor=editor, moderator=moderator)

    response = client_for(moderator).post(
        reverse("review:detail", args=[english.pk]), {"action": "delete"}
    )

    assert response.status_code == 400


def test_editors_desk_shows_the_moderators_comment_after_changes_are_requested(editor, moderator):
    _, english = english_in_review(editor=editor, moderator=moderator)
    workflow.request_changes(translation=english, by=moderator, comment="Cite the memorandum.")

    response = client_for(editor).get(reverse("review:mine"))

    html = response.content.decode()
    desk_row = row(html, f"desk-{english.pk}")
    assert "Cite the memorandum." in desk_row
    assert "Changes requested by moderator" in desk_row
    assert reverse("review:detail", args=[english.pk]) in desk_row
    section = html.split('id="changes-requested-heading"')[1].split("</section>")[0]
    assert f'id="desk-{english.pk}"' in section


def test_editors_desk_sorts_drafts_and_submissions_and_leaves_out_others_work(editor, moderator):
    _, submitted = english_in_review(editor=editor, moderator=moderator)
    draft, _ = factories.article_ready_for_review(written_by=editor)
    someone_elses, _ = factories.article_ready_for_review()

    html = client_for(editor).get(reverse("review:mine")).content.decode()

    in_review = html.split('id="in-review-heading"')[1].split("</section>")[0]
    drafts = html.split('id="drafts-heading"')[1].split("</section>")[0]
    assert f'id="desk-{submitted.pk}"' in in_review
    assert f'id="desk-{draft.pk}"' in drafts
    assert f'id="desk-{someone_elses.pk}"' not in html


def test_admin_index_links_to_the_review_desk(moderator):
    response = client_for(moderator).get(reverse("admin:index"))

    assertContains(response, 'href="/admin/review/"')
    assertContains(response, 'href="/admin/review/mine/"')


def test_admin_index_shows_editors_only_their_desk(editor):
    response = client_for(editor).get(reverse("admin:index"))

    assertContains(response, 'href="/admin/review/mine/"')
    assertNotContains(response, 'href="/admin/review/"')
