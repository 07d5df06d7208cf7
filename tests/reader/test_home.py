"""The home page: the latest articles in the reader's language, then those in others only."""

import pytest
from django.core.management import call_command

from articles.models import Translation
from ops import demo_content
from ops.demo import seed_demo
from tests import factories
from tests.reader.test_article_pages import Elements

pytestmark = pytest.mark.django_db


def published(article, language, title, *, is_original=False):
    return factories.TranslationFactory(
        article=article,
        language=language,
        is_original=is_original,
        published=True,
        revision__title=title,
        revision__standfirst=f"Standfirst of {title}.",
    )


@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("en", demo_content.TRANSLATION["title"]),
        ("zh-hans", demo_content.ORIGINAL["title"]),
    ],
)
def test_home_lists_the_demo_article_in_the_readers_language(client, language, title):
    call_command("load_registry", verbosity=0)
    seed_demo()

    response = client.get(f"/{language}/")

    assert response.status_code == 200
    text = response.text
    assert title in text
    assert f'href="/{language}/articles/a-year-of-american-exits/"' in text
    assert "陈明远 (Chen Mingyuan)" in text
    assert response.context["in_other_languages"] == []


def test_articles_published_only_in_other_languages_come_after_labelled(client):
    article = factories.ArticleFactory(original_language="fr")
    published(article, "fr", "Un titre français", is_original=True)
    english = published(
        factories.ArticleFactory(original_language="en"), "en", "An English title", is_original=True
    )

    response = client.get("/en/")

    assert [t.pk for t in response.context["translations"]] == [english.pk]
    others = response.context["in_other_languages"]
    assert [t.live_revision.title for t in others] == ["Un titre français"]
    titles = Elements(response.text).find("h3", **{"class": "article-title", "lang": "fr"})
    assert len(titles) == 1
    assert 'href="/fr/articles/' in response.text
    assert '<span class="lang-label">Français</span>' in response.text


def test_an_article_in_several_other_languages_is_listed_once_in_its_original(client):
    article = factories.ArticleFactory(original_language="zh-hans")
    original = published(article, "zh-hans", "中文标题", is_original=True)
    published(article, "en", "English title")

    others = client.get("/ru/").context["in_other_languages"]

    assert [t.pk for t in others] == [original.pk]


def test_unpublished_versions_and_unapproved_edits_are_not_listed(client, editor):
    from articles import workflow

    draft = factories.TranslationFactory(
        article=factories.ArticleFactory(original_language="en"), revision__title="Draft only"
    )
    live = published(
        factories.ArticleFactory(original_language="en"), "en", "Live title", is_original=True
    )
    workflow.revision_create(
        translation=live, title="Unapproved title", standfirst="", body="New.", by=editor
    )

    text = client.get("/en/").text

    assert "Live title" in text
    assert "Unapproved title" not in text
    assert "Draft only" not in text
    assert Translation.objects.filter(pk=draft.pk, live_revision__isnull=True).exists()


def test_latest_articles_come_first_a_page_at_a_time(client):
    from articles.selectors import HOME_PAGE_SIZE

    translations = [
        published(
            factories.ArticleFactory(original_language="en"), "en", f"Title {n}", is_original=True
        )
        for n in range(HOME_PAGE_SIZE + 3)
    ]

    first = client.get("/en/")
    second = client.get("/en/", {"page": 2})

    shown = [t.pk for t in first.context["translations"]]
    assert shown[:2] == [translations[-1].pk, translations[-2].pk]
    assert len(shown) == HOME_PAGE_SIZE
    assert len(second.context["translations"]) == 3
    assert 'rel="next"' in first.text and 'rel="prev"' in second.text


def test_an_empty_language_says_so(client):
    assert "No articles are published in this language yet." in client.get("/es/").text
