"""The review desk reads in a fixed number of queries and agrees with the workflow's rules."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import workflow
from articles.models import Translation
from review import queries as review_queries
from review.queries import split_blocks
from tests import factories

pytestmark = pytest.mark.django_db


def populate(count: int, *, editor, moderator) -> None:
    """`count` articles whose English translation is in review, half of them submitted by
    `moderator`, and as many published translations made outdated by a newer original."""
    for index in range(count):
        original, (english,) = factories.article_ready_for_review(written_by=editor)
        workflow.submit(translation=original, by=editor)
        workflow.approve(translation=original, by=moderator)
        workflow.submit(translation=english, by=moderator if index % 2 else editor)

        stale_original, (stale,) = factories.article_ready_for_review(written_by=editor)
        workflow.submit(translation=stale_original, by=editor)
        workflow.approve(translation=stale_original, by=moderator)
        workflow.submit(translation=stale, by=editor)
        workflow.approve(translation=stale, by=moderator)
        latest = stale_original.latest_revision
        workflow.revision_create(
            translation=stale_original,
            title=latest.title,
            standfirst="",
            body=latest.body + "\n\nA paragraph added later.",
            by=editor,
        )
        workflow.submit(translation=stale_original, by=editor)
        workflow.approve(translation=stale_original, by=moderator)


def queries_for(url: str, user) -> int:
    client = Client()
    client.force_login(user)
    client.get(url)  # the session and permission caches warm up on the first request
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", ["/admin/review/", "/admin/review/mine/"])
def test_desk_pages_make_the_same_number_of_queries_for_2_and_15_rows(url, editor, moderator):
    populate(2, editor=editor, moderator=moderator)
    few = queries_for(url, moderator)
    populate(13, editor=editor, moderator=moderator)
    assert Translation.objects.in_review().count() == 15
    assert Translation.objects.outdated().count() == 15

    assert queries_for(url, moderator) == few


def test_review_queue_reads_its_rows_in_three_queries(editor, moderator, django_assert_num_queries):
    populate(15, editor=editor, moderator=moderator)

    # Translations, claims, their anchors.
    with django_assert_num_queries(3):
        entries = review_queries.review_queue(user=moderator)
        flags = [(entry.problem_count, entry.may_approve) for entry in entries]
    assert len(flags) == 15


def test_review_queue_page_query_count_is_pinned(editor, moderator, django_assert_num_queries):
    populate(15, editor=editor, moderator=moderator)
    client = Client()
    client.force_login(moderator)
    client.get("/admin/review/")

    # Session, user, user and group permissions; queue rows, claims, anchors; outdated rows;
    # evidence changes.
    with django_assert_num_queries(9):
        client.get("/admin/review/")


def test_editors_desk_reads_its_rows_in_two_queries(editor, moderator, django_assert_num_queries):
    populate(15, editor=editor, moderator=moderator)
    for translation in Translation.objects.in_review()[:5]:
        workflow.request_changes(translation=translation, by=moderator, comment="Look again.")

    with django_assert_num_queries(2):
        desk = review_queries.editors_desk(user=editor)
        comments = [entry.latest_comment.comment for entry in desk.changes_requested]
    assert comments == ["Look again."] * 5


def test_review_page_query_count_does_not_grow_with_claims(
    editor, moderator, django_assert_max_num_queries
):
    few_original, (few,) = factories.article_ready_for_review(written_by=editor, claims=2)
    many_original, (many,) = factories.article_ready_for_review(written_by=editor, claims=12)
    for original, translation in ((few_original, few), (many_original, many)):
        workflow.submit(translation=original, by=editor)
        workflow.approve(translation=original, by=moderator)
        workflow.submit(translation=translation, by=editor)

    few_queries = queries_for(reverse("review:detail", args=[few.pk]), moderator)
    assert queries_for(reverse("review:detail", args=[many.pk]), moderator) == few_queries


def test_problem_counts_agree_with_submission_problems(editor):
    original, translations = factories.article_ready_for_review(
        languages=("en", "fr", "ar"), written_by=editor, claims=3
    )
    english, french, arabic = translations
    article = original.article
    # A claim with no evidence, anchored only in the original.
    extra = factories.ClaimFactory(article=article, number=4)
    factories.ClaimAnchorFactory(
        claim=extra, translation=original, quote="statement number 1 holds"
    )
    # French: an orphaned anchor; Arabic: an ambiguous one.
    french.anchors.filter(claim__number=2).update(quote="no such words")
    arabic.anchors.filter(claim__number=3).update(quote="statement number")
    for translation in (original, *translations):
        Translation.objects.filter(pk=translation.pk).update(status=Translation.Status.IN_REVIEW)

    entries = review_queries.review_queue(user=editor)

    counts = {entry.translation.pk: entry.problem_count for entry in entries}
    expected = {
        translation.pk: len(workflow.submission_problems(translation=translation))
        for translation in (original, english, french, arabic)
    }
    assert counts == expected
    assert expected[french.pk] > expected[english.pk] and expected[arabic.pk] > expected[english.pk]


def test_split_blocks_cuts_rendered_html_at_top_level_elements():
    html = (
        "<h2>Heading</h2>\n<p>One <em>two</em> &amp; three</p>\n<hr>\n"
        "<ul>\n<li><p>Item</p></li>\n<li>Other</li>\n</ul>\n<p>Last</p>\n"
    )

    assert split_blocks(html) == [
        "<h2>Heading</h2>",
        "<p>One <em>two</em> &amp; three</p>",
        "<hr>",
        "<ul>\n<li><p>Item</p></li>\n<li>Other</li>\n</ul>",
        "<p>Last</p>",
    ]
