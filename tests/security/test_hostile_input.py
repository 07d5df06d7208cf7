"""Hostile text in every field that reaches a reader or the admin stays text.

Each payload is written into every such field (straight into the database,
as a careless import or a compromised editor account could), then every
public page and every admin page that shows those records is fetched and
parsed: no injected script element, no event-handler attribute, no script
URL, no frame. The payload's marker must show on the page, so the test
knows the hostile text really was rendered there.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Group
from django.db import models
from django.urls import reverse
from django.utils import translation

from articles import workflow
from articles.models import ReviewLog, Revision, Translation
from organizations.models import (
    Domain,
    Instrument,
    MembershipEvent,
    Organization,
    OrganizationName,
    Source,
)
from tests import factories
from tests.articles.test_xss import HOSTILE_STRINGS, XSS_BODIES
from tests.security.pages import admin_object_urls, registered_models

pytestmark = pytest.mark.django_db

PAYLOADS = [
    *HOSTILE_STRINGS,
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<math href=javascript:alert(1)>x</math>",
    '<a href="javascript:alert(1)">link</a>',
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "<iframe srcdoc='<script>alert(1)</script>'>",
    "</textarea></title></style><script>alert(1)</script>",
    "<b><i>unclosed <em",
    "<!--<script>alert(1)</script>-->",
    "\u202etxt.exe\u202c \u2067<script>\u2069",
    "{{ request.user }}{% debug %}",
]
# Valid URLs (Django's URL validator accepts them) that try to break out of an attribute.
HOSTILE_URLS = [
    'https://example.org/"><script>alert(1)</script>',
    "https://example.org/?q='><img src=x onerror=alert(1)>",
    'https://example.org/#" onmouseover="alert(1)',
]

# Every parameter the public lists, filters and search read.
FILTER_PARAMETERS = (
    "q",
    "kind",
    "un_related",
    "domain",
    "status",
    "instrument",
    "announced_after",
    "announced_before",
    "sort",
    "organization",
    "country",
    "on",
    "language",
    "page",
    "format",
)
SCRIPT_SCHEMES = ("javascript:", "data:", "vbscript:")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "srcset", "poster", "data"}
DATA_BLOCK_TYPES = {"application/json", "application/ld+json"}
FORBIDDEN_ELEMENTS = {"iframe", "frame", "object", "embed", "base", "math", "style", "template"}


@dataclass
class ActiveContent(HTMLParser):
    """Everything in a page that a browser could run."""

    found: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    in_data_block: bool = False

    def __post_init__(self):
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script":
            source = attributes.get("src") or ""
            if attributes.get("type") in DATA_BLOCK_TYPES and not source:
                self.in_data_block = True
            elif not (source.startswith("/") and not source.startswith("//")):
                self.found.append(f"<script src={source!r}>")
        if tag in FORBIDDEN_ELEMENTS:
            self.found.append(f"<{tag}>")
        if tag == "meta" and "http-equiv" in attributes:
            self.found.append("<meta http-equiv>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}>")
            if name in URL_ATTRIBUTES:
                compact = re.sub(r"[\x00-\x20\x7f]+", "", value or "").lower()
                if compact.startswith(SCRIPT_SCHEMES):
                    self.found.append(f"<{tag} {name}={value!r}>")
            if name in {"title", "value", "aria-label", "content", "alt"}:
                self.text.append(value or "")

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_data_block = False

    def handle_data(self, data):
        if self.in_data_block:
            # JSON in a data block is safe only with its markup characters escaped:
            # a literal "</script" would end the block and start real markup.
            if "<" in data:
                self.found.append("a data block holding a raw '<'")
            json.loads(data)
            self.text.append(json.dumps(json.loads(data), ensure_ascii=False))
            return
        self.text.append(data)


def inspect(html: str) -> ActiveContent:
    page = ActiveContent()
    page.feed(html)
    page.close()
    return page


def assert_inert(
    response, url: str, marker: str | None = None, *, statuses: tuple[int, ...] = (200,)
) -> None:
    assert response.status_code in statuses, url
    page = inspect(response.content.decode())
    assert page.found == [], url
    if marker is not None:
        assert marker in "".join(page.text), f"{url}: the hostile text is not on the page"


def fit(model: type[models.Model], name: str, text: str) -> str:
    """`text` cut to the column's length (PostgreSQL enforces it; SQLite does not)."""
    max_length = model._meta.get_field(name).max_length
    return text[:max_length] if max_length else text


@dataclass
class HostileWorld:
    marker: str
    organization: Organization
    instrument: Instrument
    event: MembershipEvent
    source: Source
    domain: Domain
    name: OrganizationName
    original: Translation
    translation: Translation
    claim_pk: int
    editor: object
    moderator: object


