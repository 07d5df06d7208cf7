"""The benchmark data set: a registry and published articles at scale, from a fixed seed.

Everything is drawn from one `random.Random(seed)`, so the same seed and scale
give the same organizations, events, texts and claims on any database (row ids
and creation timestamps aside). Rows are written with `bulk_create` because
this is a fixture, not editorial work, but every invariant the models and the
database constraints state still holds: each published translation has one
revision that is both its latest and its live revision, originals come first
and translations name the original revision they were made from, every claim
is anchored in every language version with a quote that occurs exactly once in
that version's text, and every claim has one piece of evidence pointing at
exactly one registry record. Each translation's audit trail (submitted by the
bench editor, approved by the bench moderator) is written too.

`generate` expects a migrated database that holds no earlier bench data; its
records are recognisable by their `bench-` slugs and keys.
"""

# The Chinese texts use full-width Chinese punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from articles.models import (
    Article,
    ArticleAuthor,
    Author,
    Claim,
    ClaimAnchor,
    Evidence,
    ReviewLog,
    Revision,
    Translation,
)
from organizations.models import (
    Domain,
    Instrument,
    MembershipEvent,
    Organization,
    OrganizationName,
    Source,
    wayback_url,
)
from organizations.registry_io import BUNDLED_REGISTRY, load_registry

Progress = Callable[[str], None]

DEFAULT_SEED = 20260107
BATCH_SIZE = 2000

# What the load test asks for; the generator makes sure each of them exists.
HEAVY_SLUG = "bench-heavy"
SEARCH_TERM = "International"
LIST_KIND = Organization.Kind.SPECIALIZED_AGENCY
EVENTS_INSTRUMENT = "bench-instrument-001"
EDITOR_USERNAME = "bench-editor"
MODERATOR_USERNAME = "bench-moderator"
ARTICLE_LANGUAGES = ("zh-hans", "en", "fr")
ORIGINAL_LANGUAGE = "zh-hans"

LAST_EVENT_DATE = datetime.date(2025, 12, 31)


@dataclass(frozen=True)
class Scale:
    """How many rows of each kind the data set has."""

    organizations: int
    events: int
    heavy_events: int
    instruments: int
    sources: int
    articles: int
    authors: int
    claims_per_article: int = 20


SCALES = {
    "full": Scale(
        organizations=10_000,
        events=100_000,
        heavy_events=5_000,
        instruments=300,
        sources=2_000,
        articles=1_000,
        authors=100,
    ),
    # Ten times full: what the figures become when the newsroom's data grows.
    "tenfold": Scale(
        organizations=100_000,
        events=1_000_000,
        heavy_events=50_000,
        instruments=3_000,
        sources=20_000,
        articles=10_000,
        authors=1_000,
    ),
    "small": Scale(
        organizations=500,
        events=5_000,
        heavy_events=1_000,
        instruments=30,
        sources=100,
        articles=50,
        authors=10,
    ),
}


