"""Reader search: published articles in every language and the registry, at /<lang>/search/.

Every test runs on SQLite and on PostgreSQL; where the two paths differ on
purpose (trigram similarity, the full-text vector), the test says what each
database does.
"""

import importlib
import io
import re
import types

import pytest
from django.core.management import call_command
from django.db import connection

from articles import workflow
from articles.models import SearchDocument, Translation
from articles.search_index import search_index_update, uses_postgresql
from ops.demo import seed_demo
from organizations.models import Organization
from reader.search import (
    ARTICLES_PER_PAGE,
    registry_matches,
    search_articles,
    search_registry,
    snippet,
)
from tests import factories

pytestmark = pytest.mark.django_db

DEMO_SLUG = "a-year-of-american-exits"
WHO_URL = "/en/registry/world-health-organization/"


@pytest.fixture
def registry():
    call_command("load_registry", stdout=io.StringIO())


@pytest.fixture
def demo(registry):
    return seed_demo().article


def search(client, prefix="en", **params):
    return client.get(f"/{prefix}/search/", params)


def result_urls(response) -> list[str]:
    """The article links of the results, in order."""
    return re.findall(
        r'<li class="search-result"[^>]*>\s*<h3 class="article-title"><a href="([^"]+)"',
        response.content.decode(),
    )


def found_slugs(query, **kwargs) -> set[str]:
    return {translation.article.slug for translation in search_articles(query=query, **kwargs)}


def publish_through_workflow(*, article, language, body, editor, moderator, title="Title"):
    translation = Translation.objects.create(article=article, language=language, is_original=True)
    workflow.revision_create(
        translation=translation, title=title, standfirst="", body=body, by=editor
    )
    workflow.submit(translation=translation, by=editor)
    workflow.approve(translation=translation, by=moderator)
    return translation


# Languages and groups


def test_chinese_query_finds_the_chinese_article_and_who_in_the_registry(client, demo):
    response = search(client, q="世界卫生组织")

    assert response.status_code == 200
    assert result_urls(response) == [f"/zh-hans/articles/{DEMO_SLUG}/"]
    content = response.content.decode()
    assert "<mark>世界卫生组织</mark>" in content
    assert f'href="{WHO_URL}"' in content


def test_english_query_finds_the_english_article(client, demo):
    response = search(client, q="World Health Organization")

    assert result_urls(response) == [f"/en/articles/{DEMO_SLUG}/"]
    assert "<mark>World Health Organization</mark>" in response.content.decode()


def test_arabic_query_finds_an_arabic_translation_and_the_arabic_registry_name(client, demo):
    factories.TranslationFactory(
        article=demo,
        is_original=False,
        language="ar",
        published=True,
        revision__title="عام من الانسحابات",
        revision__body="انسحبت الولايات المتحدة من منظمة الصحة العالمية في يناير 2026.",
    )

    response = search(client, q="منظمة الصحة العالمية")

    assert result_urls(response) == [f"/ar/articles/{DEMO_SLUG}/"]
    content = response.content.decode()
    assert '<li class="search-result" lang="ar" dir="rtl">' in content
    assert "<mark>منظمة الصحة العالمية</mark>" in content
    assert f'href="{WHO_URL}"' in content


def test_article_results_link_to_their_language_version_and_label_it(client, demo):
    response = search(client, q="14155")

    content = response.content.decode()
    assert sorted(result_urls(response)) == sorted(
        [f"/en/articles/{DEMO_SLUG}/", f"/zh-hans/articles/{DEMO_SLUG}/"]
    )
    assert '<li class="search-result" lang="zh-hans" dir="ltr">' in content
    assert '<span class="lang-label">简体中文</span>' in content
    assert '<span class="lang-label">English</span>' in content


def test_registry_result_shows_name_acronym_and_status(client, demo):
    response = search(client, q="WHO")

    content = response.content.decode()
    assert f'<a href="{WHO_URL}">World Health Organization</a>' in content
    assert '<span class="acronym">(WHO)</span>' in content
    assert re.search(r'<span class="status status-\w+">', content)


