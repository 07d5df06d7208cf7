"""The public registry pages: the list, an organization, the events and an instrument."""

import csv
import datetime
import io
import json
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from organizations.models import MembershipEvent, Organization, Source
from organizations.services import membership_event_verify
from tests.factories import (
    DomainFactory,
    InstrumentFactory,
    MembershipEventFactory,
    OrganizationFactory,
    OrganizationNameFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date
AT = datetime.datetime(2026, 1, 31, 12, tzinfo=datetime.UTC)
ANNOUNCED = MembershipEvent.Kind.WITHDRAWAL_ANNOUNCED
RETRACTED = MembershipEvent.Kind.WITHDRAWAL_RETRACTED


def url(name: str, language: str = "en", **kwargs) -> str:
    with translation.override(language):
        return reverse(f"organizations:{name}", kwargs=kwargs or None)


def slugs_in(response) -> list[str]:
    """Organization slugs linked from the rows of a list table, in order."""
    rows = re.findall(r'<th scope="row"><a href="/\w+(?:-\w+)?/registry/([-\w]+)/', response.text)
    return rows


def make_who(**kwargs) -> Organization:
    """A WHO-like history: announced 2020, retracted 2021, announced again, effective 2026."""
    who = OrganizationFactory(
        name="World Health Organization",
        acronym="WHO",
        slug="who",
        kind=Organization.Kind.SPECIALIZED_AGENCY,
        un_related=True,
        **kwargs,
    )
    OrganizationNameFactory(
        organization=who, language="zh-hans", name="世界卫生组织", acronym="世卫组织"
    )
    OrganizationNameFactory(
        organization=who, language="ar", name="منظمة الصحة العالمية", is_preferred=True
    )
    MembershipEventFactory(
        organization=who, key="who-2020", kind=ANNOUNCED, announced_on=D(2020, 7, 6)
    )
    MembershipEventFactory(
        organization=who,
        key="who-2021",
        kind=RETRACTED,
        announced_on=D(2021, 1, 20),
        effective_on=D(2021, 1, 20),
    )
    MembershipEventFactory(
        organization=who,
        key="who-2025",
        kind=ANNOUNCED,
        announced_on=D(2025, 1, 20),
        effective_on=D(2026, 1, 22),
        instrument=InstrumentFactory(slug="eo-14155", number="14155"),
    )
    return who


# The registry list


def test_registry_list_shows_count_names_and_status_badges(client):
    make_who()
    OrganizationFactory(name="Colombo Plan", slug="colombo-plan")
    response = client.get(url("list"))
    assert response.status_code == 200
    assert "2 organizations" in response.text
    assert '<span class="status status-withdrawn">Withdrawn</span>' in response.text
    assert '<span class="status status-never_member">Never a member</span>' in response.text
    assert slugs_in(response) == ["colombo-plan", "who"]


def test_registry_list_shows_names_in_the_readers_language(client):
    make_who()
    response = client.get(url("list", "zh-hans"))
    assert "世界卫生组织" in response.text
    assert "World Health Organization</a>" not in response.text


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "specialized_agency"}, ["who"]),
        ({"kind": "treaty"}, ["paris"]),
        ({"un_related": "true"}, ["paris", "who"]),
        ({"un_related": "false"}, ["venice"]),
        ({"domain": "health"}, ["who"]),
        ({"domain": "climate"}, ["paris"]),
        ({"instrument": "eo-14155"}, ["who"]),
        ({"announced_after": "2025-01-01"}, ["paris", "who"]),
        ({"announced_before": "2020-12-31"}, ["venice", "who"]),
        ({"announced_after": "2020-01-01", "announced_before": "2020-12-31"}, ["who"]),
        ({"q": "WHO"}, ["who"]),
        ({"q": "世界卫生组织"}, ["who"]),
        ({"q": "commission"}, ["venice"]),
    ],
)
def test_registry_list_filters_narrow_the_list(client, params, expected):
    who = make_who()
    who.domains.add(DomainFactory(slug="health", name="Health"))
    paris = OrganizationFactory(
        name="Paris Agreement", slug="paris", kind=Organization.Kind.TREATY, un_related=True
    )
    paris.domains.add(DomainFactory(slug="climate", name="Climate"))
    MembershipEventFactory(organization=paris, announced_on=D(2025, 1, 20))
    venice = OrganizationFactory(name="Venice Commission", slug="venice")
    MembershipEventFactory(organization=venice, announced_on=D(2019, 5, 1))
    response = client.get(url("list"), params)
    assert response.status_code == 200
    assert slugs_in(response) == expected


