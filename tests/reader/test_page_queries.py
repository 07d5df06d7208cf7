"""Public article pages read in a fixed number of queries, however many claims or articles."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories

pytestmark = pytest.mark.django_db


def article_with_claims(count: int):
    """An article published in Chinese and English with `count` claims.

    Each claim is anchored in both languages and has evidence of all three
    kinds: an organization, a membership event and an instrument, the first two
    with sources.
    """
    article = factories.ArticleFactory(
        authors=[factories.AuthorFactory(), factories.AuthorFactory()]
    )
    zh_body = "\n\n".join(f"第{n}条声明成立。" for n in range(1, count + 1))
    en_body = "\n\n".join(f"Statement number {n} holds." for n in range(1, count + 1))
    original = factories.TranslationFactory(article=article, published=True, revision__body=zh_body)
    english = factories.TranslationFactory(
        article=article, is_original=False, language="en", published=True, revision__body=en_body
    )
    instrument = factories.InstrumentFactory()
    for number in range(1, count + 1):
        claim = factories.ClaimFactory(article=article, number=number)
        factories.ClaimAnchorFactory(
            claim=claim, translation=original, quote=f"第{number}条声明成立"
        )
        factories.ClaimAnchorFactory(
            claim=claim, translation=english, quote=f"Statement number {number} holds"
        )
        organization = factories.OrganizationFactory()
        factories.OrganizationNameFactory(organization=organization, language="en")
        organization.sources.add(factories.SourceFactory())
        event = factories.MembershipEventFactory(organization=organization, instrument=instrument)
        event.sources.add(factories.SourceFactory(), factories.SourceFactory())
        factories.EvidenceFactory(claim=claim, organization=organization)
        factories.EvidenceFactory(claim=claim, organization=None, event=event)
        factories.EvidenceFactory(claim=claim, organization=None, instrument=instrument)
    factories.publish_claims(english.article)
    return english


def count_queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("claims", [1, 50])
def test_article_page_reads_in_at_most_nine_queries(client, claims, django_assert_max_num_queries):
    english = article_with_claims(claims)

    # The bylines come with the claims readers see, not in a query of their own.
    with django_assert_max_num_queries(9):
        response = client.get(english.get_absolute_url())

    assert response.status_code == 200
    assert len(response.context["claims"]) == claims
    assert response.text.count('class="claim"') == claims


def test_article_page_queries_do_not_grow_with_claims(client):
    one = article_with_claims(1)
    fifty = article_with_claims(50)

    assert count_queries(client, one.get_absolute_url()) == count_queries(
        client, fifty.get_absolute_url()
    )


def test_cached_body_saves_no_query_but_the_page_stays_fixed(client):
    english = article_with_claims(5)
    first = count_queries(client, english.get_absolute_url())

    # Another URL for the same page, so that the whole-page cache cannot answer.
    assert count_queries(client, english.get_absolute_url() + "?again") == first


def publish_articles(count: int, *, start: int = 0) -> None:
    """`count` articles in English and as many published only in French."""
    for index in range(start, start + count):
        for language in ("en", "fr"):
            article = factories.ArticleFactory(
                original_language=language,
                authors=[factories.AuthorFactory(), factories.AuthorFactory()],
            )
            factories.TranslationFactory(
                article=article,
                published=True,
                revision__title=f"{language} {index}",
            )


@pytest.mark.parametrize("articles", [1, 20])
def test_home_reads_in_at_most_six_queries(client, articles, django_assert_max_num_queries):
    publish_articles(articles)

    with django_assert_max_num_queries(6):
        response = client.get("/en/")

    assert len(response.context["translations"]) == articles
    assert len(response.context["in_other_languages"]) == articles


def test_home_queries_do_not_grow_with_articles(client):
    publish_articles(1)
    one = count_queries(client, "/en/")
    publish_articles(19, start=1)

    assert count_queries(client, "/en/") == one
