"""JSON-LD, canonical links, Open Graph and Twitter cards: what machines read on a page."""

import datetime
import json
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from articles import workflow
from articles.models import Claim, Translation
from ops.demo import seed_demo
from ops.demo_content import TRANSLATION
from organizations.models import Organization
from reader import structured_data
from reader.structured_data import (
    OrganizationFacts,
    Person,
    ReviewedClaim,
    Version,
    article_json_ld,
    organization_json_ld,
)
from reader.templatetags.machine_readable import json_ld
from tests import factories

SLUG = "a-year-of-american-exits"
EN_URL = f"https://example.org/en/articles/{SLUG}/"
ZH_URL = f"https://example.org/zh-hans/articles/{SLUG}/"
FR_URL = f"https://example.org/fr/articles/{SLUG}/"
PUBLISHED = datetime.datetime(2026, 1, 20, 9, tzinfo=datetime.UTC)
MODIFIED = datetime.datetime(2026, 1, 22, 17, tzinfo=datetime.UTC)


class Head(HTMLParser):
    """The `<link>` and `<meta>` tags of a page and the contents of its ld+json scripts."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[dict] = []
        self.metas: list[dict] = []
        self.scripts: list[dict] = []
        self._script: dict | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link":
            self.links.append(attrs)
        elif tag == "meta":
            self.metas.append(attrs)
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._script = {"attrs": attrs, "text": ""}

    def handle_data(self, data):
        if self._script is not None:
            self._script["text"] += data

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append(self._script)
            self._script = None

    def json_ld(self) -> list[dict]:
        return [json.loads(script["text"]) for script in self.scripts]

    def meta(self, key: str) -> list[str]:
        """Every `content` of `<meta property=key>` or `<meta name=key>`, in order."""
        return [
            tag["content"]
            for tag in self.metas
            if tag.get("property") == key or tag.get("name") == key
        ]

    def link(self, rel: str, **attrs) -> list[dict]:
        return [
            tag
            for tag in self.links
            if tag.get("rel") == rel and all(tag.get(k) == v for k, v in attrs.items())
        ]


def head(response) -> Head:
    assert response.status_code == 200, response.status_code
    return Head(response.text)


def graph_of(page: Head) -> list[dict]:
    (document,) = page.json_ld()
    assert document["@context"] == "https://schema.org"
    return document["@graph"]


def of_type(graph: list[dict], type_: str) -> list[dict]:
    return [node for node in graph if node["@type"] == type_]


# Pure builders


@pytest.mark.parametrize(
    ("language", "locale"),
    [
        ("en", "en_US"),
        ("zh-hans", "zh_CN"),
        ("fr", "fr_FR"),
        ("es", "es_ES"),
        ("ru", "ru_RU"),
        ("ar", "ar_AR"),
        ("pt-br", "pt_BR"),
    ],
)
def test_og_locale_maps_language_codes_to_open_graph_locales(language, locale):
    assert structured_data.og_locale(language) == locale


@pytest.mark.parametrize(
    ("code", "tag"), [("en", "en"), ("zh-hans", "zh-Hans"), ("en-us", "en-US"), ("ar", "ar")]
)
def test_bcp47_cases_script_and_region_subtags(code, tag):
    assert structured_data.bcp47(code) == tag


@pytest.mark.parametrize(
    ("verdict", "value"), [("supported", 5), ("partly_supported", 3), ("contradicted", 1)]
)
def test_judged_verdicts_rate_from_one_to_five(verdict, value):
    rating = structured_data.rating(verdict=verdict, label="Label")

    assert rating == {
        "@type": "Rating",
        "alternateName": "Label",
        "ratingValue": value,
        "bestRating": 5,
        "worstRating": 1,
    }


@pytest.mark.parametrize("verdict", ["unverified", "not_in_registry"])
def test_verdicts_that_judge_nothing_carry_a_label_and_no_rating_value(verdict):
    assert structured_data.rating(verdict=verdict, label="Unverified") == {
        "@type": "Rating",
        "alternateName": "Unverified",
    }


def build_article(**overrides) -> dict:
    values = {
        "url": EN_URL,
        "headline": "From WHO to 66 bodies",
        "description": "A year of exits.",
        "language": "en",
        "is_original": False,
        "authors": [Person("Chen Mingyuan", "Policy desk"), Person("Ana Ruiz")],
        "published": PUBLISHED,
        "modified": MODIFIED,
        "publisher_name": "Concordance",
        "publisher_url": "https://example.org/en/",
        "versions": [Version("zh-hans", ZH_URL, is_original=True), Version("en", EN_URL)],
        "claims": [],
    }
    values.update(overrides)
    return article_json_ld(**values)


def test_news_article_names_its_headline_language_authors_dates_and_publisher():
    (article,) = build_article()["@graph"]

    assert article["@type"] == "NewsArticle"
    assert article["@id"] == article["url"] == EN_URL
    assert article["mainEntityOfPage"] == {"@type": "WebPage", "@id": EN_URL}
    assert article["headline"] == "From WHO to 66 bodies"
    assert article["description"] == "A year of exits."
    assert article["inLanguage"] == "en"
    assert article["author"] == [
        {
            "@type": "Person",
            "name": "Chen Mingyuan",
            "affiliation": {"@type": "Organization", "name": "Policy desk"},
        },
        {"@type": "Person", "name": "Ana Ruiz"},
    ]
    assert article["datePublished"] == "2026-01-20T09:00:00+00:00"
    assert article["dateModified"] == "2026-01-22T17:00:00+00:00"
    assert article["publisher"] == {
        "@type": "Organization",
        "name": "Concordance",
        "url": "https://example.org/en/",
    }


def test_translation_names_its_original_as_translation_of_work():
    (article,) = build_article()["@graph"]

    assert article["translationOfWork"] == {
        "@type": "NewsArticle",
        "@id": ZH_URL,
        "inLanguage": "zh-Hans",
    }
    assert article["isBasedOn"] == ZH_URL
    assert "workTranslation" not in article


def test_translation_whose_original_is_not_published_names_no_original():
    (article,) = build_article(versions=[Version("en", EN_URL)])["@graph"]

    assert "translationOfWork" not in article
    assert "isBasedOn" not in article


def test_original_lists_its_published_translations_as_work_translation():
    (article,) = build_article(
        url=ZH_URL,
        language="zh-hans",
        is_original=True,
        versions=[
            Version("zh-hans", ZH_URL, is_original=True),
            Version("en", EN_URL),
            Version("fr", FR_URL),
        ],
    )["@graph"]

    assert article["workTranslation"] == [
        {"@type": "NewsArticle", "@id": EN_URL, "inLanguage": "en"},
        {"@type": "NewsArticle", "@id": FR_URL, "inLanguage": "fr"},
    ]
    assert "translationOfWork" not in article


def test_each_claim_becomes_a_claim_review_of_its_appearance_citing_its_records():
    claims = [
        ReviewedClaim(
            1,
            "The United States left WHO.",
            "supported",
            "Supported",
            ["https://example.org/en/registry/who/", "https://example.org/en/registry/who/"],
        ),
        ReviewedClaim(2, "Contributions fell 83%.", "not_in_registry", "Not in registry", []),
    ]

    _article, first, second = build_article(claims=claims)["@graph"]

    assert first == {
        "@type": "ClaimReview",
        "url": f"{EN_URL}#evidence-1",
        "claimReviewed": "The United States left WHO.",
        "inLanguage": "en",
        "author": {
            "@type": "Organization",
            "name": "Concordance",
            "url": "https://example.org/en/",
        },
        "reviewRating": {
            "@type": "Rating",
            "alternateName": "Supported",
            "ratingValue": 5,
            "bestRating": 5,
            "worstRating": 1,
        },
        "itemReviewed": {
            "@type": "Claim",
            "appearance": {"@type": "NewsArticle", "@id": EN_URL, "url": EN_URL},
        },
        "citation": ["https://example.org/en/registry/who/"],
    }
    assert second["url"] == f"{EN_URL}#evidence-2"
    assert second["reviewRating"] == {"@type": "Rating", "alternateName": "Not in registry"}
    assert "citation" not in second


@pytest.mark.parametrize(
    ("kind", "un_related", "type_"),
    [
        ("specialized_agency", True, "GovernmentOrganization"),
        ("non_un_igo", False, "GovernmentOrganization"),
        ("partnership_forum", True, "GovernmentOrganization"),
        ("partnership_forum", False, "Organization"),
        ("treaty", False, "Organization"),
    ],
)
def test_intergovernmental_and_un_related_bodies_are_government_organizations(
    kind, un_related, type_
):
    assert structured_data.organization_type(kind=kind, un_related=un_related) == type_


def test_organization_names_aliases_wikidata_parent_and_founding_year():
    parent = OrganizationFacts(
        url="https://example.org/en/registry/council-of-europe/",
        name="Council of Europe",
        kind="non_un_igo",
        un_related=False,
        website="https://www.coe.int/",
    )
    facts = OrganizationFacts(
        url="https://example.org/en/registry/venice-commission/",
        name="European Commission for Democracy through Law",
        kind="non_un_igo",
        un_related=False,
        acronym="Venice Commission",
        aliases=[
            "European Commission for Democracy through Law",
            "威尼斯委员会",
            "",
            "威尼斯委员会",
        ],
        wikidata_url="https://www.wikidata.org/wiki/Q1140648",
        founded=990,
        parent=parent,
    )

    data = organization_json_ld(facts)

    assert data == {
        "@context": "https://schema.org",
        "@type": "GovernmentOrganization",
        "@id": facts.url,
        "name": "European Commission for Democracy through Law",
        "url": facts.url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": facts.url},
        "alternateName": ["Venice Commission", "威尼斯委员会"],
        "sameAs": ["https://www.wikidata.org/wiki/Q1140648"],
        "foundingDate": "0990",
        "parentOrganization": {
            "@type": "GovernmentOrganization",
            "@id": parent.url,
            "name": "Council of Europe",
            "url": "https://www.coe.int/",
        },
    }


def test_json_ld_filter_keeps_text_from_closing_the_script_element():
    value = {"headline": "</script><script>alert(1)</script><!-- & more"}

    rendered = str(json_ld(value))

    assert "<" not in rendered and ">" not in rendered and "&" not in rendered
    assert json.loads(rendered) == value


# Pages


@pytest.fixture
def demo(db):
    call_command("load_registry", verbosity=0)
    return seed_demo().article


@pytest.mark.django_db
def test_article_page_describes_the_translation_and_one_claim_review_per_claim(client, demo):
    page = head(client.get(f"/en/articles/{SLUG}/"))

    graph = graph_of(page)
    (article,) = of_type(graph, "NewsArticle")
    english = Translation.objects.get(article=demo, language="en")
    assert article["url"] == f"http://testserver/en/articles/{SLUG}/"
    assert article["headline"] == english.live_revision.title
    assert article["inLanguage"] == "en"
    assert article["translationOfWork"]["@id"] == f"http://testserver/zh-hans/articles/{SLUG}/"
    assert article["author"][0]["name"] == "陈明远 (Chen Mingyuan)"
    assert article["datePublished"] == english.first_published_at.isoformat()
    assert article["publisher"]["name"] == "Concordance"

    reviews = of_type(graph, "ClaimReview")
    claims = list(Claim.objects.working().filter(article=demo).order_by("number"))
    assert len(claims) == 11
    assert [review["url"] for review in reviews] == [
        f"{article['url']}#evidence-{claim.number}" for claim in claims
    ]
    expected = {"supported": 5, "partly_supported": 3, "contradicted": 1}
    for review, claim in zip(reviews, claims, strict=True):
        assert review["claimReviewed"] == claim.statement
        assert review["itemReviewed"]["appearance"]["url"] == article["url"]
        assert review["reviewRating"]["alternateName"] == claim.get_verdict_display()
        assert review["reviewRating"].get("ratingValue") == expected.get(claim.verdict)
        assert review["citation"]
        assert all(url.startswith("http://testserver/en/registry/") for url in review["citation"])


@pytest.mark.django_db
def test_claim_review_cites_the_public_page_of_each_evidence_record(client, demo):
    page = head(client.get(f"/en/articles/{SLUG}/"))

    reviews = of_type(graph_of(page), "ClaimReview")
    who = Organization.objects.get(slug="world-health-organization")
    event = who.events.get(key__contains="withdrawal-effective")
    citations = reviews[3]["citation"]
    assert reviews[3]["url"].endswith("#evidence-4")
    assert f"http://testserver/en/registry/world-health-organization/#event-{event.pk}" in citations
    assert "http://testserver/en/registry/instruments/eo-14155/" in citations


@pytest.mark.django_db
def test_original_page_lists_only_published_translations(client, demo):
    factories.TranslationFactory(article=demo, is_original=False, language="fr")

    page = head(client.get(f"/zh-hans/articles/{SLUG}/"))

    (article,) = of_type(graph_of(page), "NewsArticle")
    assert article["inLanguage"] == "zh-Hans"
    assert article["workTranslation"] == [
        {
            "@type": "NewsArticle",
            "@id": f"http://testserver/en/articles/{SLUG}/",
            "inLanguage": "en",
        }
    ]
    assert "translationOfWork" not in article


@pytest.mark.django_db
def test_date_modified_is_when_the_live_revision_was_approved(client, demo, time_machine):
    users = get_user_model().objects
    english = Translation.objects.get(article=demo, language="en")
    first_published = english.first_published_at
    time_machine.move_to(datetime.datetime(2027, 3, 1, 12, tzinfo=datetime.UTC), tick=False)
    workflow.revision_create(
        translation=english,
        title="From WHO to 66 bodies: a year of exits",
        standfirst=TRANSLATION["standfirst"],
        body=TRANSLATION["body"],
        by=users.get(username="editor"),
    )
    workflow.submit(translation=english, by=users.get(username="editor"))
    time_machine.move_to(datetime.datetime(2027, 3, 2, 8, tzinfo=datetime.UTC), tick=False)
    workflow.approve(translation=english, by=users.get(username="moderator"))

    page = head(client.get(f"/en/articles/{SLUG}/"))

    (article,) = of_type(graph_of(page), "NewsArticle")
    assert article["headline"] == "From WHO to 66 bodies: a year of exits"
    assert article["datePublished"] == first_published.isoformat()
    assert article["dateModified"] == "2027-03-02T08:00:00+00:00"


@pytest.mark.django_db
def test_json_ld_script_needs_no_nonce_so_the_page_uses_none(client, demo):
    # A JSON-LD block is data that browsers never run: script-src does not
    # apply to it, and without a nonce the page can be cached whole.
    response = client.get(f"/en/articles/{SLUG}/")

    (script,) = head(response).scripts
    assert script["attrs"]["type"] == "application/ld+json"
    assert "nonce" not in script["attrs"]
    assert "'nonce-" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_text_that_looks_like_markup_stays_inside_the_json_ld(client):
    title = "Exits </script><script>alert(1)</script> & more"
    translation = factories.TranslationFactory(
        language="en",
        article__original_language="en",
        published=True,
        revision__title=title,
    )

    response = client.get(translation.get_absolute_url())

    assert "<script>alert(1)" not in response.text
    (article,) = of_type(graph_of(head(response)), "NewsArticle")
    assert article["headline"] == title


@pytest.mark.django_db
def test_preview_of_an_unpublished_revision_carries_no_json_ld(client, demo):
    client.force_login(get_user_model().objects.get(username="admin"))

    page = head(client.get(f"/en/articles/{SLUG}/", {"preview": "1"}))

    assert page.scripts == []


@pytest.mark.django_db
def test_article_page_carries_canonical_open_graph_and_twitter_tags(client, demo):
    english = Translation.objects.get(article=demo, language="en")
    url = f"http://testserver/en/articles/{SLUG}/"

    page = head(client.get(f"/en/articles/{SLUG}/", {"utm_source": "feed"}))

    assert [link["href"] for link in page.link("canonical")] == [url]
    assert page.meta("og:type") == ["article"]
    assert page.meta("og:url") == [url]
    assert page.meta("og:title") == [english.live_revision.title]
    assert page.meta("og:description") == [english.live_revision.standfirst]
    assert page.meta("og:site_name") == ["Concordance"]
    assert page.meta("og:locale") == ["en_US"]
    assert page.meta("og:locale:alternate") == ["zh_CN"]
    assert page.meta("article:published_time") == [english.first_published_at.isoformat()]
    assert page.meta("twitter:card") == ["summary"]
    assert page.meta("twitter:title") == [english.live_revision.title]
    assert page.meta("twitter:description") == [english.live_revision.standfirst]


@pytest.mark.django_db
def test_og_locale_alternates_list_only_published_versions(client, demo):
    factories.TranslationFactory(article=demo, is_original=False, language="ar")

    page = head(client.get(f"/zh-hans/articles/{SLUG}/"))

    assert page.meta("og:locale") == ["zh_CN"]
    assert page.meta("og:locale:alternate") == ["en_US"]


@pytest.mark.django_db
def test_organization_page_describes_the_organization(client, demo):
    who = Organization.objects.get(slug="world-health-organization")

    page = head(client.get(who.get_absolute_url()))

    (data,) = page.json_ld()
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "GovernmentOrganization"
    assert data["@id"] == f"http://testserver{who.get_absolute_url()}"
    assert data["name"] == "World Health Organization"
    assert data["url"] == who.website
    assert data["sameAs"] == ["https://www.wikidata.org/wiki/Q7817"]
    assert data["foundingDate"] == "1948"
    assert "WHO" in data["alternateName"]
    assert "世界卫生组织" in data["alternateName"]
    assert "World Health Organization" not in data["alternateName"]


@pytest.mark.django_db
def test_organization_page_names_its_parent_and_plain_organizations(client):
    parent = factories.OrganizationFactory(name="Council of Europe", kind="non_un_igo")
    forum = factories.OrganizationFactory(
        name="Forum on Migration", kind="partnership_forum", un_related=False, parent=parent
    )

    (data,) = head(client.get(f"/en/registry/{forum.slug}/")).json_ld()

    assert data["@type"] == "Organization"
    assert "sameAs" not in data
    assert data["url"] == f"http://testserver/en/registry/{forum.slug}/"
    assert data["parentOrganization"] == {
        "@type": "GovernmentOrganization",
        "@id": f"http://testserver/en/registry/{parent.slug}/",
        "name": "Council of Europe",
        "url": f"http://testserver/en/registry/{parent.slug}/",
    }


@pytest.mark.django_db
def test_organization_page_meta_tags_and_canonical_drop_the_status_date(client, demo):
    url = "http://testserver/zh-hans/registry/world-health-organization/"

    page = head(client.get("/zh-hans/registry/world-health-organization/", {"on": "2020-01-01"}))

    assert [link["href"] for link in page.link("canonical")] == [url]
    assert page.meta("og:url") == [url]
    assert page.meta("og:type") == ["website"]
    assert page.meta("og:title") == ["世界卫生组织"]
    assert page.meta("og:locale") == ["zh_CN"]
    assert page.meta("twitter:card") == ["summary"]
    assert page.meta("twitter:title") == ["世界卫生组织"]
    assert page.meta("og:description")[0].startswith("世界卫生组织")


@pytest.mark.django_db
def test_registry_list_canonical_keeps_filters_and_page_but_not_sort_or_format(client):
    factories.OrganizationFactory.create_batch(3, kind="treaty")

    first = head(
        client.get("/en/registry/", {"sort": "-name", "kind": "treaty", "page": "1", "q": ""})
    )
    assert [link["href"] for link in first.link("canonical")] == [
        "http://testserver/en/registry/?kind=treaty"
    ]


@pytest.mark.django_db
def test_other_pages_carry_site_defaults_and_link_their_language_feeds(client, settings):
    settings.SITE_NAME = "Concordance Test Desk"

    page = head(client.get("/zh-hans/registry/events/", {"page": "1"}))

    assert [link["href"] for link in page.link("canonical")] == [
        "http://testserver/zh-hans/registry/events/"
    ]
    assert page.meta("og:type") == ["website"]
    assert page.meta("og:site_name") == ["Concordance Test Desk"]
    assert page.meta("og:title") == ["Concordance Test Desk"]
    assert page.meta("og:locale") == ["zh_CN"]
    assert "en_US" in page.meta("og:locale:alternate")
    assert page.meta("twitter:card") == ["summary"]
    assert page.json_ld() == []
    assert page.link("alternate", type="application/atom+xml")[0]["href"] == (
        "/zh-hans/feeds/articles.atom"
    )
    assert page.link("alternate", type="application/rss+xml")[0]["href"] == (
        "/zh-hans/feeds/articles.rss"
    )


@pytest.mark.django_db
def test_a_page_that_is_not_found_names_no_canonical_url(client):
    response = client.get("/en/articles/no-such-article/")

    assert response.status_code == 404
    page = Head(response.text)
    assert page.link("canonical") == []
    assert page.meta("og:url") == []
