"""The demo article that `manage.py seed_demo` publishes.

Written for Concordance: a short commentary in Chinese with its English
translation, whose claims point at records of the bundled registry.
"""

AUTHOR = {
    "slug": "chen-mingyuan",
    "name": "陈明远 (Chen Mingyuan)",
    "affiliation": "Concordance policy desk",
    "bio": "Writes on multilateral institutions and the politics of treaty membership.",
}

ARTICLE = {
    "slug": "a-year-of-american-exits",
    "original_language": "zh-hans",
    "source_publication": "Concordance",
    "source_url": "",
    "originally_published_on": "2026-01-20",
}

ORIGINAL = {
    "language": "zh-hans",
    "title": "从世卫组织到66个机构：美国一年间的多边“退出潮”",
    "standfirst": (
        "一份总统备忘录、三项行政令和一份预算申请，勾勒出华盛顿重新划定国际参与边界的路线图。"
    ),
    "body": """\
2026年1月7日，美国总统签署备忘录，要求美国退出66个国际组织。名单分为两部分：31个联合国实体和35个非联合国组织，涵盖气候、人权、发展与科学等领域。

这并非孤立的决定。2025年1月20日签署的第14155号行政令启动了退出**世界卫生组织**的程序，退出于2026年1月22日正式生效。同一天签署的第14162号行政令再次让美国退出《巴黎协定》，退出于2026年1月27日生效。

2025年2月4日的第14199号行政令宣布美国不再参与联合国人权理事会，并停止向近东救济工程处提供资金。该行政令还要求对美国参与的所有国际组织进行审查，正是这次审查催生了今年1月的备忘录。

联合国教科文组织的情况更为曲折：美国曾于1984年退出，2003年重新加入，2018年底再次离开。2025年7月22日，国务院又一次宣布退出，退出将于2026年12月31日生效。

气候融资同样受到波及。美国财政部于2026年1月8日宣布退出绿色气候基金董事会，立即生效。

据报道，2026财年预算申请将对国际组织的摊款削减至2.64亿美元，比上一财年减少83%。登记册中尚无任何来源证实这一数字。

并非所有机构都被放弃。美国仍是联合国、世界银行和国际货币基金组织的成员，并在其中保持主导地位。选择性参与，而非全面撤离，才是这一年的主线。
""",
}

TRANSLATION = {
    "language": "en",
    "title": "From WHO to 66 bodies: a year of American exits",
    "standfirst": (
        "A presidential memorandum, three executive orders and a budget request map out "
        "where Washington now draws the line on international engagement."
    ),
    "body": """\
On 7 January 2026 the President signed a memorandum directing the United States to withdraw from 66 international organizations. The list falls into two parts: 31 United Nations entities and 35 organizations outside the UN, spanning climate, human rights, development and science.

The decision did not come out of nowhere. Executive Order 14155, signed on 20 January 2025, began the withdrawal from the **World Health Organization**, which took effect on 22 January 2026. Executive Order 14162, signed the same day, took the United States out of the Paris Agreement once more, effective 27 January 2026.

Executive Order 14199 of 4 February 2025 ended US participation in the UN Human Rights Council and stopped funding for UNRWA. It also ordered a review of every international organization the United States belongs to, and that review produced January's memorandum.

UNESCO's story has more turns: the United States left in 1984, returned in 2003 and left again at the end of 2018. On 22 July 2025 the State Department announced yet another withdrawal, to take effect on 31 December 2026.

Climate finance was not spared. The Treasury announced on 8 January 2026 that the United States was leaving the board of the Green Climate Fund, with immediate effect.

The FY2026 budget request reportedly cut contributions to international organizations to $264 million, 83% below the previous year. No source in the registry confirms that figure.

Not every institution has been abandoned. The United States remains a member of the United Nations, the World Bank and the International Monetary Fund, where it keeps its leading role. Selective engagement, not wholesale retreat, is the thread that runs through the year.
""",
}