def test_search_matches_a_chinese_alias_and_an_acronym_in_any_language(client):
    make_who()
    OrganizationFactory(name="World Meteorological Organization", acronym="WMO", slug="wmo")
    assert slugs_in(client.get(url("list"), {"q": "世界卫生组织"})) == ["who"]
    assert slugs_in(client.get(url("list"), {"q": "世卫组织"})) == ["who"]
    assert slugs_in(client.get(url("list"), {"q": "who"})) == ["who"]
    assert slugs_in(client.get(url("list", "zh-hans"), {"q": "WMO"})) == ["wmo"]


def test_event_date_range_applies_to_one_event_and_does_not_repeat_rows(client):
    who = make_who()
    MembershipEventFactory(organization=who, announced_on=D(2025, 2, 1))
    response = client.get(
        url("list"), {"announced_after": "2021-01-01", "announced_before": "2021-12-31"}
    )
    assert slugs_in(response) == ["who"]
    assert "1 organization" in response.text
    # 2020 and 2025 events exist, but none between them other than the 2021 retraction.
    response = client.get(
        url("list"), {"announced_after": "2022-01-01", "announced_before": "2024-12-31"}
    )
    assert slugs_in(response) == []


@time_machine.travel(datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC))
def test_status_filter_uses_todays_derived_status(client):
    make_who()
    OrganizationFactory(name="Bystander", slug="bystander")
    assert slugs_in(client.get(url("list"), {"status": "withdrawal_pending"})) == ["who"]
    assert slugs_in(client.get(url("list"), {"status": "withdrawn"})) == []
    assert slugs_in(client.get(url("list"), {"status": "never_member"})) == ["bystander"]
    with time_machine.travel(datetime.datetime(2026, 2, 1, 12, tzinfo=datetime.UTC)):
        assert slugs_in(client.get(url("list"), {"status": "withdrawn"})) == ["who"]


def test_registry_list_sorts_by_chosen_column(client):
    OrganizationFactory(name="Alpha", acronym="ZZ", slug="alpha", founded=1990)
    OrganizationFactory(name="Beta", acronym="AA", slug="beta", founded=1950)
    OrganizationFactory(name="Gamma", acronym="MM", slug="gamma", founded=None)
    assert slugs_in(client.get(url("list"), {"sort": "-name"})) == ["gamma", "beta", "alpha"]
    assert slugs_in(client.get(url("list"), {"sort": "acronym"})) == ["beta", "gamma", "alpha"]
    assert slugs_in(client.get(url("list"), {"sort": "founded"})) == ["beta", "alpha", "gamma"]
    assert slugs_in(client.get(url("list"), {"sort": "-founded"})) == ["alpha", "beta", "gamma"]


def test_sort_header_marks_the_current_order_and_keeps_filters(client):
    OrganizationFactory(un_related=True)
    response = client.get(url("list"), {"un_related": "true", "sort": "-name"})
    assert '<th scope="col" aria-sort="descending"><a href="?un_related=true&amp;sort=name">' in (
        response.text
    )


def test_pagination_shows_fifty_and_keeps_filters_in_links(client):
    for index in range(55):
        OrganizationFactory(name=f"Body {index:02d}", slug=f"body-{index:02d}", un_related=True)
    OrganizationFactory(name="Outsider", un_related=False)
    response = client.get(url("list"), {"un_related": "true"})
    assert "55 organizations" in response.text
    assert len(slugs_in(response)) == 50
    assert 'href="?un_related=true&amp;page=2"' in response.text
    assert 'href="?un_related=true&amp;page=1" aria-current="page"' in response.text
    second = client.get(url("list"), {"un_related": "true", "page": 2})
    assert slugs_in(second) == [f"body-{index:02d}" for index in range(50, 55)]
    assert 'href="?un_related=true&amp;page=2" aria-current="page"' in second.text


@pytest.mark.parametrize("page", ["2", "0", "-1", "99999999999999999999999", "abc", "1.5"])
def test_registry_list_page_that_does_not_exist_is_404(client, page):
    OrganizationFactory()
    assert client.get(url("list"), {"page": page}).status_code == 404