# Words names are made of. Every English word has one Chinese rendering, and no
# two renderings are equal, so distinct English names give distinct Chinese ones.
PREFIXES = {
    "International": "国际",
    "Intergovernmental": "政府间",
    "Global": "全球",
    "Joint": "联合",
    "Permanent": "常设",
    "Multilateral": "多边",
    "Cooperative": "合作",
    "Regional": "区域",
}
# Random draws of a name before a repeat is numbered instead: 34,560
# combinations of words are far more than the full set's 10,000 names.
NAME_ATTEMPTS = 64
# "International" is a quarter of all names so that the registry search has
# pages of results to show at every scale.
PREFIX_WEIGHTS = (25, 12, 12, 10, 10, 11, 10, 10)
SUBJECTS = {
    "Fisheries": "渔业",
    "Maritime": "海事",
    "Health": "卫生",
    "Climate": "气候",
    "Energy": "能源",
    "Trade": "贸易",
    "Telecommunication": "电信",
    "Meteorological": "气象",
    "Agricultural": "农业",
    "Forestry": "林业",
    "Water": "水资源",
    "Migration": "移民",
    "Labour": "劳工",
    "Education": "教育",
    "Science": "科学",
    "Heritage": "遗产",
    "Railway": "铁路",
    "Postal": "邮政",
    "Customs": "海关",
    "Standards": "标准",
    "Nuclear Safety": "核安全",
    "Desertification": "防治荒漠化",
    "Wetlands": "湿地",
    "Biodiversity": "生物多样性",
    "Refugee": "难民",
    "Development": "发展",
    "Statistics": "统计",
    "Disaster Risk": "减灾",
    "Ocean": "海洋",
    "Space": "空间",
}
BODIES = {
    "Commission": "委员会",
    "Council": "理事会",
    "Organization": "组织",
    "Agency": "机构",
    "Fund": "基金",
    "Programme": "规划署",
    "Institute": "研究所",
    "Forum": "论坛",
    "Partnership": "伙伴关系",
    "Secretariat": "秘书处",
    "Centre": "中心",
    "Union": "联盟",
    "Bank": "银行",
    "Office": "办事处",
    "Board": "委员会理事局",
    "Network": "网络",
}
REGIONS = {
    "": "",
    " for Asia and the Pacific": "亚洲及太平洋",
    " for Africa": "非洲",
    " for Latin America": "拉丁美洲",
    " of the Americas": "美洲",
    " for Europe": "欧洲",
    " for Western Asia": "西亚",
    " of the Indian Ocean": "印度洋",
    " of the Arctic": "北极",
}
REGION_WEIGHTS = (40, 8, 8, 8, 8, 8, 8, 6, 6)
UN_KINDS = {
    Organization.Kind.UN_PRINCIPAL_ORGAN,
    Organization.Kind.SPECIALIZED_AGENCY,
    Organization.Kind.FUND_PROGRAMME,
    Organization.Kind.REGIONAL_COMMISSION,
    Organization.Kind.RESEARCH_INSTITUTE,
    Organization.Kind.OFFICE_MECHANISM,
}
CITIES = (
    "Geneva, Switzerland",
    "New York, United States",
    "Vienna, Austria",
    "Nairobi, Kenya",
    "Paris, France",
    "Rome, Italy",
    "Bangkok, Thailand",
    "Santiago, Chile",
    "Addis Ababa, Ethiopia",
    "Montreal, Canada",
    "Bonn, Germany",
    "Manila, Philippines",
    "",
)
OTHER_COUNTRIES = ("FR", "GB", "CN", "BR", "IN", "ZA", "JP", "CA", "MX", "DE")
PUBLISHERS = (
    "Federal Register",
    "Department of State",
    "United Nations News",
    "Reuters",
    "Associated Press",
    "The White House",
    "Congressional Research Service",
)
SOURCE_PUBLICATIONS = ("联合早报", "澎湃新闻", "端传媒", "财新", "观察者网")
GIVEN_NAMES = ("Lin", "Wei", "Mei", "Jun", "Hua", "Ying", "Chen", "Ping", "Xia", "Lei")
FAMILY_NAMES = ("Zhang", "Wang", "Li", "Zhao", "Liu", "Yang", "Huang", "Zhou", "Wu", "Xu")
AFFILIATIONS = (
    "Institute of International Relations",
    "School of Public Policy",
    "Centre for Global Governance",
    "",
)

M = MembershipEvent.Kind
# While a member, while a withdrawal is pending, and while out.
MEMBER_NEXT = (
    (M.FUNDING_CUT, 3),
    (M.FUNDING_RESTORED, 2),
    (M.REVIEW_ORDERED, 2),
    (M.WITHDRAWAL_ANNOUNCED, 3),
)
PENDING_NEXT = ((M.WITHDRAWAL_EFFECTIVE, 3), (M.WITHDRAWAL_RETRACTED, 1))
OUT_NEXT = ((M.REJOINED, 3), (M.OBSERVER_STATUS, 1), (M.REVIEW_ORDERED, 1))
# Most sources are news reports; about a third are official texts.
SOURCE_KINDS = (
    (Source.Kind.PRIMARY, 3),
    (Source.Kind.SECONDARY, 6),
    (Source.Kind.TERTIARY, 1),
)