def hostile_world(payload: str, index: int) -> HostileWorld:
    """Every text field a reader or an editor sees, holding `payload` after a marker."""
    marker = f"HX{index}Z"
    text = f"{marker} {payload}"
    url = HOSTILE_URLS[index % len(HOSTILE_URLS)].replace("example.org/", f"example.org/{index}/")

    def short(model, name):
        return fit(model, name, text)

    editor = factories.UserFactory(
        username=f"editor{index}",
        is_staff=True,
        first_name=text[:150],
        last_name=text[:150],
    )
    editor.groups.add(Group.objects.get(name="Editors"))
    moderator = factories.UserFactory(username=f"moderator{index}", is_staff=True)
    moderator.groups.add(Group.objects.get(name="Moderators"))

    domain = factories.DomainFactory(name=short(Domain, "name"))
    instrument = factories.InstrumentFactory(
        title=short(Instrument, "title"),
        number=short(Instrument, "number"),
        citation=short(Instrument, "citation"),
        description=text,
        url=url,
    )
    organization = factories.OrganizationFactory(
        name=short(Organization, "name"),
        acronym=short(Organization, "acronym"),
        headquarters=short(Organization, "headquarters"),
        description=text,
        website=url,
    )
    organization.domains.add(domain)
    name = factories.OrganizationNameFactory(
        organization=organization,
        language="zh-hans",
        name=short(OrganizationName, "name"),
        acronym=short(OrganizationName, "acronym"),
    )
    source = factories.SourceFactory(
        title=short(Source, "title"), publisher=short(Source, "publisher"), url=url
    )
    organization.sources.add(source)
    event = factories.MembershipEventFactory(
        organization=organization, instrument=instrument, summary=text
    )
    event.sources.add(source)

    author = factories.AuthorFactory(name=text[:200], affiliation=text[:200], bio=text)
    article = factories.ArticleFactory(
        source_publication=text[:200], source_url=url, authors=[author]
    )
    # The Markdown corpus goes into one body only: tests/articles/test_xss.py checks
    # each of its entries on its own, and the article page is the slowest to render.
    # PostgreSQL cannot store NUL (and the admin's forms refuse it), so it is left out.
    extra = [body.replace("\x00", "") for body in XSS_BODIES] if index == 0 else []
    body = "\n\n".join([text, "The anchored sentence stands here.", *extra])
    revision_fields = {
        "title": short(Revision, "title"),
        "standfirst": text,
        "body": body,
        "created_by": editor,
    }
    original = factories.TranslationFactory(
        article=article, published=True, **{f"revision__{k}": v for k, v in revision_fields.items()}
    )
    english = factories.TranslationFactory(
        article=article,
        is_original=False,
        language="en",
        **{f"revision__{k}": v for k, v in revision_fields.items()},
    )
    claim = factories.ClaimFactory(article=article, number=1, statement=text, note=text)
    factories.EvidenceFactory(claim=claim, organization=organization, note=text)
    factories.EvidenceFactory(claim=claim, organization=None, event=event, note=text)
    factories.EvidenceFactory(claim=claim, organization=None, instrument=instrument, note=text)
    for version in (original, english):
        factories.ClaimAnchorFactory(
            claim=claim, translation=version, quote="anchored sentence stands"
        )
    workflow.submit(translation=english, by=editor)
    workflow.request_changes(translation=english, by=moderator, comment=text)
    english.refresh_from_db()
    return HostileWorld(
        marker,
        organization,
        instrument,
        event,
        source,
        domain,
        name,
        original,
        english,
        claim.pk,
        editor,
        moderator,
    )


def public_pages(world: HostileWorld) -> list[str]:
    marker = world.marker
    with translation.override("zh-hans"):
        article = world.original.get_absolute_url()
    pages = [article]
    for language in ("en", "zh-hans"):
        with translation.override(language):
            pages += [
                reverse("home"),
                reverse("organizations:list") + "?" + urlencode({"q": marker}),
                reverse("organizations:detail", kwargs={"slug": world.organization.slug}),
                reverse("organizations:events")
                + "?"
                + urlencode({"organization": world.organization.slug}),
                reverse("organizations:instrument", kwargs={"slug": world.instrument.slug}),
                reverse("search") + "?" + urlencode({"q": marker}),
            ]
    return pages


def admin_changelists(marker: str) -> list[str]:
    """Every model's changelist, plain and searched for `marker`."""
    pages = []
    for model in registered_models():
        changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        pages += [changelist, changelist + "?" + urlencode({"q": marker})]
    return pages


