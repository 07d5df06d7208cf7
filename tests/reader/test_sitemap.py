"""`/sitemap.xml`: published article versions with hreflang alternates, and the registry."""

import datetime
import xml.etree.ElementTree as ET
from collections import defaultdict

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from articles import workflow
from articles.models import Translation
from ops.demo import seed_demo
from organizations.models import Instrument, Organization
from tests import factories

pytestmark = pytest.mark.django_db

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}
SLUG = "a-year-of-american-exits"
HOST = "http://testserver"
UTC = datetime.UTC


def read(client, path: str) -> ET.Element:
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/xml"
    return ET.fromstring(response.content)


def entries(client, section: str) -> dict[str, dict]:
    """Each `<url>` of a section by location: its lastmod and its alternates by hreflang."""
    found = {}
    for url in read(client, f"/sitemap-{section}.xml").findall("sm:url", NS):
        alternates = defaultdict(list)
        for link in url.findall("xhtml:link", NS):
            assert link.get("rel") == "alternate"
            alternates[link.get("hreflang")].append(link.get("href"))
        lastmod = url.findtext("sm:lastmod", namespaces=NS)
        found[url.findtext("sm:loc", namespaces=NS)] = {
            "lastmod": lastmod,
            "alternates": {code: hrefs[0] for code, hrefs in alternates.items()},
            "repeated": [code for code, hrefs in alternates.items() if len(hrefs) > 1],
        }
    return found


def article_url(language: str, slug: str = SLUG) -> str:
    return f"{HOST}/{language}/articles/{slug}/"


@pytest.fixture
def demo(db):
    call_command("load_registry", verbosity=0)
    return seed_demo().article


def test_sitemap_index_lists_every_section(client):
    index = read(client, "/sitemap.xml")

    assert index.tag == f"{{{NS['sm']}}}sitemapindex"
    assert [loc.text for loc in index.findall("sm:sitemap/sm:loc", NS)] == [
        f"{HOST}/sitemap-articles.xml",
        f"{HOST}/sitemap-organizations.xml",
        f"{HOST}/sitemap-instruments.xml",
        f"{HOST}/sitemap-pages.xml",
    ]


def test_each_published_version_lists_every_published_version_and_the_original(client, demo):
    factories.TranslationFactory(article=demo, is_original=False, language="fr")

    found = entries(client, "articles")

    assert set(found) == {article_url("zh-hans"), article_url("en")}
    for entry in found.values():
        assert entry["alternates"] == {
            "zh-hans": article_url("zh-hans"),
            "en": article_url("en"),
            "x-default": article_url("zh-hans"),
        }
        assert entry["repeated"] == []


def test_unpublished_versions_and_unpublished_articles_are_left_out(client, demo):
    moderator = get_user_model().objects.get(username="moderator")
    workflow.unpublish(
        translation=Translation.objects.get(article=demo, language="en"),
        by=moderator,
        comment="Taken down for a correction.",
    )
    draft = factories.TranslationFactory(article__slug="only-a-draft")

    found = entries(client, "articles")

    assert list(found) == [article_url("zh-hans")]
    assert found[article_url("zh-hans")]["alternates"] == {
        "zh-hans": article_url("zh-hans"),
        "x-default": article_url("zh-hans"),
    }
    assert draft.article.slug not in str(found)


def test_without_a_published_original_there_is_no_x_default(client):
    original = factories.TranslationFactory(article__slug="orphaned-translation")
    factories.TranslationFactory(
        article=original.article, is_original=False, language="en", published=True
    )

    found = entries(client, "articles")

    assert found == {
        article_url("en", "orphaned-translation"): {
            "lastmod": found[article_url("en", "orphaned-translation")]["lastmod"],
            "alternates": {"en": article_url("en", "orphaned-translation")},
            "repeated": [],
        }
    }


def test_lastmod_is_when_the_live_revision_was_approved(client, demo, time_machine):
    english = Translation.objects.get(article=demo, language="en")
    users = get_user_model().objects
    time_machine.move_to(datetime.datetime(2027, 3, 1, 12, tzinfo=UTC), tick=False)
    workflow.revision_create(
        translation=english,
        title="Revised",
        standfirst=english.live_revision.standfirst,
        body=english.live_revision.body,
        by=users.get(username="editor"),
    )
    workflow.submit(translation=english, by=users.get(username="editor"))
    time_machine.move_to(datetime.datetime(2027, 3, 4, 8, tzinfo=UTC), tick=False)
    workflow.approve(translation=english, by=users.get(username="moderator"))
    original = Translation.objects.get(article=demo, is_original=True)

    found = entries(client, "articles")

    assert found[article_url("en")]["lastmod"] == "2027-03-04"
    assert found[article_url("zh-hans")]["lastmod"] == (
        original.first_published_at.date().isoformat()
    )


