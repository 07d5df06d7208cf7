"""Schema.org JSON-LD for article and organization pages, and Open Graph locales.

Pure builders: they take plain values (absolute URLs, names, dates) and
return the dicts that pages serialise into `<script type="application/ld+json">`.
They never read the database or the request, so they are tested alone; the
`machine_readable` template tags gather the values from what pages already
loaded.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

SCHEMA_ORG = "https://schema.org"

# A ClaimReview's rating runs from 1 (false) to 5 (true). Verdicts that judge
# nothing (unverified, not in the registry) get a label but no number, so that
# no reader or machine takes "we could not check" for "false".
BEST_RATING = 5
WORST_RATING = 1
VERDICT_RATINGS = {
    "supported": 5,
    "partly_supported": 3,
    "contradicted": 1,
}

# Open Graph names locales as language_TERRITORY; the territory is the one
# sharing platforms expect for each of the site's languages.
OG_LOCALES = {
    "en": "en_US",
    "zh-hans": "zh_CN",
    "zh-hant": "zh_TW",
    "fr": "fr_FR",
    "es": "es_ES",
    "ru": "ru_RU",
    "ar": "ar_AR",
}

# Kinds that are not organizations of governments: forums open to other
# members, and treaties themselves. Everything else the registry holds is
# intergovernmental.
NON_GOVERNMENTAL_KINDS = frozenset({"partnership_forum", "treaty"})


def og_locale(language: str) -> str:
    """The Open Graph locale of a language code: `zh-hans` → `zh_CN`, `en` → `en_US`."""
    code = language.lower()
    if code in OG_LOCALES:
        return OG_LOCALES[code]
    base, _, region = code.partition("-")
    return f"{base}_{region.upper()}" if len(region) == 2 else base


def bcp47(language: str) -> str:
    """A Django language code in BCP 47 casing: `zh-hans` → `zh-Hans`, `en-us` → `en-US`."""
    base, *subtags = language.split("-")
    cased = [base.lower()]
    for subtag in subtags:
        if len(subtag) == 4:
            cased.append(subtag.title())
        elif len(subtag) == 2:
            cased.append(subtag.upper())
        else:
            cased.append(subtag.lower())
    return "-".join(cased)


def _iso(value: datetime.datetime | datetime.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(value for value in values if value))


# Articles


@dataclass(frozen=True)
class Person:
    """An author as structured data shows them."""

    name: str
    affiliation: str = ""


@dataclass(frozen=True)
class Version:
    """A published language version of an article, at its absolute URL."""

    language: str
    url: str
    is_original: bool = False


@dataclass(frozen=True)
class ReviewedClaim:
    """A claim with its verdict and the public pages of the records behind it."""

    number: int
    statement: str
    verdict: str
    verdict_label: str
    evidence_urls: Sequence[str] = field(default_factory=tuple)


def publisher(*, name: str, url: str) -> dict:
    """The site as the `Organization` that publishes articles and reviews claims."""
    return {"@type": "Organization", "name": name, "url": url}


def person(author: Person) -> dict:
    data = {"@type": "Person", "name": author.name}
    if author.affiliation:
        data["affiliation"] = {"@type": "Organization", "name": author.affiliation}
    return data


def rating(*, verdict: str, label: str) -> dict:
    """A `Rating` for a verdict: 5, 3 or 1 out of 5, or only a label when nothing was judged."""
    data = {"@type": "Rating", "alternateName": label}
    if verdict in VERDICT_RATINGS:
        data.update(
            ratingValue=VERDICT_RATINGS[verdict],
            bestRating=BEST_RATING,
            worstRating=WORST_RATING,
        )
    return data


def claim_review(*, claim: ReviewedClaim, article_url: str, language: str, reviewer: dict) -> dict:
    """One `ClaimReview`: the claim as it appears in the article, its verdict and evidence.

    Its URL is the claim's entry in the article's evidence list
    (`#evidence-N`); the registry records behind the verdict are its citations.
    """
    data = {
        "@type": "ClaimReview",
        "url": f"{article_url}#evidence-{claim.number}",
        "claimReviewed": claim.statement,
        "inLanguage": bcp47(language),
        "author": reviewer,
        "reviewRating": rating(verdict=claim.verdict, label=claim.verdict_label),
        "itemReviewed": {
            "@type": "Claim",
            "appearance": {"@type": "NewsArticle", "@id": article_url, "url": article_url},
        },
    }
    citations = _unique(claim.evidence_urls)
    if citations:
        data["citation"] = citations
    return data


def article_json_ld(
    *,
    url: str,
    headline: str,
    description: str,
    language: str,
    is_original: bool,
    authors: Sequence[Person],
    published: datetime.datetime | None,
    modified: datetime.datetime | None,
    publisher_name: str,
    publisher_url: str,
    versions: Sequence[Version] = (),
    claims: Sequence[ReviewedClaim] = (),
) -> dict:
    """A `NewsArticle` for one language version, followed by one `ClaimReview` per claim.

    `versions` are the article's other published versions. The original
    lists them as `workTranslation`; a translation names the original as
    `translationOfWork` (and `isBasedOn`) when the original is published.
    Returns a JSON-LD document with a `@graph`.
    """
    site = publisher(name=publisher_name, url=publisher_url)
    article: dict = {
        "@type": "NewsArticle",
        "@id": url,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "headline": headline,
        "description": description,
        "inLanguage": bcp47(language),
        "author": [person(author) for author in authors],
        "publisher": site,
    }
    if published is not None:
        article["datePublished"] = _iso(published)
    if modified is not None or published is not None:
        article["dateModified"] = _iso(modified or published)
    others = [version for version in versions if version.url != url]
    if is_original:
        if others:
            article["workTranslation"] = [
                {"@type": "NewsArticle", "@id": version.url, "inLanguage": bcp47(version.language)}
                for version in others
            ]
    else:
        original = next((version for version in others if version.is_original), None)
        if original is not None:
            article["translationOfWork"] = {
                "@type": "NewsArticle",
                "@id": original.url,
                "inLanguage": bcp47(original.language),
            }
            article["isBasedOn"] = original.url
    graph = [article]
    graph += [
        claim_review(claim=claim, article_url=url, language=language, reviewer=site)
        for claim in claims
    ]
    return {"@context": SCHEMA_ORG, "@graph": graph}


# Organizations


@dataclass(frozen=True)
class OrganizationFacts:
    """What structured data says of a registry organization."""

    url: str
    name: str
    kind: str
    un_related: bool
    acronym: str = ""
    aliases: Sequence[str] = field(default_factory=tuple)
    website: str = ""
    wikidata_url: str = ""
    founded: int | None = None
    description: str = ""
    parent: OrganizationFacts | None = None


def organization_type(*, kind: str, un_related: bool) -> str:
    """`GovernmentOrganization` for UN-related and intergovernmental bodies, else `Organization`."""
    if un_related or kind not in NON_GOVERNMENTAL_KINDS:
        return "GovernmentOrganization"
    return "Organization"


def organization_json_ld(facts: OrganizationFacts, *, nested: bool = False) -> dict:
    """A `GovernmentOrganization` or `Organization` for a registry page.

    `@id` and `mainEntityOfPage` are the registry page; `url` is the
    organization's own website when the registry knows it, else the registry
    page; `sameAs` is its Wikidata item. The parent is nested by name and
    registry page only.
    """
    data: dict = {} if nested else {"@context": SCHEMA_ORG}
    data["@type"] = organization_type(kind=facts.kind, un_related=facts.un_related)
    data["@id"] = facts.url
    data["name"] = facts.name
    data["url"] = facts.website or facts.url
    if nested:
        return data
    data["mainEntityOfPage"] = {"@type": "WebPage", "@id": facts.url}
    alternate_names = [
        name for name in _unique([facts.acronym, *facts.aliases]) if name != facts.name
    ]
    if alternate_names:
        data["alternateName"] = alternate_names
    if facts.description:
        data["description"] = facts.description
    if facts.wikidata_url:
        data["sameAs"] = [facts.wikidata_url]
    if facts.founded:
        data["foundingDate"] = f"{facts.founded:04d}"
    if facts.parent is not None:
        data["parentOrganization"] = organization_json_ld(facts.parent, nested=True)
    return data