def admin_object_pages(world: HostileWorld, *, every_page: bool) -> list[str]:
    """The admin pages of the world's records: their change forms and the custom views;
    with `every_page`, their history and delete confirmation pages too."""
    pages = [reverse("review:detail", kwargs={"translation_id": world.translation.pk})]
    records = [
        world.organization,
        world.instrument,
        world.event,
        world.source,
        world.domain,
        world.name,
        world.original.article,
        world.original,
        world.translation,
        world.translation.latest_revision,
        ReviewLog.objects.filter(translation=world.translation).first(),
        world.original.article.claims.get(pk=world.claim_pk),
        world.original.article.authors.first(),
    ]
    skipped = ("_transition",) if every_page else ("_transition", "_delete", "_history")
    for record in records:
        for name, url in admin_object_urls(type(record), record.pk).items():
            if not name.endswith(skipped):
                pages.append(url)
    return pages


@pytest.mark.parametrize(
    ("index", "payload"),
    list(enumerate(PAYLOADS)),
    ids=[f"payload{i}" for i in range(len(PAYLOADS))],
)
def test_hostile_text_is_inert_on_every_public_page(client, index, payload):
    world = hostile_world(payload, index)
    for url in public_pages(world):
        assert_inert(client.get(url), url, world.marker)


def test_hostile_text_is_inert_on_every_admin_page(client, superuser):
    """All payloads at once: each changelist lists every hostile record together."""
    worlds = [hostile_world(payload, index) for index, payload in enumerate(PAYLOADS)]
    client.force_login(superuser)
    pages = [*admin_changelists(worlds[0].marker), reverse("review:queue")]
    for world in worlds:
        pages += admin_object_pages(world, every_page=world is worlds[0])
    for url in pages:
        # Revisions and review log entries cannot be deleted: their delete pages refuse.
        assert_inert(client.get(url), url, statuses=(200, 403))


def test_hostile_text_reaches_the_admin_pages_that_list_it(client, superuser):
    world = hostile_world(PAYLOADS[0], 0)
    client.force_login(superuser)
    for url in (
        reverse("admin:organizations_organization_changelist"),
        reverse("admin:organizations_source_changelist"),
        reverse("admin:organizations_membershipevent_changelist"),
        reverse("admin:articles_claim_changelist"),
        reverse("admin:articles_revision_changelist"),
        reverse("admin:articles_reviewlog_change", args=[world.translation.review_log.first().pk]),
        reverse("review:detail", kwargs={"translation_id": world.translation.pk}),
    ):
        assert_inert(client.get(url), url, world.marker)


def test_the_review_desk_shows_hostile_comments_and_names_as_text(client, superuser):
    world = hostile_world('"><script>alert(1)</script>', 99)
    client.force_login(world.editor)
    response = client.get(reverse("review:mine"))
    assert_inert(response, "review:mine", world.marker)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.content.decode()


@pytest.mark.parametrize("payload", PAYLOADS, ids=[f"payload{i}" for i in range(len(PAYLOADS))])
def test_hostile_search_and_filter_values_are_reflected_as_text(client, demo_site, payload):
    parameters = dict.fromkeys(FILTER_PARAMETERS, payload)
    for language in ("en", "ar"):
        with translation.override(language):
            urls = [
                reverse("organizations:list"),
                reverse("organizations:events"),
                reverse("search"),
                reverse("home"),
                reverse("organizations:detail", kwargs={"slug": "world-health-organization"}),
            ]
        for url in urls:
            response = client.get(url, parameters)
            # A page number that is not one is a 404, which must be inert too.
            assert_inert(response, f"{url}?{payload}", statuses=(200, 404))


def test_hostile_admin_search_and_filters_are_reflected_as_text(client, demo_site, superuser):
    client.force_login(superuser)
    payload = '"><svg onload=alert(1)><script>alert(1)</script>'
    for model in registered_models():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = client.get(url, {"q": payload, "o": payload, "status": payload})
        assert response.status_code in {200, 302}, url
        if response.status_code == 200:
            assert_inert(response, url)


# Script URLs never get in through the admin --------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
    ],
)
def test_the_admin_refuses_script_urls_for_sources(client, superuser, url):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:organizations_source_add"),
        {"url": url, "title": "A source", "publisher": "", "archive_url": ""},
    )
    assert response.status_code == 200
    assert "Enter a valid URL." in response.content.decode()
    assert not Source.objects.exists()


def test_the_admin_refuses_a_script_url_as_an_instruments_text(client, superuser):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:organizations_instrument_add"),
        {
            "slug": "eo-1",
            "kind": Instrument.Kind.EXECUTIVE_ORDER,
            "number": "1",
            "title": "An order",
            "url": "javascript:alert(1)",
        },
    )
    assert "Enter a valid URL." in response.content.decode()
    assert not Instrument.objects.exists()