def test_registry_result_names_the_alias_that_matched_in_another_language(client, demo):
    content = search(client, q="世卫组织").content.decode()

    assert f'<a href="{WHO_URL}">World Health Organization</a>' in content
    assert '<span lang="zh-hans" dir="auto">世卫组织</span>' in content


def test_result_counts_are_shown(client, demo):
    content = search(client, q="世界卫生组织").content.decode()

    assert "1 article" in content
    assert "1 organization" in content


# The form


def test_empty_query_shows_the_form_without_results(client, demo):
    response = search(client, q="")

    assert response.status_code == 200
    content = response.content.decode()
    assert 'role="search"' in content
    assert "result-count" not in content
    assert result_urls(response) == []


def test_page_without_parameters_shows_the_form(client):
    response = client.get("/en/search/")

    assert response.status_code == 200
    assert 'name="q"' in response.content.decode()


def test_invalid_language_is_a_form_error_not_a_server_error(client, demo):
    response = search(client, q="世界卫生组织", language="xx")

    assert response.status_code == 200
    content = response.content.decode()
    assert 'role="alert"' in content
    assert "xx is not one of the available choices" in content
    assert result_urls(response) == []


def test_overlong_query_is_a_form_error(client, demo):
    response = search(client, q="世界卫生组织" * 40)

    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert result_urls(response) == []


def test_language_filter_narrows_article_results(client, demo):
    response = search(client, q="14155", language="en")

    assert result_urls(response) == [f"/en/articles/{DEMO_SLUG}/"]


def test_title_includes_the_query(client, demo):
    content = search(client, q="巴黎协定").content.decode()

    assert re.search(r"<title>[^<]*巴黎协定[^<]*</title>", content)


def test_result_pages_ask_search_engines_not_to_index_them(client, demo):
    content = search(client, q="巴黎协定").content.decode()

    assert '<meta name="robots" content="noindex, follow">' in content


def test_query_in_html_is_escaped_everywhere(client, demo):
    attack = '<script>alert("x")</script>'

    content = search(client, q=attack).content.decode()

    assert "<script>alert" not in content
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in content


def test_main_navigation_links_to_search(client):
    content = client.get("/en/registry/").content.decode()

    assert '<li><a href="/en/search/">Search</a></li>' in content


# Only live text


def test_draft_text_is_not_found(client, registry):
    factories.TranslationFactory(revision__body="The okapi draft was never submitted.")

    assert found_slugs("okapi") == set()
    assert result_urls(search(client, q="okapi")) == []


def test_unapproved_edit_of_a_published_translation_is_not_found(editor, moderator):
    article = factories.ArticleFactory()
    translation = publish_through_workflow(
        article=article,
        language="zh-hans",
        body="Live text about narwhals.",
        editor=editor,
        moderator=moderator,
    )
    workflow.revision_create(
        translation=translation,
        title="Title",
        standfirst="",
        body="Draft text about axolotls.",
        by=editor,
    )

    assert found_slugs("axolotls") == set()
    assert found_slugs("narwhals") == {article.slug}


def test_approving_an_edit_replaces_the_old_text(editor, moderator):
    article = factories.ArticleFactory()
    translation = publish_through_workflow(
        article=article,
        language="zh-hans",
        body="Old text about narwhals.",
        editor=editor,
        moderator=moderator,
    )
    workflow.revision_create(
        translation=translation,
        title="Title",
        standfirst="",
        body="New text about axolotls.",
        by=editor,
    )
    workflow.submit(translation=translation, by=editor)
    workflow.approve(translation=translation, by=moderator)

    assert found_slugs("axolotls") == {article.slug}
    assert found_slugs("narwhals") == set()


