"""Corrections: a corrected revision's note reaches readers in every language, list and feed."""

import datetime

import feedparser
import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import override

from articles import workflow
from articles.models import Revision
from reader.views import corrections as corrections_views
from tests import factories

pytestmark = pytest.mark.django_db

NOTE = "The withdrawal from the WHO took effect on 22 January 2026, not in 2025."


def corrections_url(language: str = "en") -> str:
    with override(language):
        return reverse("corrections")


def feed_url(language: str = "en") -> str:
    with override(language):
        return reverse("feed_corrections_atom")


@pytest.fixture
def published(editor, moderator):
    """An article published in Chinese and English."""
    original, (english,) = factories.article_ready_for_review(written_by=editor)
    for translation in (original, english):
        workflow.submit(translation=translation, by=editor)
        workflow.approve(translation=translation, by=moderator)
    return original, english


def correct(translation, *, editor, moderator, note=NOTE, approve=True) -> Revision:
    latest = translation.latest_revision
    revision = workflow.revision_create(
        translation=translation,
        title=latest.title,
        standfirst=latest.standfirst,
        body=latest.body + "\n\nCorrected.",
        by=editor,
        correction_note=note,
    )
    workflow.submit(translation=translation, by=editor)
    if approve:
        workflow.approve(translation=translation, by=moderator)
    revision.refresh_from_db()
    return revision


def test_approving_a_revision_with_a_note_dates_the_correction(editor, moderator, published):
    _original, english = published

    moment = datetime.datetime(2026, 2, 3, 9, 30, tzinfo=datetime.UTC)
    with time_machine.travel(moment, tick=False):
        revision = correct(english, editor=editor, moderator=moderator)

    assert revision.correction_note == NOTE
    assert revision.corrected_at == moment


def test_correction_note_is_shown_on_every_language_version(client, editor, moderator, published):
    original, english = published
    with time_machine.travel(datetime.datetime(2026, 2, 3, 9, 30, tzinfo=datetime.UTC)):
        correct(english, editor=editor, moderator=moderator)

    english_page = client.get(english.get_absolute_url())
    chinese_page = client.get(original.get_absolute_url())

    assert "Correction (English version, Feb. 3, 2026):" in english_page.text
    assert NOTE in english_page.text
    assert NOTE in chinese_page.text
    assert 'id="corrections"' in chinese_page.text


def test_a_note_readers_have_not_been_given_is_not_shown(client, editor, moderator, published):
    original, english = published
    correct(english, editor=editor, moderator=moderator, approve=False)

    assert NOTE not in client.get(english.get_absolute_url()).text
    assert NOTE not in client.get(original.get_absolute_url()).text
    assert NOTE not in client.get(corrections_url()).text


def test_ordinary_edits_are_not_corrections(client, editor, moderator, published):
    _original, english = published
    correct(english, editor=editor, moderator=moderator, note="")

    assert not Revision.objects.filter(corrected_at__isnull=False).exists()
    assert 'id="corrections"' not in client.get(english.get_absolute_url()).text


def test_the_edit_form_carries_an_unapproved_correction_note_forward(editor, moderator, published):
    _original, english = published
    client = Client()
    client.force_login(editor)
    url = reverse("admin:articles_translation_edit", args=[english.pk])
    assert client.get(url).context["form"].initial.get("correction_note", "") == ""

    correct(english, editor=editor, moderator=moderator, approve=False)

    assert client.get(url).context["form"].initial["correction_note"] == NOTE


def test_only_the_approved_revisions_own_note_is_published(editor, moderator, published):
    _original, english = published
    noted = correct(english, editor=editor, moderator=moderator, approve=False)
    workflow.withdraw(translation=english, by=editor)
    workflow.revision_create(
        translation=english,
        title="Typo fixed",
        standfirst="",
        body=noted.body + " Typo fixed.",
        by=editor,
    )
    workflow.submit(translation=english, by=editor)
    workflow.approve(translation=english, by=moderator)

    assert not Revision.objects.filter(corrected_at__isnull=False).exists()