VERBS = {
    "en": {
        M.JOINED: "the United States joined",
        M.REJOINED: "the United States rejoined",
        M.WITHDRAWAL_ANNOUNCED: "the United States announced its withdrawal from",
        M.WITHDRAWAL_EFFECTIVE: "the United States' withdrawal took effect from",
        M.WITHDRAWAL_RETRACTED: "the United States retracted its withdrawal from",
        M.FUNDING_CUT: "the United States cut its funding to",
        M.FUNDING_RESTORED: "the United States restored its funding to",
        M.OBSERVER_STATUS: "the United States took observer status at",
        M.REVIEW_ORDERED: "the United States ordered a review of its membership of",
    },
    "fr": {
        M.JOINED: "les États-Unis ont adhéré à l'organisation",
        M.REJOINED: "les États-Unis ont réintégré l'organisation",
        M.WITHDRAWAL_ANNOUNCED: "les États-Unis ont annoncé leur retrait de l'organisation",
        M.WITHDRAWAL_EFFECTIVE: "le retrait des États-Unis a pris effet pour l'organisation",
        M.WITHDRAWAL_RETRACTED: "les États-Unis ont renoncé à quitter l'organisation",
        M.FUNDING_CUT: "les États-Unis ont coupé leur financement à l'organisation",
        M.FUNDING_RESTORED: "les États-Unis ont rétabli leur financement à l'organisation",
        M.OBSERVER_STATUS: "les États-Unis ont pris le statut d'observateur auprès de",
        M.REVIEW_ORDERED: "les États-Unis ont ordonné un réexamen de leur place dans",
    },
    "zh-hans": {
        M.JOINED: "美国加入了",
        M.REJOINED: "美国重新加入了",
        M.WITHDRAWAL_ANNOUNCED: "美国宣布退出",
        M.WITHDRAWAL_EFFECTIVE: "美国正式退出",
        M.WITHDRAWAL_RETRACTED: "美国撤回了退出",
        M.FUNDING_CUT: "美国削减了对其资助的",
        M.FUNDING_RESTORED: "美国恢复了对其资助的",
        M.OBSERVER_STATUS: "美国取得了观察员地位的",
        M.REVIEW_ORDERED: "美国下令重新审查其成员资格的",
    },
}
FRENCH_MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
# Sentences between the claims. None of them names an organization or a date,
# so no claim quote can occur in them.
FILLER = {
    "en": (
        "Multilateral commitments are built over decades and unwound in weeks.",
        "Budgets tell the story more plainly than speeches do.",
        "Allies read each departure as a signal about the next one.",
        "The legal form of an exit matters less than who fills the empty seat.",
        "Rival powers have been quick to offer money and staff.",
        "Small states depend on these bodies more than large ones do.",
        "Treaty secretariats plan years ahead and adjust slowly.",
        "The domestic debate rarely reaches the technical committees.",
        "Observers disagree about how lasting the change will be.",
        "Some of the work simply moves to other forums.",
    ),
    "fr": (
        "Les engagements multilatéraux se construisent en décennies et se défont en semaines.",
        "Les budgets racontent l'histoire plus clairement que les discours.",
        "Les alliés lisent chaque départ comme un signal sur le suivant.",
        "La forme juridique d'un retrait compte moins que le siège laissé vide.",
        "Des puissances rivales ont vite proposé argent et personnel.",
        "Les petits États dépendent davantage de ces instances que les grands.",
        "Les secrétariats des traités planifient loin et s'adaptent lentement.",
        "Le débat intérieur atteint rarement les comités techniques.",
        "Les observateurs divergent sur la durée du changement.",
        "Une partie du travail se déplace simplement vers d'autres enceintes.",
    ),
    "zh-hans": (
        "多边承诺需要几十年建立，却能在几周内瓦解。",
        "预算比演讲更直白地讲述了这个故事。",
        "盟友把每一次退出都看作下一次退出的信号。",
        "退出的法律形式，不如谁来填补空位重要。",
        "竞争对手很快提出提供资金和人员。",
        "小国比大国更依赖这些机构。",
        "条约秘书处着眼长远，调整缓慢。",
        "国内的争论很少传到技术委员会。",
        "观察人士对这一变化能持续多久看法不一。",
        "部分工作只是转移到了其他论坛。",
    ),
}
HEADINGS = {
    "en": ("What changed", "Why it matters", "What comes next"),
    "fr": ("Ce qui a changé", "Pourquoi c'est important", "La suite"),
    "zh-hans": ("发生了什么", "为何重要", "接下来会怎样"),
}
TITLES = {
    "en": "Leaving the table: the {name} and {count} other bodies",
    "fr": "Quitter la table : {name} et {count} autres instances",
    "zh-hans": "离席之后：{name}等{count}个机构",
}
STANDFIRSTS = {
    "en": "A reading of {count} decisions and the records behind them.",
    "fr": "Une lecture de {count} décisions et des actes qui les fondent.",
    "zh-hans": "解读{count}项决定及其背后的记录。",
}


@dataclass
class GenerationReport:
    """Rows `generate` wrote per table, and the seconds elapsed when each table was done."""

    rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass
class _OrganizationDraft:
    organization: Organization
    zh_name: str
    domains: list[Domain]
    events: list[MembershipEvent] = field(default_factory=list)


def _weighted(rng: random.Random, choices: Sequence[tuple], weights: Sequence[int] | None = None):
    if weights is None:
        values = [value for value, _weight in choices]
        weights = [weight for _value, weight in choices]
        return rng.choices(values, weights)[0]
    return rng.choices(choices, weights)[0]