def test_unpublished_translation_disappears_from_results(client, editor, moderator):
    article = factories.ArticleFactory()
    translation = publish_through_workflow(
        article=article,
        language="zh-hans",
        body="A text about narwhals.",
        editor=editor,
        moderator=moderator,
    )
    assert len(result_urls(search(client, q="narwhals"))) == 1

    workflow.unpublish(translation=translation, by=moderator, comment="Retracted.")

    assert result_urls(search(client, q="narwhals")) == []
    assert not SearchDocument.objects.filter(translation=translation).exists()


def test_document_of_a_revision_that_is_no_longer_live_is_not_used(editor):
    translation = factories.TranslationFactory(published=True, revision__body="About narwhals.")
    factories.RevisionFactory(translation=translation, body="About axolotls.", created_by=editor)
    # Whatever moves the live revision without the workflow leaves the old
    # document behind; search must not serve it.
    Translation.objects.filter(pk=translation.pk).update(
        live_revision=translation.latest_revision_id
    )

    assert found_slugs("narwhals") == set()


def test_approval_writes_the_full_text_vector_on_postgresql_only(editor, moderator):
    translation = publish_through_workflow(
        article=factories.ArticleFactory(),
        language="zh-hans",
        body="A text about narwhals.",
        editor=editor,
        moderator=moderator,
        title="Narwhal watch",
    )
    document = SearchDocument.objects.get(translation=translation)

    assert document.revision_id == translation.live_revision_id
    assert document.text == "Narwhal watch\nA text about narwhals."
    assert document.body_start == len("Narwhal watch\n")
    if connection.vendor == "postgresql":
        assert "'narwhal':1A" in document.vector
        assert "'narwhals':6C" in document.vector
    else:
        assert document.vector is None


def test_search_index_update_clears_the_document_of_a_translation_without_live_text():
    translation = factories.TranslationFactory(published=True, revision__body="About narwhals.")
    translation.live_revision = None

    assert search_index_update(translation=translation) is None
    assert not SearchDocument.objects.filter(translation=translation).exists()


# PostgreSQL and SQLite paths


def test_registry_finds_exactly_what_the_registry_list_finds_when_a_name_contains_the_query(
    registry,
):
    for query in ("Health Organization", "世界卫生组织", "OMS", "paris"):
        expected = set(Organization.objects.search(query).values_list("slug", flat=True))

        found = set(registry_matches(query=query).values_list("slug", flat=True))

        assert expected
        assert found == expected


def test_exact_acronym_ranks_first(registry):
    assert search_registry(query="who", language="en")[0].slug == "world-health-organization"


def test_misspelled_name_finds_who_on_postgresql_and_only_exact_substrings_elsewhere(registry):
    misspelled = {
        organization.slug for organization in search_registry(query="Wrold Health Organisation")
    }
    exact = {organization.slug for organization in search_registry(query="Health Organization")}

    assert "world-health-organization" in exact
    if uses_postgresql():
        assert "world-health-organization" in misspelled
    else:
        assert misspelled == set()


def test_search_page_shows_who_for_a_misspelled_name_on_postgresql(client, registry):
    content = search(client, q="Wrold Health Organisation").content.decode()

    assert (f'href="{WHO_URL}"' in content) is uses_postgresql()


def test_words_in_another_order_are_found_on_postgresql_only(demo):
    found = found_slugs("organization health world")

    assert found == ({DEMO_SLUG} if uses_postgresql() else set())


def test_exact_substring_finds_the_same_articles_on_every_database(demo):
    assert found_slugs("Health Organ") == {DEMO_SLUG}
    assert found_slugs("卫生组") == {DEMO_SLUG}
    assert found_slugs("health organization", language="zh-hans") == set()


# Snippets


def test_snippet_marks_the_match_and_escapes_everything_else():
    text = "Title\n<b>Bold</b> & the World Health Organization said <i>so</i>."

    html = snippet(text=text, query="world health organization", start=6)

    assert html == (
        "&lt;b&gt;Bold&lt;/b&gt; &amp; the <mark>World Health Organization</mark> said "
        "&lt;i&gt;so&lt;/i&gt;."
    )


