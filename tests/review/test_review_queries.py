"""The review desk reads in a fixed number of queries and agrees with the workflow's rules."""

import re
from collections import Counter

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import workflow
from articles.models import Translation
from review import queries as review_queries
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


def structured_body(language: str) -> str:
    """A heading, a paragraph, a list, a table, a code block with a blank line, a rule."""
    return (
        f"## In {language}, the heading\n\n"
        f"In {language}, a *paragraph* with statement number 1 holds.\n\n"
        f"- In {language}, one item\n- statement number 2 holds\n\n"
        f"| Body | {language} |\n|---|---|\n| WHO | statement number 3 holds |\n\n"
        f"```\n{language} code\n\nafter a blank line\n```\n\n"
        "---\n"
    )


def structured_article(editor):
    """An original and its English translation, both with `structured_body` and three claims."""
    original, (english,) = factories.article_ready_for_review(claims=0, written_by=editor)
    for translation in (original, english):
        workflow.revision_create(
            translation=translation,
            title="Structured",
            standfirst="",
            body=structured_body(translation.language),
            by=editor,
        )
    for number in (1, 2, 3):
        claim = factories.ClaimFactory(article=original.article, number=number)
        factories.EvidenceFactory(claim=claim)
        for translation in (original, english):
            factories.ClaimAnchorFactory(
                claim=claim, translation=translation, quote=f"statement number {number} holds"
            )
    return original, english


def page_of(translation):
    loaded = review_queries.translations_for_review_page().get(pk=translation.pk)
    return review_queries.review_page(translation=loaded)


def opening_tag(block: str) -> str:
    return re.match(r"<(\w+)", block).group(1)


def test_review_page_aligns_one_block_per_heading_paragraph_list_table_code_and_rule(editor):
    _, english = structured_article(editor)

    page = page_of(english)

    assert page.original_block_count == page.translation_block_count == 6
    assert not page.block_count_mismatch
    assert [block.number for block in page.blocks] == [1, 2, 3, 4, 5, 6]
    for block in page.blocks:
        assert opening_tag(block.original) == opening_tag(block.translation)
    assert [opening_tag(block.translation) for block in page.blocks] == [
        "h2",
        "p",
        "ul",
        "table",
        "pre",
        "hr",
    ]
    code = page.blocks[4]
    assert "en code\n\nafter a blank line" in code.translation
    assert "zh-hans code\n\nafter a blank line" in code.original


def test_review_page_marks_each_claim_inside_its_own_block(editor):
    _, english = structured_article(editor)

    page = page_of(english)

    for side in ("original", "translation"):
        claims_in = [
            re.findall(r'data-claim="(\d+)"', getattr(block, side)) for block in page.blocks
        ]
        assert claims_in == [[], ["1"], ["2"], ["3"], [], []], side


def test_review_page_scopes_claim_ids_per_side_and_repeats_none(editor):
    _, english = structured_article(editor)

    page = page_of(english)

    originals = "".join(block.original for block in page.blocks)
    translations = "".join(block.translation for block in page.blocks)
    for side, html in (("original", originals), ("translation", translations)):
        assert re.findall(r'<mark[^>]* id="([^"]+)"', html) == [
            f"{side}-claim-{number}" for number in (1, 2, 3)
        ]
        assert re.findall(r'aria-describedby="([^"]+)"', html) == [
            f"{side}-claim-note-{number}" for number in (1, 2, 3)
        ]
        # The notes point at the claims list below the texts, which both sides share.
        assert re.findall(r'<a href="([^"]+)" id="([^"]+)"', html) == [
            (f"#evidence-{number}", f"{side}-claim-note-{number}") for number in (1, 2, 3)
        ]
    ids = Counter(re.findall(r'\bid="([^"]+)"', originals + translations))
    assert [id_ for id_, count in ids.items() if count > 1] == []


def test_review_page_of_an_original_scopes_its_ids_as_the_original(editor):
    original, _ = structured_article(editor)

    page = page_of(original)

    assert page.original_block_count == 0
    assert page.translation_block_count == 6
    assert [block.original for block in page.blocks] == [None] * 6
    html = "".join(block.translation for block in page.blocks)
    assert 'id="original-claim-1"' in html
    assert "translation-claim" not in html