def test_registry_list_first_page_of_an_empty_result_is_found(client):
    response = client.get(url("list"), {"q": "nothing like this", "page": 1})
    assert response.status_code == 200
    assert "0 organizations" in response.text


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"un_related": "maybe"}, "un_related"),
        ({"kind": "empire"}, "kind"),
        ({"status": "annexed"}, "status"),
        ({"domain": "nowhere"}, "domain"),
        ({"instrument": "eo-0"}, "instrument"),
        ({"announced_after": "2025-13-45"}, "announced_after"),
        ({"announced_before": "yesterday"}, "announced_before"),
        ({"sort": "password"}, "sort"),
    ],
)
def test_invalid_filter_shows_its_error_and_leaves_that_filter_out(client, params, field):
    make_who()
    OrganizationFactory(name="Colombo Plan", slug="colombo-plan", un_related=False)
    OrganizationFactory(name="Alpine Convention", slug="alpine", un_related=True)
    # A valid filter next to the invalid one still applies.
    valid = {"q": "o"} if field == "un_related" else {"un_related": "true"}
    response = client.get(url("list"), {**valid, **params})
    assert response.status_code == 200
    assert f'id="id_{field}_error"' in response.text
    assert 'aria-invalid="true"' in response.text
    if field == "un_related":
        assert slugs_in(response) == ["alpine", "colombo-plan", "who"]
    else:
        assert slugs_in(response) == ["alpine", "who"]


def test_markup_and_sql_in_the_search_are_escaped_and_shown_back(client):
    make_who()
    for query in ['<script>alert("x")</script>', "' OR 1=1 --", "%", "_"]:
        response = client.get(url("list"), {"q": query})
        assert response.status_code == 200
        assert slugs_in(response) == []
    response = client.get(url("list"), {"q": '<script>alert("x")</script>'})
    assert "<script>alert" not in response.text
    assert 'value="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"' in response.text


def test_very_long_search_is_reported_not_crashed(client):
    response = client.get(url("list"), {"q": "x" * 5000})
    assert response.status_code == 200
    assert 'id="id_q_error"' in response.text


def test_instrument_filter_links_to_the_instrument_page(client):
    make_who()
    response = client.get(url("list"), {"instrument": "eo-14155"})
    assert f'href="{url("instrument", slug="eo-14155")}"' in response.text


def test_filter_form_works_without_javascript_and_labels_every_field(client):
    response = client.get(url("list"))
    assert '<form method="get" action="/en/registry/"' in response.text
    for name in ("q", "kind", "un_related", "domain", "status", "instrument", "sort"):
        assert f'<label for="id_{name}">' in response.text
    assert "<script" not in response.text
    assert response.text.count("<h1") == 1


# Downloads


def read_csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_csv_download_has_the_columns_and_the_whole_filtered_list(client):
    for index in range(60):
        OrganizationFactory(name=f"Body {index:02d}", slug=f"body-{index:02d}", un_related=True)
    OrganizationFactory(name="Outsider", slug="outsider", un_related=False)
    response = client.get(url("list"), {"un_related": "true", "format": "csv", "page": 1})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    header = response.content.decode().splitlines()[0]
    assert header == (
        "slug,name,acronym,kind,un_related,status,parent,domains,wikidata_id,url,relation"
    )
    rows = read_csv(response)
    assert len(rows) == 60
    assert "outsider" not in {row["slug"] for row in rows}
    assert {row["un_related"] for row in rows} == {"true"}


def test_csv_download_writes_parent_domains_status_and_link(client):
    parent = OrganizationFactory(name="Council of Europe", slug="coe")
    who = make_who(parent=parent, wikidata_id="Q7817")
    who.domains.add(DomainFactory(slug="health"), DomainFactory(slug="science"))
    rows = {row["slug"]: row for row in read_csv(client.get(url("list"), {"format": "csv"}))}
    row = rows["who"]
    assert row["parent"] == "coe"
    assert row["domains"] == "health;science"
    assert row["wikidata_id"] == "Q7817"
    assert row["status"] in {"withdrawn", "withdrawal_pending", "member"}
    assert row["url"] == "http://testserver/en/registry/who/"


