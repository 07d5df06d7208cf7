"""The organization page lists the published articles whose evidence points at it."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.selectors import citing_translations
from ops.demo import seed_demo
from tests import factories

pytestmark = pytest.mark.django_db


def cited_article(*, languages=("zh-hans",), titles=None, **evidence):
    """An article published in `languages` (the first is the original) citing `evidence`."""
    article = factories.ArticleFactory(original_language=languages[0])
    translations = []
    for index, language in enumerate(languages):
        title = (titles or {}).get(language, f"Title in {language} of {article.slug}")
        translations.append(
            factories.TranslationFactory(
                article=article,
                language=language,
                is_original=index == 0,
                published=True,
                revision__title=title,
            )
        )
    claim = factories.ClaimFactory(article=article, number=1)
    factories.EvidenceFactory(claim=claim, **{"organization": None, **evidence})
    factories.publish_claims(article)
    return article, translations


def test_demo_article_is_cited_on_the_who_page(client):
    call_command("load_registry", verbosity=0)
    seed_demo()

    response = client.get("/en/registry/world-health-organization/")

    assert response.status_code == 200
    text = response.text
    assert 'id="cited-in-heading"' in text
    assert 'href="/en/articles/a-year-of-american-exits/">From WHO to 66 bodies' in text


def test_evidence_on_the_organization_its_events_or_its_instruments_counts():
    organization = factories.OrganizationFactory()
    instrument = factories.InstrumentFactory()
    event = factories.MembershipEventFactory(organization=organization, instrument=instrument)
    _, (direct,) = cited_article(organization=organization)
    _, (by_event,) = cited_article(event=event)
    _, (by_instrument,) = cited_article(instrument=instrument)
    _, (elsewhere,) = cited_article(organization=factories.OrganizationFactory())

    cited = citing_translations(organization=organization, language="zh-hans")

    assert {t.pk for t in cited} == {direct.pk, by_event.pk, by_instrument.pk}
    assert elsewhere.pk not in {t.pk for t in cited}


def test_articles_come_in_the_readers_language_else_labelled_in_another(client):
    organization = factories.OrganizationFactory(slug="body")
    cited_article(
        languages=("zh-hans", "en"),
        titles={"zh-hans": "中文标题", "en": "English title"},
        organization=organization,
    )

    english = client.get("/en/registry/body/").text
    french = client.get("/fr/registry/body/").text

    assert "English title" in english and "中文标题" not in english
    assert "中文标题" in french
    assert 'hreflang="zh-hans" lang="zh-hans" dir="auto">中文标题</a>' in french
    assert '<span class="lang-label">简体中文</span>' in french


def test_unpublished_articles_are_not_cited(client):
    organization = factories.OrganizationFactory(slug="body")
    article = factories.ArticleFactory()
    factories.TranslationFactory(article=article, revision__title="Draft title")
    claim = factories.ClaimFactory(article=article, number=1)
    factories.EvidenceFactory(claim=claim, organization=organization)

    text = client.get("/en/registry/body/").text

    assert "Draft title" not in text
    assert 'id="cited-in-heading"' not in text


def make_organization_with_events(slug: str, events: int):
    """An organization with names, domains, sources, children and sourced, verified events."""
    organization = factories.OrganizationFactory(
        slug=slug, parent=factories.OrganizationFactory(slug=f"{slug}-parent")
    )
    organization.domains.add(factories.DomainFactory(slug="health"))
    organization.sources.add(factories.SourceFactory())
    factories.OrganizationNameFactory(organization=organization, language="zh-hans")
    for _ in range(3):
        child = factories.OrganizationFactory(parent=organization)
        factories.OrganizationNameFactory(organization=child, language="zh-hans")
    instrument = factories.InstrumentFactory()
    for _ in range(events):
        event = factories.MembershipEventFactory(organization=organization, instrument=instrument)
        event.sources.add(factories.SourceFactory())
    return organization


def count_queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(path).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("articles", [1, 12])
def test_organization_page_with_cited_in_reads_in_at_most_nine_queries(
    client, articles, django_assert_max_num_queries
):
    organization = make_organization_with_events("body", 20)
    event = organization.events.first()
    for index in range(articles):
        cited_article(
            languages=("zh-hans", "en"),
            **({"event": event} if index % 2 else {"organization": organization}),
        )

    with django_assert_max_num_queries(9):
        response = client.get(organization.get_absolute_url())

    assert len(response.context["cited_in"]) == articles


def test_organization_page_queries_do_not_grow_with_citing_articles(client):
    one = make_organization_with_events("one", 1)
    many = make_organization_with_events("many", 1)
    cited_article(organization=one)
    for _ in range(10):
        cited_article(organization=many)

    assert count_queries(client, one.get_absolute_url()) == count_queries(
        client, many.get_absolute_url()
    )


def test_bodies_under_an_organization_are_named_in_the_readers_language(client):
    parent = factories.OrganizationFactory(slug="parent")
    child = factories.OrganizationFactory(name="Child body", parent=parent)
    factories.OrganizationNameFactory(organization=child, language="zh-hans", name="下属机构")

    chinese = client.get("/zh-hans/registry/parent/").text
    english = client.get("/en/registry/parent/").text

    assert f'href="{child.get_absolute_url()}">下属机构</a>'.replace("/en/", "/zh-hans/") in chinese
    assert ">Child body</a>" in english