def _acronym(name: str) -> str:
    words = name.replace("-", " ").split()
    return "".join(word[0] for word in words if word[0].isupper())[:12]


def _date_in(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    return first + datetime.timedelta(days=rng.randrange((last - first).days + 1))


def _french_date(day: datetime.date) -> str:
    ordinal = "1er" if day.day == 1 else str(day.day)
    return f"{ordinal} {FRENCH_MONTHS[day.month - 1]} {day.year}"


def _english_date(day: datetime.date) -> str:
    return f"{day.day} {day.strftime('%B')} {day.year}"


def _chinese_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def organization_drafts(
    *, rng: random.Random, scale: Scale, domains: Sequence[Domain]
) -> list[_OrganizationDraft]:
    """Unsaved organizations with unique English and Chinese names; the first is the heavy one."""
    prefixes = list(PREFIXES)
    subjects = list(SUBJECTS)
    bodies = list(BODIES)
    regions = list(REGIONS)
    seen: set[str] = set()
    kinds = list(Organization.Kind)
    drafts = []
    copies: dict[str, int] = {}
    for index in range(scale.organizations):
        for _attempt in range(NAME_ATTEMPTS):
            prefix = _weighted(rng, prefixes, PREFIX_WEIGHTS)
            subject = rng.choice(subjects)
            body = rng.choice(bodies)
            region = _weighted(rng, regions, REGION_WEIGHTS)
            name = f"{prefix} {subject} {body}{region}"
            if name not in seen:
                number = None
                break
        else:
            # More organizations than combinations of words (the tenfold set):
            # the repeats of a name are numbered.
            copies[name] = number = copies.get(name, 1) + 1
            name = f"{name} ({number})"
        seen.add(name)
        zh_name = f"{REGIONS[region]}{PREFIXES[prefix]}{SUBJECTS[subject]}{BODIES[body]}"
        if number is not None:
            zh_name = f"{zh_name}（{number}）"
        kind = rng.choice(kinds)
        un_related = rng.random() < (0.9 if kind in UN_KINDS else 0.15)
        slug = HEAVY_SLUG if index == 0 else f"bench-{slugify(name)}"
        organization = Organization(
            name=name,
            acronym=_acronym(name),
            slug=slug,
            kind=kind,
            un_related=un_related,
            founded=rng.randint(1946, 2015),
            headquarters=rng.choice(CITIES),
            website=f"https://www.example.org/{slug}/",
            wikidata_id=f"Q{rng.randint(1000, 99_999_999)}" if rng.random() < 0.7 else "",
            description=(
                f"The {name} coordinates work on {subject.lower()} among its member states."
            ),
        )
        chosen = rng.sample(domains, k=min(len(domains), 1 + index % 3))
        drafts.append(_OrganizationDraft(organization, zh_name, chosen))
    return drafts


def instrument_drafts(*, rng: random.Random, scale: Scale) -> list[Instrument]:
    """Unsaved instruments, `bench-instrument-001` first."""
    kinds = list(Instrument.Kind)
    instruments = []
    for index in range(1, scale.instruments + 1):
        kind = rng.choice(kinds)
        signed_on = _date_in(rng, datetime.date(2017, 1, 20), LAST_EVENT_DATE)
        subject = rng.choice(list(SUBJECTS))
        number = str(13_800 + index) if kind == Instrument.Kind.EXECUTIVE_ORDER else ""
        instruments.append(
            Instrument(
                slug=f"bench-instrument-{index:03d}",
                kind=kind,
                number=number,
                title=f"Reviewing United States Participation in {subject} Bodies ({index})",
                signed_on=signed_on,
                citation=f"{signed_on.year - 1935} FR {rng.randint(1000, 99_999)}",
                url=f"https://www.federalregister.gov/d/bench-{index:03d}",
                description=f"An act on international {subject.lower()} cooperation.",
            )
        )
    return instruments


def source_drafts(*, rng: random.Random, scale: Scale) -> list[Source]:
    """Unsaved sources."""
    sources = []
    for index in range(1, scale.sources + 1):
        published_on = _date_in(rng, datetime.date(2017, 1, 1), LAST_EVENT_DATE)
        url = f"https://sources.example.org/bench/{index:05d}"
        accessed_on = published_on + datetime.timedelta(days=rng.randint(0, 30))
        sources.append(
            Source(
                url=url,
                title=f"Statement on international cooperation, number {index}",
                kind=_weighted(rng, SOURCE_KINDS),
                publisher=rng.choice(PUBLISHERS),
                published_on=published_on,
                accessed_on=accessed_on,
                archive_url=wayback_url(url, accessed_on) if rng.random() < 0.8 else "",
            )
        )
    return sources


def _event_counts(*, rng: random.Random, scale: Scale) -> list[int]:
    """Events per organization: the heavy one has `heavy_events`, the rest share the remainder."""
    counts = [0] * scale.organizations
    counts[0] = min(scale.heavy_events, scale.events)
    others = scale.organizations - 1
    for _ in range(scale.events - counts[0]):
        counts[1 + rng.randrange(others) if others else 0] += 1
    return counts


def _event_kinds(rng: random.Random, count: int) -> list[str]:
    """A plausible sequence: joined first, then what a member, a leaver and a non-member do."""
    kinds: list[str] = []
    state = "member"
    for position in range(count):
        if position == 0:
            kind = M.JOINED
        elif state == "member":
            kind = _weighted(rng, MEMBER_NEXT)
        elif state == "pending":
            kind = _weighted(rng, PENDING_NEXT)
        else:
            kind = _weighted(rng, OUT_NEXT)
        if kind in (M.JOINED, M.REJOINED, M.WITHDRAWAL_RETRACTED):
            state = "member"
        elif kind == M.WITHDRAWAL_ANNOUNCED:
            state = "pending"
        elif kind == M.WITHDRAWAL_EFFECTIVE:
            state = "out"
        kinds.append(kind)
    return kinds


def event_drafts(
    *,
    rng: random.Random,
    scale: Scale,
    drafts: Sequence[_OrganizationDraft],
    instruments: Sequence[Instrument],
    sources: Sequence[Source],
    moderator,
) -> list[tuple[MembershipEvent, list[Source]]]:
    """Unsaved events in date order per organization, each with the sources it cites.

    Each draft's `events` lists its own. Half the events citing a source are
    verified against their first one.
    """
    verified_at = timezone.make_aware(datetime.datetime(2026, 1, 15, 9, 0))
    events = []
    number = 0
    for draft, count in zip(drafts, _event_counts(rng=rng, scale=scale), strict=True):
        organization = draft.organization
        first = datetime.date(organization.founded, 1, 1)
        span = (LAST_EVENT_DATE - first).days + 1
        offsets = sorted(rng.sample(range(span), k=min(count, span)))
        for offset, kind in zip(offsets, _event_kinds(rng, len(offsets)), strict=True):
            number += 1
            announced_on = first + datetime.timedelta(days=offset)
            effective_on = None
            if kind in (M.JOINED, M.REJOINED, M.WITHDRAWAL_EFFECTIVE):
                effective_on = announced_on
            elif kind == M.WITHDRAWAL_ANNOUNCED and rng.random() < 0.3:
                effective_on = announced_on + datetime.timedelta(days=365)
            cited = rng.sample(sources, k=min(len(sources), rng.choice((0, 1, 1, 2))))
            verified = bool(cited) and rng.random() < 0.5
            event = MembershipEvent(
                key=f"bench-event-{number:06d}",
                organization=organization,
                country="US" if rng.random() < 0.9 else rng.choice(OTHER_COUNTRIES),
                kind=kind,
                announced_on=announced_on,
                effective_on=effective_on,
                instrument=rng.choice(instruments) if rng.random() < 0.6 else None,
                summary=(
                    f"{VERBS['en'][kind].capitalize()} the {organization.name} "
                    f"on {_english_date(announced_on)}."
                ),
                verified_by=moderator if verified else None,
                verified_at=verified_at if verified else None,
                verified_source=cited[0] if verified else None,
            )
            draft.events.append(event)
            events.append((event, cited))
    # The list the load test filters by has events at every scale.
    if instruments and events:
        events[-1][0].instrument = instruments[0]
    return events


@dataclass
class _ClaimDraft:
    number: int
    organization: _OrganizationDraft
    event: MembershipEvent
    quotes: dict[str, str]


def _claim_sentences(draft: _OrganizationDraft, event: MembershipEvent) -> dict[str, str]:
    name = draft.organization.name
    day = event.announced_on
    return {
        "en": f"On {_english_date(day)}, {VERBS['en'][event.kind]} the {name}.",
        "fr": f"Le {_french_date(day)}, {VERBS['fr'][event.kind]} {name}.",
        "zh-hans": f"{_chinese_date(day)}，{VERBS['zh-hans'][event.kind]}{draft.zh_name}。",
    }


def _article_body(
    rng: random.Random, language: str, claims: Sequence[_ClaimDraft]
) -> tuple[str, str]:
    """A Markdown body holding every claim's quote once, and its standfirst."""
    filler = FILLER[language]
    headings = HEADINGS[language]
    separator = "" if language == "zh-hans" else " "
    paragraphs = []
    per_section = -(-len(claims) // len(headings))
    for position, claim in enumerate(claims):
        if position % per_section == 0:
            paragraphs.append(f"## {headings[position // per_section]}")
        before, after = rng.sample(filler, 2)
        paragraphs.append(separator.join((before, claim.quotes[language], after)))
    standfirst = STANDFIRSTS[language].format(count=len(claims))
    return "\n\n".join(paragraphs) + "\n", standfirst


def _check_quotes_occur_once(body: str, claims: Sequence[_ClaimDraft], language: str) -> None:
    for claim in claims:
        occurrences = body.count(claim.quotes[language])
        if occurrences != 1:
            raise RuntimeError(
                f"Claim {claim.number} occurs {occurrences} times in a {language} body."
            )


def _timed(
    report: GenerationReport, progress: Progress | None, started: float, table: str, rows: int
) -> None:
    report.rows[table] = report.rows.get(table, 0) + rows
    report.seconds[table] = time.monotonic() - started
    if progress is not None:
        progress(f"{table}: {rows} rows ({time.monotonic() - started:.1f} s)")


def _bulk(model, rows: Iterable) -> list:
    return model.objects.bulk_create(list(rows), batch_size=BATCH_SIZE)


def _users():
    User = get_user_model()
    editor, _created = User.objects.get_or_create(
        username=EDITOR_USERNAME,
        defaults={"email": "bench-editor@concordance.invalid", "is_staff": True},
    )
    moderator, _created = User.objects.get_or_create(
        username=MODERATOR_USERNAME,
        defaults={"email": "bench-moderator@concordance.invalid", "is_staff": True},
    )
    for user, group in ((editor, "Editors"), (moderator, "Moderators")):
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.groups.add(*Group.objects.filter(name=group))
    return editor, moderator


def generate(
    *,
    scale: Scale,
    seed: int = DEFAULT_SEED,
    load_bundled_registry: bool = True,
    progress: Progress | None = None,
) -> GenerationReport:
    """Write the data set for `scale` from `seed`, all in one transaction.

    With `load_bundled_registry`, the real registry is loaded first (an
    idempotent upsert), so its pages exist beside the generated ones and its
    domains classify the generated organizations.
    """
    if not connection.features.can_return_rows_from_bulk_insert:
        raise RuntimeError("The bench generator needs a database that returns ids from inserts.")
    rng = random.Random(seed)
    report = GenerationReport()
    started = time.monotonic()
    with transaction.atomic():
        if load_bundled_registry:
            load_registry(path=BUNDLED_REGISTRY)
            _timed(report, progress, started, "bundled organizations", Organization.objects.count())
        editor, moderator = _users()
        domains = list(Domain.objects.order_by("slug"))
        drafts = _write_registry(
            rng=rng,
            scale=scale,
            domains=domains,
            moderator=moderator,
            report=report,
            progress=progress,
            started=started,
        )
        _write_articles(
            rng=rng,
            scale=scale,
            drafts=drafts,
            domains=domains,
            editor=editor,
            moderator=moderator,
            report=report,
            progress=progress,
            started=started,
        )
    if progress is not None:
        total = sum(report.rows.values())
        progress(f"done: {total} rows in {time.monotonic() - started:.1f} s")
    return report


def _write_registry(
    *,
    rng: random.Random,
    scale: Scale,
    domains: Sequence[Domain],
    moderator,
    report: GenerationReport,
    progress: Progress | None,
    started: float,
) -> list[_OrganizationDraft]:
    instruments = _bulk(Instrument, instrument_drafts(rng=rng, scale=scale))
    _timed(report, progress, started, "instruments", len(instruments))
    sources = _bulk(Source, source_drafts(rng=rng, scale=scale))
    _timed(report, progress, started, "sources", len(sources))

    drafts = organization_drafts(rng=rng, scale=scale, domains=domains)
    organizations = _bulk(Organization, (draft.organization for draft in drafts))
    _timed(report, progress, started, "organizations", len(organizations))
    # About one in twenty sits under an earlier one (never itself, never a cycle).
    children = []
    for index, organization in enumerate(organizations[1:], start=1):
        if rng.random() < 0.05:
            organization.parent = organizations[rng.randrange(index)]
            children.append(organization)
    Organization.objects.bulk_update(children, ["parent"], batch_size=500)
    _timed(report, progress, started, "organization parents", len(children))

    names = []
    for draft in drafts:
        organization = draft.organization
        names.append(
            OrganizationName(
                organization=organization,
                language="en",
                name=organization.name,
                acronym=organization.acronym,
                is_preferred=True,
            )
        )
        names.append(
            OrganizationName(
                organization=organization,
                language="zh-hans",
                name=draft.zh_name,
                is_preferred=True,
            )
        )
    _timed(report, progress, started, "organization names", len(_bulk(OrganizationName, names)))

    through = Organization.domains.through
    links = [
        through(organization_id=draft.organization.pk, domain_id=domain.pk)
        for draft in drafts
        for domain in draft.domains
    ]
    _timed(report, progress, started, "organization domains", len(_bulk(through, links)))
    if sources:
        through = Organization.sources.through
        links = [
            through(organization_id=organization.pk, source_id=rng.choice(sources).pk)
            for organization in organizations
            if rng.random() < 0.5
        ]
        _timed(report, progress, started, "organization sources", len(_bulk(through, links)))

    cited = event_drafts(
        rng=rng,
        scale=scale,
        drafts=drafts,
        instruments=instruments,
        sources=sources,
        moderator=moderator,
    )
    events = _bulk(MembershipEvent, (event for event, _sources in cited))
    _timed(report, progress, started, "membership events", len(events))
    if sources:
        through = MembershipEvent.sources.through
        links = [
            through(membershipevent_id=event.pk, source_id=source.pk)
            for event, event_sources in cited
            for source in event_sources
        ]
        _timed(report, progress, started, "event sources", len(_bulk(through, links)))
    return drafts


def _write_articles(
    *,
    rng: random.Random,
    scale: Scale,
    drafts: Sequence[_OrganizationDraft],
    domains: Sequence[Domain],
    editor,
    moderator,
    report: GenerationReport,
    progress: Progress | None,
    started: float,
) -> None:
    cited = [draft for draft in drafts if draft.events]
    claims_per_article = min(scale.claims_per_article, len(cited))
    authors = _bulk(
        Author,
        (
            Author(
                name=f"{FAMILY_NAMES[index % 10]} {GIVEN_NAMES[index // 10 % 10]}",
                slug=f"bench-author-{index:03d}",
                affiliation=AFFILIATIONS[index % len(AFFILIATIONS)],
            )
            for index in range(scale.authors)
        ),
    )
    _timed(report, progress, started, "authors", len(authors))

    articles = []
    plans: list[list[_ClaimDraft]] = []
    for index in range(1, scale.articles + 1):
        articles.append(
            Article(
                slug=f"bench-article-{index:04d}",
                original_language=ORIGINAL_LANGUAGE,
                source_publication=rng.choice(SOURCE_PUBLICATIONS),
                source_url=f"https://commentary.example.org/bench/{index:04d}",
                originally_published_on=_date_in(
                    rng, datetime.date(2025, 1, 20), datetime.date(2026, 1, 31)
                ),
            )
        )
        chosen = rng.sample(cited, claims_per_article)
        # One article in twenty cites the heavy organization first.
        if index % 20 == 1 and drafts[0] not in chosen and drafts[0].events:
            chosen[0] = drafts[0]
        claims = []
        for number, draft in enumerate(chosen, start=1):
            event = rng.choice(draft.events)
            claims.append(_ClaimDraft(number, draft, event, _claim_sentences(draft, event)))
        plans.append(claims)
    articles = _bulk(Article, articles)
    _timed(report, progress, started, "articles", len(articles))

    bylines = []
    topics = []
    for article in articles:
        for position, author in enumerate(rng.sample(authors, k=min(len(authors), 2))):
            bylines.append(ArticleAuthor(article=article, author=author, position=position))
        for domain in rng.sample(list(domains), k=min(len(domains), 2)):
            topics.append(Article.topics.through(article_id=article.pk, domain_id=domain.pk))
    _timed(report, progress, started, "bylines", len(_bulk(ArticleAuthor, bylines)))
    _timed(report, progress, started, "article topics", len(_bulk(Article.topics.through, topics)))

    # Drafts first: a published translation must already have its live revision.
    translations = _bulk(
        Translation,
        (
            Translation(
                article=article,
                language=language,
                is_original=language == ORIGINAL_LANGUAGE,
            )
            for article in articles
            for language in ARTICLE_LANGUAGES
        ),
    )
    _timed(report, progress, started, "translations", len(translations))
    by_article = {}
    for translation in translations:
        by_article.setdefault(translation.article_id, {})[translation.language] = translation

    originals = []
    copies = []
    for article, claims in zip(articles, plans, strict=True):
        versions = by_article[article.pk]
        lead = claims[0].organization if claims else None
        for language in ARTICLE_LANGUAGES:
            if lead is None:
                lead_name = article.slug
            else:
                lead_name = lead.zh_name if language == "zh-hans" else lead.organization.name
            body, standfirst = _article_body(rng, language, claims)
            _check_quotes_occur_once(body, claims, language)
            revision = Revision(
                translation=versions[language],
                number=1,
                title=TITLES[language].format(name=lead_name, count=max(len(claims) - 1, 0)),
                standfirst=standfirst,
                body=body,
                created_by=editor,
            )
            (originals if language == ORIGINAL_LANGUAGE else copies).append(revision)
    originals = _bulk(Revision, originals)
    original_by_article = {revision.translation.article_id: revision for revision in originals}
    for revision in copies:
        revision.source_revision = original_by_article[revision.translation.article_id]
    copies = _bulk(Revision, copies)
    _timed(report, progress, started, "revisions", len(originals) + len(copies))

    published = []
    log = []
    for revision in [*originals, *copies]:
        translation = revision.translation
        day = translation.article.originally_published_on + datetime.timedelta(
            days=rng.randint(1, 5)
        )
        published_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(8)))
        translation.status = Translation.Status.PUBLISHED
        translation.latest_revision = revision
        translation.live_revision = revision
        translation.submitted_by = editor
        translation.submitted_at = published_at - datetime.timedelta(hours=2)
        translation.first_published_at = published_at
        published.append(translation)
        for action, actor, from_status, to_status in (
            (ReviewLog.Action.SUBMIT, editor, "draft", "in_review"),
            (ReviewLog.Action.APPROVE, moderator, "in_review", "published"),
        ):
            log.append(
                ReviewLog(
                    translation=translation,
                    revision=revision,
                    actor=actor,
                    from_status=from_status,
                    to_status=to_status,
                    action=action,
                )
            )
    Translation.objects.bulk_update(
        published,
        [
            "status",
            "latest_revision",
            "live_revision",
            "submitted_by",
            "submitted_at",
            "first_published_at",
        ],
        batch_size=500,
    )
    _timed(report, progress, started, "published translations", len(published))
    _timed(report, progress, started, "review log", len(_bulk(ReviewLog, log)))

    _write_claims(
        rng=rng,
        articles=articles,
        plans=plans,
        by_article=by_article,
        report=report,
        progress=progress,
        started=started,
    )