def test_csv_download_neutralises_spreadsheet_formulas(client):
    OrganizationFactory(name='=HYPERLINK("http://evil")', acronym="+SUM(A1)", slug="evil-1")
    OrganizationFactory(name="@cmd", acronym="-1+2", slug="evil-2")
    OrganizationFactory(name="\tTabbed", acronym="\rCR", slug="evil-3")
    OrganizationFactory(name="Plain = fine", acronym="OK", slug="plain")
    rows = {row["slug"]: row for row in read_csv(client.get(url("list"), {"format": "csv"}))}
    assert rows["evil-1"]["name"] == '\'=HYPERLINK("http://evil")'
    assert rows["evil-1"]["acronym"] == "'+SUM(A1)"
    assert rows["evil-2"]["name"] == "'@cmd"
    assert rows["evil-2"]["acronym"] == "'-1+2"
    assert rows["evil-3"]["name"] == "'\tTabbed"
    assert rows["evil-3"]["acronym"] == "'\rCR"
    assert rows["plain"]["name"] == "Plain = fine"


def test_json_download_respects_filters(client):
    who = make_who()
    who.domains.add(DomainFactory(slug="health"))
    OrganizationFactory(slug="other", kind=Organization.Kind.TREATY)
    response = client.get(url("list"), {"kind": "specialized_agency", "format": "json"})
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert data["count"] == 1
    (row,) = data["results"]
    assert list(row) == [
        "slug",
        "name",
        "acronym",
        "kind",
        "un_related",
        "status",
        "parent",
        "domains",
        "wikidata_id",
        "url",
        "relation",
    ]
    assert row["slug"] == "who"
    assert row["relation"] == "member_state"
    assert row["un_related"] is True
    assert row["domains"] == ["health"]
    assert row["parent"] is None


def test_download_with_an_invalid_filter_leaves_that_filter_out(client):
    OrganizationFactory(slug="one")
    response = client.get(url("list"), {"un_related": "maybe", "format": "csv"})
    assert response.status_code == 200
    assert [row["slug"] for row in read_csv(response)] == ["one"]


# An organization page


@pytest.mark.parametrize(
    ("on", "status"),
    [
        ("2019-01-01", "member"),
        ("2020-08-01", "withdrawal_pending"),
        ("2022-01-01", "member"),
        ("2025-06-01", "withdrawal_pending"),
        ("2026-01-21", "withdrawal_pending"),
        ("2026-01-22", "withdrawn"),
        ("2026-06-01", "withdrawn"),
    ],
)
def test_organization_page_shows_the_status_on_a_chosen_date(client, on, status):
    make_who()
    response = client.get(url("detail", slug="who"), {"on": on})
    assert f'data-us-status="{status}"' in response.text
    assert f'data-status-on="{on}"' in response.text


@time_machine.travel(datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC))
def test_organization_page_shows_todays_status_by_default(client):
    make_who()
    response = client.get(url("detail", slug="who"))
    assert 'data-us-status="withdrawal_pending"' in response.text
    assert ">Withdrawal pending</strong>" in response.text
    assert "Status today" in response.text


@pytest.mark.parametrize("on", ["2025-02-30", "tomorrow", "20250601", "9999-99-99", "<b>"])
def test_malformed_status_date_shows_the_error_and_falls_back_to_today(client, on):
    make_who()
    response = client.get(url("detail", slug="who"), {"on": on})
    assert response.status_code == 200
    assert 'id="id_on_error"' in response.text
    assert f'data-status-on="{timezone.localdate().isoformat()}"' in response.text


def test_organization_page_lists_names_readers_language_first(client):
    make_who()
    response = client.get(url("detail", "zh-hans", slug="who"))
    text = response.text
    assert "<h1><bdi>世界卫生组织</bdi>" in text
    names = text[text.index('<ul class="names">') : text.index("</ul>", text.index('"names"'))]
    assert names.index("世界卫生组织") < names.index("World Health Organization")
    assert names.index("World Health Organization") < names.index("منظمة الصحة العالمية")
    assert '<li lang="en"><bdi>World Health Organization (WHO)</bdi>' in names
    assert '<li lang="ar"><bdi>منظمة الصحة العالمية</bdi>' in names
    assert "<li><bdi>世界卫生组织 (世卫组织)</bdi>" in names