def test_article_section_reads_in_three_queries_however_many_articles(
    client, django_assert_num_queries
):
    def publish(count):
        for _ in range(count):
            original = factories.TranslationFactory(published=True)
            factories.TranslationFactory(
                article=original.article, is_original=False, language="en", published=True
            )

    publish(1)
    with django_assert_num_queries(3):
        assert len(entries(client, "articles")) == 2
    publish(20)
    with django_assert_num_queries(3):
        assert len(entries(client, "articles")) == 42


def test_registry_pages_are_listed_in_the_interface_languages(client, demo):
    organizations = entries(client, "organizations")
    instruments = entries(client, "instruments")

    assert len(organizations) == 2 * Organization.objects.count()
    assert len(instruments) == 2 * Instrument.objects.count()
    who = f"{HOST}/en/registry/world-health-organization/"
    assert organizations[who]["alternates"] == {
        "en": who,
        "zh-hans": f"{HOST}/zh-hans/registry/world-health-organization/",
        "x-default": f"{HOST}/registry/world-health-organization/",
    }
    assert all(entry["lastmod"] for entry in [*organizations.values(), *instruments.values()])
    eo = f"{HOST}/zh-hans/registry/instruments/eo-14155/"
    assert set(instruments[eo]["alternates"]) == {"en", "zh-hans", "x-default"}


def test_registry_x_default_sends_readers_to_their_language(client, demo):
    response = client.get(
        "/registry/world-health-organization/", headers={"accept-language": "zh-hans"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/zh-hans/registry/world-health-organization/"


def test_organization_lastmod_follows_its_latest_event(client, time_machine):
    time_machine.move_to(datetime.datetime(2025, 1, 1, tzinfo=UTC), tick=False)
    organization = factories.OrganizationFactory(slug="body")
    quiet = factories.OrganizationFactory(slug="quiet")
    time_machine.move_to(datetime.datetime(2026, 2, 3, tzinfo=UTC), tick=False)
    factories.MembershipEventFactory(organization=organization)

    found = entries(client, "organizations")

    assert found[f"{HOST}/en/registry/body/"]["lastmod"] == "2026-02-03"
    assert found[f"{HOST}/en/registry/{quiet.slug}/"]["lastmod"] == "2025-01-01"


def test_site_pages_are_listed_with_their_language_alternates(client):
    found = entries(client, "pages")

    assert set(found) == {
        f"{HOST}/{language}/{path}"
        for language in ("en", "zh-hans")
        for path in ("", "registry/", "registry/events/")
    }
    assert found[f"{HOST}/zh-hans/registry/"]["alternates"] == {
        "en": f"{HOST}/en/registry/",
        "zh-hans": f"{HOST}/zh-hans/registry/",
        "x-default": f"{HOST}/registry/",
    }


def test_robots_txt_names_a_sitemap_that_exists(client):
    robots = client.get("/robots.txt").content.decode()
    sitemap = next(line for line in robots.splitlines() if line.startswith("Sitemap:"))

    assert client.get(sitemap.split(HOST, 1)[1]).status_code == 200


@pytest.mark.parametrize("section", ["organizations", "instruments"])
def test_registry_sections_read_in_one_query_however_many_records(
    client, section, django_assert_num_queries
):
    instrument = factories.InstrumentFactory()
    factories.MembershipEventFactory(instrument=instrument)
    with django_assert_num_queries(1):
        small = len(entries(client, section))
    for _ in range(10):
        factories.MembershipEventFactory(instrument=factories.InstrumentFactory())
    with django_assert_num_queries(1):
        assert len(entries(client, section)) == small + 20


def test_sitemap_index_reads_in_six_queries_however_many_pages(client, django_assert_num_queries):
    factories.TranslationFactory(published=True)
    factories.MembershipEventFactory(instrument=factories.InstrumentFactory())
    with django_assert_num_queries(6):
        read(client, "/sitemap.xml")
    for _ in range(10):
        factories.TranslationFactory(published=True)
        factories.MembershipEventFactory(instrument=factories.InstrumentFactory())
    with django_assert_num_queries(6):
        read(client, "/sitemap.xml")
