"""The shapes of the API's parameters and answers, as the OpenAPI document shows them."""

import datetime
import re
from enum import StrEnum
from typing import Annotated, Any, Literal

from django.db import models
from ninja import Field, Schema
from pydantic import BeforeValidator, StringConstraints

from articles.models import Claim, Evidence
from articles.text.anchors import AnchorState
from organizations.models import Instrument, MembershipEvent, Organization, Source
from organizations.status import Relation, Status

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Form fields refuse NUL, and PostgreSQL cannot store it.
NO_NULL_CHARACTERS = r"^[^\x00]*$"


def choice(choices: type[models.TextChoices] | type[StrEnum]) -> Any:
    """A string that must be one of `choices`' values (an enum in the document)."""
    return Literal[tuple(str(member.value) for member in choices)]


def _iso_date(value: Any) -> Any:
    # Pydantic would also read "0" or a timestamp as a date; the API takes YYYY-MM-DD only.
    if isinstance(value, str) and not _ISO_DATE.match(value):
        raise ValueError("Enter a date as YYYY-MM-DD.")
    return value


IsoDate = Annotated[datetime.date, BeforeValidator(_iso_date)]
Slug = Annotated[str, StringConstraints(pattern=r"^[-a-zA-Z0-9_]+$", max_length=120)]
# Article slugs and event keys are longer slugs.
LongSlug = Annotated[str, StringConstraints(pattern=r"^[-a-zA-Z0-9_]+$", max_length=200)]
Language = Annotated[str, Field(description="A language code, such as en or zh-hans.")]
StatusValue = choice(Status)
RelationValue = choice(Relation)


# Parameters


def search_text(description: str) -> Any:
    """An optional free-text parameter: at most 200 characters, none of them NUL."""
    return Field(None, max_length=200, pattern=NO_NULL_CHARACTERS, description=description)


# `page` and `page_size` are the paginator's (api.pagination.NumberedPages).


class OrganizationQuery(Schema):
    q: str | None = search_text("Part of a name or alias in any language, or an acronym.")
    kind: choice(Organization.Kind) | None = None
    relation: RelationValue | None = Field(
        None, description="What the United States is to the organization."
    )
    un_related: bool | None = Field(
        None, description="As the instrument that names the organization classifies it."
    )
    domain: Slug | None = Field(None, description="A domain slug, such as health.")
    status: StatusValue | None = Field(None, description="The US status today.")
    instrument: Slug | None = Field(
        None, description="An instrument slug: organizations with an event under it."
    )
    announced_after: IsoDate | None = Field(
        None, description="With an event announced on or after this date."
    )
    announced_before: IsoDate | None = Field(
        None, description="With an event announced on or before this date (the same event)."
    )


class StatusDateQuery(Schema):
    on: IsoDate | None = Field(None, description="The date of the status; default today.")


class EventQuery(Schema):
    q: str | None = search_text("Part of the organization's name.")
    kind: choice(MembershipEvent.Kind) | None = None
    instrument: Slug | None = Field(None, description="An instrument slug.")
    organization: Slug | None = Field(None, description="An organization slug.")
    country: str | None = Field(
        None, pattern=r"^[A-Za-z]{2}$", description="An ISO 3166 alpha-2 code, such as US."
    )
    un_related: bool | None = None
    announced_after: IsoDate | None = Field(None, description="Announced on or after this date.")
    announced_before: IsoDate | None = Field(None, description="Announced on or before this date.")


# Answers


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = Field(
        default_factory=dict, description="Messages per parameter, when parameters were invalid."
    )


class IndexOut(Schema):
    title: str
    version: str
    openapi: str
    endpoints: dict[str, str]


class SourceOut(Schema):
    url: str
    title: str
    kind: choice(Source.Kind) = Field(
        description="primary: the act itself or the organization's or depositary's own notice; "
        "secondary: a news organization or reference publication; tertiary: encyclopedias "
        "and aggregators."
    )
    publisher: str
    published_on: datetime.date | None
    accessed_on: datetime.date | None
    archive_url: str = Field(description="An archived copy; empty when there is none.")
    note: str = Field(description="What a fact-checker should know about the source.")


class VerificationOut(Schema):
    source: str = Field(description="The URL of the source the event was verified against.")
    verified_at: datetime.datetime


class NameOut(Schema):
    language: Language
    name: str
    acronym: str
    preferred: bool


class EventOut(Schema):
    key: str
    organization: str = Field(description="The organization's slug.")
    kind: choice(MembershipEvent.Kind)
    country: str
    announced_on: datetime.date | None
    effective_on: datetime.date | None
    date_precision: choice(MembershipEvent.Precision)
    instrument: str | None = Field(description="The instrument's slug.")
    summary: str
    sources: list[SourceOut] = Field(description="Primary sources first.")
    has_primary_source: bool = Field(description="At least one source is primary.")
    verified: bool = Field(
        description="A moderator verified it against one of its sources (see `verification`)."
    )
    verification: VerificationOut | None = Field(
        description="Which source a moderator verified it against, and when; null if unverified."
    )
    api_url: str


class OrganizationFacts(Schema):
    """What lists and the detail say of an organization alike (`Organization.open_data`)."""

    slug: str
    name: str
    acronym: str
    kind: choice(Organization.Kind)
    relation: RelationValue = Field(description="What the United States is to it.")
    un_related: bool
    parent: str | None = Field(description="The parent organization's slug.")
    domains: list[str]
    wikidata_id: str