def test_organization_page_heading_in_english_is_marked_as_english(client):
    OrganizationFactory(name="Colombo Plan", slug="colombo-plan")
    response = client.get(url("detail", "zh-hans", slug="colombo-plan"))
    assert '<h1><bdi lang="en">Colombo Plan</bdi>' in response.text


def test_organization_page_shows_facts_parent_children_and_sources(client):
    parent = OrganizationFactory(name="Council of Europe", slug="coe")
    OrganizationNameFactory(organization=parent, language="zh-hans", name="欧洲委员会")
    venice = OrganizationFactory(
        name="Venice Commission",
        slug="venice",
        parent=parent,
        founded=1990,
        headquarters="Venice",
        website="https://www.venice.coe.int/",
        wikidata_id="Q1386098",
        description="Advises on constitutional law.",
    )
    venice.domains.add(DomainFactory(slug="law", name="Law"))
    venice.sources.add(
        SourceFactory(
            title="About the Commission",
            publisher="Council of Europe",
            published_on=D(2024, 3, 1),
            archive_url="https://web.archive.org/x",
        )
    )
    response = client.get(url("detail", slug="venice"))
    text = response.text
    for fragment in (
        "1990",
        "Venice",
        'href="https://www.venice.coe.int/"',
        'href="https://www.wikidata.org/wiki/Q1386098"',
        "Advises on constitutional law.",
        'href="/en/registry/coe/">Council of Europe</a>',
        "Law",
        "About the Commission",
        'href="https://web.archive.org/x"',
        '<time datetime="2024-03-01">',
    ):
        assert fragment in text, fragment
    parent_page = client.get(url("detail", "zh-hans", slug="coe"))
    assert 'href="/zh-hans/registry/venice/">Venice Commission</a>' in parent_page.text
    child_page = client.get(url("detail", "zh-hans", slug="venice"))
    assert 'href="/zh-hans/registry/coe/">欧洲委员会</a>' in child_page.text


def test_organization_page_draws_an_accessible_timeline(client):
    make_who()
    response = client.get(url("detail", slug="who"), {"on": "2026-02-01"})
    text = response.text
    svg = text[text.index("<svg") : text.index("</svg>")]
    assert 'role="img"' in svg
    assert '<title id="timeline-title">' in svg
    assert "Withdrawn from Jan. 22, 2026 onwards." in svg
    assert 'fill="url(#tl-pattern-withdrawn)"' in svg
    assert ">Withdrawn</text>" in svg
    assert 'class="legend"' in text
    assert 'class="timeline-marker"' in svg


def test_timeline_numbers_are_not_localised(client):
    make_who()
    response = client.get(url("detail", "fr", slug="who"))
    svg = response.text[response.text.index("<svg") : response.text.index("</svg>")]
    assert not re.search(r'(x|width)="\d+,\d+"', svg)