def test_corrections_page_lists_newest_first_linking_to_the_article(
    client, editor, moderator, published
):
    original, english = published
    with time_machine.travel(datetime.datetime(2026, 2, 3, tzinfo=datetime.UTC)):
        correct(english, editor=editor, moderator=moderator, note="First correction.")
    with time_machine.travel(datetime.datetime(2026, 2, 5, tzinfo=datetime.UTC)):
        correct(original, editor=editor, moderator=moderator, note="Second correction.")

    response = client.get(corrections_url("en"))

    assert response.status_code == 200
    text = response.text
    assert text.index("Second correction.") < text.index("First correction.")
    # Both are read in English, where the article is published.
    assert text.count(f'href="{english.get_absolute_url()}#corrections"') == 2


def test_corrections_page_links_to_the_corrected_version_where_the_reader_has_none(
    client, editor, moderator, published
):
    _original, english = published
    correct(english, editor=editor, moderator=moderator)

    response = client.get(corrections_url("fr"))

    assert NOTE in response.text
    assert f'href="{english.get_absolute_url()}#corrections"' in response.text


def test_corrections_of_unpublished_versions_are_not_listed(client, editor, moderator, published):
    _original, english = published
    correct(english, editor=editor, moderator=moderator)
    workflow.unpublish(translation=english, by=moderator, comment="Legal review.")

    assert NOTE not in client.get(corrections_url()).text


def test_corrections_page_is_paginated(client, editor, moderator, published, monkeypatch):
    monkeypatch.setattr(corrections_views, "PAGE_SIZE", 2)
    _original, english = published
    for number in range(3):
        correct(english, editor=editor, moderator=moderator, note=f"Correction {number}.")

    first = client.get(corrections_url())
    second = client.get(corrections_url() + "?page=2")

    assert "Correction 2." in first.text and "Correction 0." not in first.text
    assert "Correction 0." in second.text


def test_corrections_page_queries_do_not_grow_with_corrections(
    client, editor, moderator, published
):
    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(corrections_url()).status_code == 200
        return len(context.captured_queries)

    _original, english = published
    correct(english, editor=editor, moderator=moderator)
    one = queries()
    for _ in range(4):
        correct(english, editor=editor, moderator=moderator)

    assert queries() == one


def test_corrections_feed_carries_the_note_and_the_link(client, editor, moderator, published):
    _original, english = published
    correct(english, editor=editor, moderator=moderator)

    response = client.get(feed_url())

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert NOTE in response.text
    assert f"{english.get_absolute_url()}#corrections" in response.text
    assert "Correction to" in response.text


def test_editor_writes_a_correction_note_in_the_admin(editor, moderator, published):
    _original, english = published
    latest = english.latest_revision
    client = Client()
    client.force_login(editor)

    response = client.post(
        reverse("admin:articles_translation_edit", args=[english.pk]),
        {
            "title": latest.title,
            "standfirst": latest.standfirst,
            "body": latest.body + "\n\nCorrected.",
            "based_on": latest.pk,
            "source_revision": latest.source_revision_id or "",
            "correction_note": NOTE,
        },
    )

    assert response.status_code == 302
    english.refresh_from_db()
    assert english.latest_revision.correction_note == NOTE
    assert english.live_revision_id == latest.pk


def test_article_feed_entry_carries_the_correction_and_its_date(
    client, editor, moderator, published
):
    _original, english = published
    moment = datetime.datetime(2026, 2, 3, 9, 30, tzinfo=datetime.UTC)
    with time_machine.travel(moment, tick=False):
        correct(english, editor=editor, moderator=moderator)
    with override("en"):
        url = reverse("feed_articles_atom")

    (entry,) = feedparser.parse(client.get(url).content).entries

    assert f"Correction (Feb. 3, 2026): {NOTE}" in entry.summary
    assert entry.updated.startswith("2026-02-03T09:30")
