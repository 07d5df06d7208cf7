"""Article pages, the home page and feeds carry validators and answer 304 when nothing changed."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Claim
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def english():
    article = factories.ArticleFactory(authors=[factories.AuthorFactory()])
    original = factories.TranslationFactory(
        article=article, published=True, revision__body="第一条声明成立。"
    )
    english = factories.TranslationFactory(
        article=article,
        is_original=False,
        language="en",
        published=True,
        revision__body="Statement number one holds.",
    )
    claim = factories.ClaimFactory(article=article, number=1, kind=Claim.Kind.FACT)
    factories.ClaimAnchorFactory(claim=claim, translation=original, quote="第一条声明成立")
    factories.ClaimAnchorFactory(claim=claim, translation=english, quote="Statement number one")
    factories.EvidenceFactory(claim=claim)
    factories.publish_claims(article)
    return english


def conditional(client, url, **headers):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, headers=headers)
    return response, len(context.captured_queries)


def test_article_page_sends_an_etag_and_last_modified(client, english):
    response = client.get(english.get_absolute_url())

    assert response.status_code == 200
    assert response["ETag"].startswith('"')
    assert response["Last-Modified"]
    assert "no-cache" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]


def test_a_matching_if_none_match_gets_a_304_after_one_query(client, english):
    first = client.get(english.get_absolute_url())

    again, queries = conditional(client, english.get_absolute_url(), if_none_match=first["ETag"])

    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    assert queries == 1


def test_a_current_if_modified_since_gets_a_304(client, english):
    first = client.get(english.get_absolute_url())

    again, _ = conditional(
        client, english.get_absolute_url(), if_modified_since=first["Last-Modified"]
    )

    assert again.status_code == 304


def test_a_changed_claim_changes_the_etag_and_the_page_is_sent_again(client, english):
    first = client.get(english.get_absolute_url())
    claim = Claim.objects.working().get(article=english.article)
    claim.statement = "A restated claim."
    claim.save()
    factories.publish_claims(english.article)

    again, _ = conditional(client, english.get_absolute_url(), if_none_match=first["ETag"])

    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]
    assert "A restated claim." in again.content.decode()


def test_each_language_version_has_its_own_etag(client, english):
    original = english.article.translations.get(is_original=True)

    assert (
        client.get(english.get_absolute_url())["ETag"]
        != (client.get(original.get_absolute_url())["ETag"])
    )


def test_home_page_answers_304_until_something_is_published(client, english):
    first = client.get("/en/")
    assert first.status_code == 200

    again, queries = conditional(client, "/en/", if_none_match=first["ETag"])
    assert again.status_code == 304
    assert queries == 1

    factories.TranslationFactory(
        article=factories.ArticleFactory(), published=True, revision__title="Fresh news"
    )
    changed, _ = conditional(client, "/en/", if_none_match=first["ETag"])
    assert changed.status_code == 200
    assert "Fresh news" in changed.content.decode()


@pytest.mark.parametrize("path", ["/en/feeds/articles.rss", "/en/feeds/articles.atom"])
def test_a_feed_polled_with_a_current_copy_gets_a_304(client, english, path):
    first = client.get(path)
    assert first.status_code == 200 and first["ETag"]

    again, _ = conditional(client, path, if_none_match=first["ETag"])
    assert again.status_code == 304

    factories.TranslationFactory(
        article=factories.ArticleFactory(original_language="en"),
        published=True,
        revision__title="Fresh news",
    )
    changed, _ = conditional(client, path, if_none_match=first["ETag"])
    assert changed.status_code == 200
    assert "Fresh news" in changed.content.decode()