def test_organization_page_lists_events_with_dates_instrument_and_sources(client, moderator):
    who = make_who()
    event = who.events.get(key="who-2025")
    event.summary = "Executive order directs withdrawal."
    official = SourceFactory(
        title="Executive Order 14155",
        kind=Source.Kind.PRIMARY,
        accessed_on=D(2026, 1, 31),
        archive_url="https://web.archive.org/web/20260131/https://example.org/eo-14155",
    )
    event.sources.add(SourceFactory(title="Federal Register"), official)
    event.save()
    membership_event_verify(event=event, source=official, by=moderator, at=AT)
    response = client.get(url("detail", slug="who"))
    text = response.text
    row = text[text.index(f'id="event-{event.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "Withdrawal announced" in row
    assert '<time datetime="2025-01-20">' in row
    assert '<time datetime="2026-01-22">' in row
    assert 'href="/en/registry/instruments/eo-14155/"' in row
    assert "Executive order directs withdrawal." in row
    assert "Federal Register" in row
    # Official texts first, each source labelled by kind, with its archived copy.
    assert row.index("Executive Order 14155") < row.index("Federal Register")
    assert '<span class="source-kind source-kind-primary">Official text</span>' in row
    assert '<span class="source-kind source-kind-secondary">News report</span>' in row
    assert 'href="https://web.archive.org/web/20260131/https://example.org/eo-14155"' in row
    assert 'class="verified-mark"' in row
    assert "Verified against Executive Order 14155, Jan. 31, 2026" in row


def test_verified_mark_needs_a_source_the_event_still_cites(client, moderator):
    who = make_who()
    dropped = who.events.get(key="who-2020")
    source = SourceFactory()
    dropped.sources.add(source)
    membership_event_verify(event=dropped, source=source, by=moderator)
    # Written around the services, which would withdraw the verification.
    dropped.sources.clear()
    dropped.sources.add(SourceFactory())
    sourced_unverified = who.events.get(key="who-2021")
    sourced_unverified.sources.add(SourceFactory())
    response = client.get(url("detail", slug="who"))
    assert 'class="verified-mark"' not in response.text
    assert "Not verified" in response.text


def test_year_only_dates_show_just_the_year(client):
    org = OrganizationFactory(slug="old")
    MembershipEventFactory(
        organization=org,
        kind=MembershipEvent.Kind.JOINED,
        announced_on=None,
        effective_on=D(1945, 1, 1),
        date_precision=MembershipEvent.Precision.YEAR,
    )
    response = client.get(url("detail", slug="old"))
    assert '<time datetime="1945">1945</time>' in response.text
    assert "Jan. 1, 1945" not in response.text
    assert "Member from 1945 onwards." in response.text


def test_organization_page_leaves_a_cited_in_block_at_the_end_of_its_content(client):
    from django.template import engines

    make_who()
    template = engines["django"].from_string(
        '{% extends "organizations/organization_detail.html" %}'
        '{% block cited_in %}<section id="cited-in">Cited</section>{% endblock %}'
    )
    response = client.get(url("detail", slug="who"))
    html = template.render(response.context_data, response.wsgi_request)
    assert '<section id="cited-in">Cited</section>' in html
    assert html.index('id="cited-in"') > html.index('id="events-heading"')


def test_unknown_organization_is_404(client):
    assert client.get(url("detail", slug="atlantis")).status_code == 404


# Events and instruments


def test_event_list_is_newest_first_with_organization_and_instrument(client):
    make_who()
    response = client.get(url("events"))
    assert response.status_code == 200
    text = response.text
    assert "3 events" in text
    assert text.index("2025-01-20") < text.index("2021-01-20") < text.index("2020-07-06")
    assert 'href="/en/registry/instruments/eo-14155/"' in text
    assert 'href="/en/registry/who/#event-' in text


@pytest.mark.parametrize(
    ("params", "count"),
    [
        ({"kind": "withdrawal_retracted"}, 1),
        ({"instrument": "eo-14155"}, 1),
        ({"organization": "who"}, 3),
        ({"organization": "paris"}, 1),
        ({"country": "us"}, 4),
        ({"country": "FR"}, 0),
        ({"un_related": "true"}, 3),
        ({"un_related": "false"}, 1),
        ({"announced_after": "2021-01-01"}, 3),
        ({"announced_before": "2021-01-20"}, 2),
        ({"q": "世界卫生组织"}, 3),
        ({"q": "PARIS"}, 1),
    ],
)
def test_event_list_filters_narrow_the_list(client, params, count):
    make_who()
    paris = OrganizationFactory(name="Paris Agreement", slug="paris", un_related=False)
    MembershipEventFactory(organization=paris, announced_on=D(2025, 1, 27))
    response = client.get(url("events"), params)
    assert response.status_code == 200
    assert f'data-count="{count}"' in response.text


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "invaded"},
        {"country": "USA"},
        {"country": "<x"},
        {"organization": "who/../../"},
        {"announced_after": "2025-02-30"},
        {"un_related": "maybe"},
        {"instrument": "nope"},
    ],
)
def test_event_list_bad_filters_never_fail(client, params):
    make_who()
    response = client.get(url("events"), params)
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.text
    assert 'data-count="3"' in response.text


@pytest.mark.parametrize("page", ["2", "-3", "x"])
def test_event_list_page_that_does_not_exist_is_404(client, page):
    make_who()
    assert client.get(url("events"), {"page": page}).status_code == 404