class OrganizationOut(OrganizationFacts):
    status: StatusValue = Field(description="The US status today.")
    url: str = Field(description="The organization's public page.")
    api_url: str


class PeriodOut(Schema):
    start: datetime.date | None = Field(description="None: since before any record.")
    end: datetime.date | None = Field(description="None: still running.")
    status: StatusValue


class OrganizationDetailOut(OrganizationFacts):
    founded: int | None
    headquarters: str
    website: str
    description: str
    status_on: datetime.date
    status: StatusValue = Field(description="The US status on `status_on`.")
    status_periods: list[PeriodOut]
    names: list[NameOut]
    events: list[EventOut]
    url: str
    api_url: str


class InstrumentCountsOut(Schema):
    total: int
    un_related: int
    non_un: int


class InstrumentOut(Schema):
    slug: str
    kind: choice(Instrument.Kind)
    number: str
    title: str
    signed_on: datetime.date | None
    citation: str
    official_url: str = Field(description="Where the instrument's text is published.")
    organizations: InstrumentCountsOut = Field(
        description="Organizations that the instrument's events name."
    )
    url: str = Field(description="The instrument's public page.")
    api_url: str


class OrganizationRefOut(Schema):
    slug: str
    name: str
    acronym: str
    un_related: bool
    api_url: str


class InstrumentDetailOut(InstrumentOut):
    description: str
    named_organizations: list[OrganizationRefOut]


class AuthorOut(Schema):
    name: str
    slug: str
    affiliation: str


class VersionSummaryOut(Schema):
    language: Language
    is_original: bool
    title: str
    first_published_at: datetime.datetime | None
    url: str


class ArticleOut(Schema):
    slug: str
    original_language: Language
    languages: list[Language] = Field(description="The languages readers can read it in.")
    versions: list[VersionSummaryOut]
    first_published_at: datetime.datetime | None
    originally_published_on: datetime.date | None
    source_publication: str
    authors: list[AuthorOut]
    api_url: str


class RevisionOut(Schema):
    number: int
    created_at: datetime.datetime


class VersionOut(Schema):
    language: Language
    is_original: bool
    outdated: bool = Field(description="Translated from an older text than the original's.")
    title: str
    standfirst: str
    revision: RevisionOut = Field(description="The live revision: what readers see.")
    claims_version: int | None = Field(
        description="The approved version of the claims, evidence and bylines readers of this "
        "version see."
    )
    first_published_at: datetime.datetime | None
    body: str = Field(description="Markdown.")
    html: str = Field(description="The body rendered and sanitised, claims marked.")
    url: str


class AnchorOut(Schema):
    language: Language
    quote: str
    prefix: str
    suffix: str
    state: choice(AnchorState)


class EvidenceTargetOut(Schema):
    type: Literal["organization", "event", "instrument"]
    key: str = Field(description="The organization's or instrument's slug, or the event's key.")
    name: str
    url: str
    api_url: str


class EvidenceOut(Schema):
    relation: choice(Evidence.Relation)
    note: str
    target: EvidenceTargetOut


class ClaimOut(Schema):
    number: int
    statement: str
    kind: choice(Claim.Kind)
    verdict: choice(Claim.Verdict)
    note: str
    anchors: list[AnchorOut]
    evidence: list[EvidenceOut]


class ArticleDetailOut(Schema):
    slug: str
    original_language: Language
    source_publication: str
    source_url: str
    originally_published_on: datetime.date | None
    first_published_at: datetime.datetime | None
    authors: list[AuthorOut]
    topics: list[str]
    versions: list[VersionOut]
    claims: list[ClaimOut]
    api_url: str


class CorrectionOut(Schema):
    article: str = Field(description="The article's slug.")
    language: Language
    revision: int = Field(description="The number of the revision that made the correction.")
    note: str = Field(description="What the revision corrects, as readers are told.")
    published_at: datetime.datetime = Field(description="When the correction reached readers.")
    url: str = Field(description="The corrected version's public page.")
    article_api_url: str


# What every operation documents besides its 200 answer.

_HEADERS_OK = {
    "ETag": {
        "description": "Send it back in If-None-Match to get a 304 while nothing changed.",
        "required": True,
        "schema": {"type": "string"},
    },
    "Last-Modified": {
        "description": "When the registry or the newsroom (or the code) last changed.",
        "required": True,
        "schema": {"type": "string"},
    },
    "Access-Control-Allow-Origin": {
        "description": "* whenever the request names an Origin: any web page may read the API.",
        "required": False,
        "schema": {"type": "string"},
    },
}
_HEADERS_LIMITED = {
    "Retry-After": {
        "description": "Seconds until the address may ask again.",
        "required": True,
        "schema": {"type": "integer"},
    },
}


def responses(ok: Any, *, parameters: bool = True, lookup: bool = True) -> dict:
    """The answers an operation documents: 200 with `ok`, 304, 400, 404, 412 and 429.

    A list's `ok` is `list[Item]`: ninja's `@paginate` documents the page around it.

    `parameters`: it takes query parameters that can be invalid (400).
    `lookup`: it can find nothing (404), a record or a page past the last.
    """
    # 304 and 412 answer conditional requests (If-None-Match, If-Match…).
    answers: dict[int, Any] = {200: ok, 304: None, 412: None, 429: ErrorOut}
    if parameters:
        answers[400] = ErrorOut
    if lookup:
        answers[404] = ErrorOut
    return answers


OPENAPI_EXTRA = {
    "responses": {
        200: {"headers": _HEADERS_OK},
        429: {"headers": _HEADERS_LIMITED},
    }
}
