"""Outdated translations on the review desk: listed, with what changed in the original."""

import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from articles import workflow
from articles.models import Translation
from ops.demo import seed_demo

pytestmark = pytest.mark.django_db

QUEUE = "/admin/review/"
# The fifth paragraph of the demo original holds claim 9 (the Green Climate Fund).
OLD_SENTENCE = "气候融资同样受到波及。"
NEW_SENTENCE = "气候融资也未能幸免。"


@pytest.fixture
def demo(editor, moderator):
    """The demo article, published in Chinese and English by the `editor` and `moderator`."""
    call_command("load_registry", verbosity=0)
    article = seed_demo().article
    original = article.translations.get(is_original=True)
    english = article.translations.get(language="en")
    return original, english


def publish_new_original(original, *, editor, moderator, body):
    latest = original.latest_revision
    workflow.revision_create(
        translation=original,
        title=latest.title,
        standfirst=latest.standfirst,
        body=body,
        by=editor,
        based_on=latest,
    )
    workflow.submit(translation=original, by=editor)
    workflow.approve(translation=original, by=moderator)


def moderator_client(moderator) -> Client:
    client = Client()
    client.force_login(moderator)
    return client


def outdated_table(html: str) -> str:
    return html.split('id="outdated-heading"')[1].split("</section>")[0]


def test_a_current_translation_is_not_listed_as_outdated(demo, moderator):
    _, english = demo

    html = moderator_client(moderator).get(QUEUE).content.decode()

    assert f'id="outdated-{english.pk}"' not in outdated_table(html)
    assert "No published translation is outdated." in html


def test_a_new_original_going_live_lists_the_translation_as_outdated(demo, editor, moderator):
    original, english = demo
    body = original.latest_revision.body.replace(OLD_SENTENCE, NEW_SENTENCE)
    publish_new_original(original, editor=editor, moderator=moderator, body=body)

    html = moderator_client(moderator).get(QUEUE).content.decode()

    table = outdated_table(html)
    assert f'id="outdated-{english.pk}"' in table
    assert "revision 1" in table and "revision 2" in table


def test_review_page_shows_the_changed_original_paragraph_and_the_claim_it_holds(
    demo, editor, moderator
):
    original, english = demo
    body = original.latest_revision.body.replace(OLD_SENTENCE, NEW_SENTENCE)
    publish_new_original(original, editor=editor, moderator=moderator, body=body)

    response = moderator_client(moderator).get(reverse("review:detail", args=[english.pk]))

    html = response.content.decode()
    section = html.split('id="original-changes"')[1].split("</section>")[0]
    assert "translated from revision 1 of the original" in section
    assert "Paragraph 5, changed" in section
    assert "<del>同样受到波及</del><ins>也未能幸免</ins>" in section
    assert re.findall(r"holds claim (\d+)", section) == ["9"]
    assert "leaving the board of the Green Climate Fund" in section
    assert "6 paragraphs unchanged." in section
    assert "Yes: readers see a text made from an older original." in html


def test_an_added_original_paragraph_holding_no_claim_is_shown_without_a_callout(
    demo, editor, moderator
):
    original, english = demo
    body = original.latest_revision.body + "\n\n编者按：本文于发表后更新。\n"  # noqa: RUF001
    publish_new_original(original, editor=editor, moderator=moderator, body=body)

    response = moderator_client(moderator).get(reverse("review:detail", args=[english.pk]))

    section = response.content.decode().split('id="original-changes"')[1].split("</section>")[0]
    assert "Paragraph 8, added" in section
    assert "编者按" in section
    assert "holds claim" not in section


def test_translating_the_new_original_takes_the_translation_off_the_outdated_list(
    demo, editor, moderator
):
    original, english = demo
    body = original.latest_revision.body.replace(OLD_SENTENCE, NEW_SENTENCE)
    publish_new_original(original, editor=editor, moderator=moderator, body=body)
    original.refresh_from_db()
    latest = english.latest_revision
    workflow.revision_create(
        translation=english,
        title=latest.title,
        standfirst=latest.standfirst,
        body=latest.body.replace("Climate finance was not spared.", "Nor was climate finance."),
        by=editor,
        based_on=latest,
        source_revision=original.live_revision,
    )
    workflow.submit(translation=english, by=editor)
    workflow.approve(translation=english, by=moderator)

    html = moderator_client(moderator).get(QUEUE).content.decode()

    assert f'id="outdated-{english.pk}"' not in outdated_table(html)
    assert not Translation.objects.outdated().filter(pk=english.pk).exists()