def test_instrument_page_counts_organizations_by_un_relatedness(client):
    memo = InstrumentFactory(
        slug="memo-2026-01-07",
        kind="presidential_memorandum",
        number="",
        title="Withdrawing the United States from International Organizations",
        citation="91 FR 1234",
        url="https://www.federalregister.gov/x",
        description="Lists 66 organizations.",
        signed_on=D(2026, 1, 7),
    )
    for index in range(3):
        org = OrganizationFactory(un_related=True, slug=f"un-{index}")
        MembershipEventFactory(organization=org, instrument=memo, announced_on=D(2026, 1, 7))
    for index in range(2):
        org = OrganizationFactory(un_related=False, slug=f"non-un-{index}")
        MembershipEventFactory(organization=org, instrument=memo, announced_on=D(2026, 1, 7))
        MembershipEventFactory(
            organization=org,
            instrument=memo,
            kind=MembershipEvent.Kind.FUNDING_CUT,
            announced_on=D(2026, 1, 8),
        )
    OrganizationFactory(slug="not-named")
    response = client.get(url("instrument", slug="memo-2026-01-07"))
    text = response.text
    assert 'data-organization-count="5" data-un-count="3" data-non-un-count="2"' in text
    assert "5 organizations: 3 UN-related, 2 not" in text
    for fragment in ("91 FR 1234", "https://www.federalregister.gov/x", "Lists 66 organizations."):
        assert fragment in text
    assert sorted(slugs_in(response)) == ["non-un-0", "non-un-1", "un-0", "un-1", "un-2"]
    assert "not-named" not in text
    assert text.count("Funding cut") == 2


def test_unknown_instrument_is_404(client):
    assert client.get(url("instrument", slug="eo-0")).status_code == 404


# Languages


@pytest.mark.parametrize(("language", "direction"), [("zh-hans", "ltr"), ("ar", "rtl")])
def test_registry_pages_render_under_other_language_prefixes(client, language, direction):
    make_who()
    for name, kwargs in (
        ("list", {}),
        ("detail", {"slug": "who"}),
        ("events", {}),
        ("instrument", {"slug": "eo-14155"}),
    ):
        response = client.get(url(name, language, **kwargs))
        assert response.status_code == 200, name
        assert f'<html lang="{language}" dir="{direction}">' in response.text


def test_arabic_pages_show_arabic_names(client):
    make_who()
    response = client.get(url("detail", "ar", slug="who"))
    assert "<h1><bdi>منظمة الصحة العالمية</bdi>" in response.text


def test_language_switcher_links_keep_the_filters(client):
    response = client.get(url("list"), {"kind": "treaty"})
    assert 'href="/zh-hans/registry/?kind=treaty"' in response.text


def test_unknown_download_format_shows_the_page(client):
    OrganizationFactory(slug="one")
    response = client.get(url("list"), {"format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert slugs_in(response) == ["one"]


def test_event_list_says_which_source_verified_each_event(client, moderator):
    who = make_who()
    event = who.events.get(key="who-2025")
    official = SourceFactory(title="Executive Order 14155", kind=Source.Kind.PRIMARY)
    event.sources.add(official)
    membership_event_verify(event=event, source=official, by=moderator, at=AT)
    response = client.get(url("events"))
    text = response.text
    assert text.count('class="verified-mark"') == 1
    assert "Verified against Executive Order 14155, Jan. 31, 2026" in text


def test_registry_list_shows_and_filters_the_relation(client):
    OrganizationFactory(slug="desa", relation=Organization.Relation.PARTICIPANT)
    OrganizationFactory(slug="who", relation=Organization.Relation.MEMBER_STATE)
    response = client.get(url("list"), {"relation": "participant"})
    assert [o.slug for o in response.context["organizations"]] == ["desa"]
    assert "<td>Participant</td>" in response.text
    assert 'name="relation"' in response.text


def test_organization_page_says_what_the_united_states_is_to_it(client):
    desa = OrganizationFactory(slug="desa", relation=Organization.Relation.PARTICIPANT)
    MembershipEventFactory(
        organization=desa, kind=MembershipEvent.Kind.PARTICIPATION_ENDED, announced_on=D(2026, 1, 7)
    )
    text = client.get(url("detail", slug="desa")).text
    assert 'data-us-relation="participant">Participant</strong>' in text
    assert 'data-status="participant"' in text and 'data-status="participation_ended"' in text
    assert 'id="tl-pattern-participation_ended"' in text
    assert 'id="tl-pattern-withdrawn"' not in text