# Each claim: its statement and kind, a verdict, the quote that anchors it in
# each language, and its evidence as (record type, natural key, relation, note).
# Every record cited rests on a primary source (an instrument's own text, an
# event citing an official text) or on an event verified against a source.
# A figure may say how to measure it in the registry (a FigureCheck).
UNESCO = "united-nations-educational-scientific-and-cultural-organization"
# The memorandum's organizations, counted by any event under it: for UN
# Secretariat units and expert bodies it ends participation, not a membership.
MEMORANDUM_FIGURE = {
    "measure": "organizations_with_event_under_instrument",
    "event_kind": "",
    "instrument": "memorandum-2026-01-07",
}
CLAIMS = [
    {
        "statement": "A memorandum of 7 January 2026 directed the United States to withdraw "
        "from 66 international organizations.",
        "kind": "figure",
        "verdict": "supported",
        "anchors": {
            "zh-hans": "要求美国退出66个国际组织",
            "en": "withdraw from 66 international organizations",
        },
        "evidence": [("instrument", "memorandum-2026-01-07", "supports", "")],
        "figure": {**MEMORANDUM_FIGURE, "stated_value": 66},
    },
    {
        "statement": "31 of the 66 organizations are United Nations entities.",
        "kind": "figure",
        "verdict": "supported",
        "anchors": {"zh-hans": "31个联合国实体", "en": "31 United Nations entities"},
        "evidence": [("instrument", "memorandum-2026-01-07", "supports", "")],
        "figure": {**MEMORANDUM_FIGURE, "stated_value": 31, "un_related": True},
    },
    {
        "statement": "35 of the 66 organizations are outside the United Nations system.",
        "kind": "figure",
        "verdict": "supported",
        "anchors": {"zh-hans": "35个非联合国组织", "en": "35 organizations outside the UN"},
        "evidence": [("instrument", "memorandum-2026-01-07", "supports", "")],
        "figure": {**MEMORANDUM_FIGURE, "stated_value": 35, "un_related": False},
    },
    {
        "statement": "The US withdrawal from the World Health Organization under Executive "
        "Order 14155 took effect on 22 January 2026.",
        "kind": "fact",
        "verdict": "supported",
        "anchors": {
            "zh-hans": "退出于2026年1月22日正式生效",
            "en": "which took effect on 22 January 2026",
        },
        "evidence": [
            ("event", "world-health-organization-withdrawal-effective-2025-01-22", "supports", ""),
            ("instrument", "eo-14155", "context", ""),
        ],
    },
    {
        "statement": "The US withdrawal from the Paris Agreement took effect on 27 January 2026.",
        "kind": "fact",
        "verdict": "supported",
        "anchors": {"zh-hans": "退出于2026年1月27日生效", "en": "effective 27 January 2026"},
        "evidence": [("event", "paris-agreement-withdrawal-effective-2025-01-27", "supports", "")],
    },
    {
        "statement": "Executive Order 14199 ended US participation in the UN Human Rights "
        "Council and US funding for UNRWA.",
        "kind": "fact",
        "verdict": "supported",
        "anchors": {
            "zh-hans": "宣布美国不再参与联合国人权理事会",
            "en": "ended US participation in the UN Human Rights Council",
        },
        "evidence": [
            ("instrument", "eo-14199", "supports", ""),
            (
                "event",
                "united-nations-human-rights-council-participation-ended-2025-02-04",
                "supports",
                "",
            ),
            (
                "event",
                "united-nations-relief-and-works-agency-for-palestine-refugees-in-the-near-east-funding-ceased-2025-02-04",
                "supports",
                "",
            ),
            ("organization", "united-nations-human-rights-council", "context", ""),
        ],
    },
    {
        "statement": "The United States left UNESCO in 1984, returned in 2003 and left again "
        "at the end of 2018.",
        "kind": "fact",
        "verdict": "supported",
        "anchors": {
            "zh-hans": "美国曾于1984年退出，2003年重新加入，2018年底再次离开",
            "en": "the United States left in 1984, returned in 2003 and left again at the end of 2018",
        },
        "evidence": [
            ("event", f"{UNESCO}-withdrawal-effective-1984-12-31", "supports", ""),
            ("event", f"{UNESCO}-rejoined-2003-10-01", "supports", ""),
            ("event", f"{UNESCO}-withdrawal-announced-2017-10-12", "supports", ""),
        ],
    },
    {
        "statement": "The latest US withdrawal from UNESCO takes effect on 31 December 2026.",
        "kind": "fact",
        "verdict": "supported",
        "anchors": {
            "zh-hans": "退出将于2026年12月31日生效",
            "en": "to take effect on 31 December 2026",
        },
        "evidence": [("event", f"{UNESCO}-withdrawal-announced-2025-07-22", "supports", "")],
    },
    {
        "statement": "The United States left the board of the Green Climate Fund on 8 January 2026.",
        "kind": "fact",
        "verdict": "supported",
        "anchors": {
            "zh-hans": "美国财政部于2026年1月8日宣布退出绿色气候基金董事会",
            "en": "announced on 8 January 2026 that the United States was leaving the board of the Green Climate Fund",
        },
        "evidence": [
            ("event", "green-climate-fund-withdrawal-effective-2026-01-08", "supports", "")
        ],
    },
    {
        "statement": "The FY2026 budget request cut US contributions to international "
        "organizations to $264 million, 83% below FY2025.",
        "kind": "figure",
        "verdict": "not_in_registry",
        "note": "Searched the registry's budget request for FY2026, its funding-cut events and "
        "their sources: none gives the total of $264 million or the 83% cut.",
        "anchors": {
            "zh-hans": "削减至2.64亿美元，比上一财年减少83%",
            "en": "cut contributions to international organizations to $264 million, 83% below the previous year",
        },
        "evidence": [
            (
                "event",
                "united-nations-funding-cut-2025-05-30-cio",
                "context",
                "The registry records this request's cuts, but no source it holds gives these figures.",
            )
        ],
    },
    {
        "statement": "The United States remains a member of the United Nations, the World Bank "
        "and the International Monetary Fund.",
        "kind": "fact",
        "verdict": "supported",
        "anchors": {
            "zh-hans": "美国仍是联合国、世界银行和国际货币基金组织的成员",
            "en": "The United States remains a member of the United Nations, the World Bank and the International Monetary Fund",
        },
        "evidence": [
            ("event", "united-nations-joined-1945-10-24", "supports", ""),
            ("event", "world-bank-joined-1945-12-27", "supports", ""),
            ("event", "international-monetary-fund-joined-1945-12-27", "supports", ""),
        ],
    },
]