def _write_claims(
    *,
    rng: random.Random,
    articles: Sequence[Article],
    plans: Sequence[Sequence[_ClaimDraft]],
    by_article: dict[int, dict[str, Translation]],
    report: GenerationReport,
    progress: Progress | None,
    started: float,
) -> None:
    verdicts = (
        (Claim.Verdict.SUPPORTED, 12),
        (Claim.Verdict.PARTLY_SUPPORTED, 3),
        (Claim.Verdict.CONTRADICTED, 1),
        (Claim.Verdict.UNVERIFIED, 3),
        (Claim.Verdict.NOT_IN_REGISTRY, 1),
    )
    claims = []
    for article, drafts in zip(articles, plans, strict=True):
        for draft in drafts:
            claim = Claim(
                article=article,
                number=draft.number,
                statement=draft.quotes["en"],
                kind=Claim.Kind.FACT if draft.number % 4 else Claim.Kind.FIGURE,
                verdict=_weighted(rng, verdicts),
            )
            claim._bench_draft = draft
            claims.append(claim)
    claims = _bulk(Claim, claims)
    _timed(report, progress, started, "claims", len(claims))

    anchors = []
    evidence = []
    for claim in claims:
        draft = claim._bench_draft
        for language, translation in by_article[claim.article_id].items():
            anchors.append(
                ClaimAnchor(claim=claim, translation=translation, quote=draft.quotes[language])
            )
        # A mix of the three kinds of registry record.
        target = draft.number % 3
        if target == 0:
            record = {"organization": draft.organization.organization}
        elif target == 1 or draft.event.instrument is None:
            record = {"event": draft.event}
        else:
            record = {"instrument": draft.event.instrument}
        relation = (
            Evidence.Relation.CONTRADICTS
            if claim.verdict == Claim.Verdict.CONTRADICTED
            else Evidence.Relation.SUPPORTS
        )
        evidence.append(Evidence(claim=claim, relation=relation, **record))
    _timed(report, progress, started, "claim anchors", len(_bulk(ClaimAnchor, anchors)))
    _timed(report, progress, started, "evidence", len(_bulk(Evidence, evidence)))