def test_snippet_is_cut_around_the_first_match_in_the_body():
    body = (
        " ".join(f"word{n}" for n in range(200))
        + " target "
        + " ".join(f"tail{n}" for n in range(200))
    )

    html = snippet(text="Heading about target\n" + body, query="target", start=21)

    assert html.startswith("…")
    assert html.endswith("…")
    assert html.count("<mark>target</mark>") == 1
    assert "Heading" not in html
    assert len(html) < 400


def test_snippet_gives_chinese_text_about_half_as_many_characters():
    latin = snippet(text="x " * 400 + "target" + " y" * 400, query="target")
    chinese = snippet(text="字" * 800 + "目标" + "文" * 800, query="目标")

    assert 0.4 < len(chinese) / len(latin) < 0.6


def test_snippet_prefers_whole_words():
    html = snippet(text="Wholesale change at the WHO.", query="who")

    assert html == "Wholesale change at the <mark>WHO</mark>."


def test_snippet_falls_back_to_the_heading_then_to_the_start_of_the_body():
    assert snippet(text="About narwhals\nBody text.", query="narwhals", start=15) == (
        "About <mark>narwhals</mark>\u0020Body text."
    )
    assert snippet(text="Heading\nBody text.", query="absent", start=8) == "Body text."


# Pagination and query budget


def _publish_many(count: int, body: str = "Notes on the pangolin trade.") -> None:
    for _ in range(count):
        factories.TranslationFactory(published=True, revision__body=body)


def test_article_results_are_paginated(client, registry):
    _publish_many(ARTICLES_PER_PAGE + 5)

    first = search(client, q="pangolin")
    second = search(client, q="pangolin", page=2)

    assert len(result_urls(first)) == ARTICLES_PER_PAGE
    assert len(result_urls(second)) == 5
    assert not set(result_urls(first)) & set(result_urls(second))
    assert f"{ARTICLES_PER_PAGE + 5} articles" in first.content.decode()
    assert 'rel="next"' in first.content.decode()


def test_page_out_of_range_is_not_found(client, registry):
    _publish_many(3)

    assert search(client, q="pangolin", page=2).status_code == 404
    assert search(client, q="pangolin", page="last-but-one").status_code == 404
    # Further than any database offset reaches: still a 404, never a server error.
    assert search(client, q="pangolin", page=10**20).status_code == 404


@pytest.mark.parametrize("articles", [1, ARTICLES_PER_PAGE + 2])
def test_search_page_query_count_does_not_grow_with_results(
    client, registry, articles, django_assert_num_queries
):
    _publish_many(articles, body="Leaving the World Health Organization took a year.")

    # The content state; articles: a page with its count; registry: count, rows and names.
    with django_assert_num_queries(5):
        response = search(client, q="World Health Organization")

    assert len(result_urls(response)) == min(articles, ARTICLES_PER_PAGE)
    assert f'href="{WHO_URL}"' in response.content.decode()


# Rebuilding the index


def test_rebuild_command_indexes_published_translations_and_drops_the_rest(registry):
    published = factories.TranslationFactory(published=True, revision__body="About narwhals.")
    SearchDocument.objects.all().delete()
    draft = factories.TranslationFactory(revision__body="About axolotls.")
    SearchDocument.objects.create(
        translation=draft, revision=draft.latest_revision, text="About axolotls.", body_start=0
    )
    out = io.StringIO()

    call_command("rebuild_search_index", stdout=out)

    assert found_slugs("narwhals") == {published.article.slug}
    assert list(SearchDocument.objects.values_list("translation", flat=True)) == [published.pk]
    assert "1/1 published translations indexed" in out.getvalue()


def test_migration_indexes_translations_published_before_it(registry):
    translation = factories.TranslationFactory(published=True, revision__body="About narwhals.")
    SearchDocument.objects.all().delete()
    migration = importlib.import_module("articles.migrations.0003_search_documents")
    from django.apps import apps

    migration.index_published_translations(apps, types.SimpleNamespace(connection=connection))

    assert found_slugs("narwhals") == {translation.article.slug}
