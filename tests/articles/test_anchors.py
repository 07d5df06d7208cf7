"""Anchor resolution against the reader-visible text of a Markdown body."""

import unicodedata

from articles.text.anchors import AnchorState, Quote, Resolution, plain_text, resolve, resolve_all

CHINESE_BODY = (
    "美国一月宣布将退出66个国际组织,包括31个联合国实体。\n\n名单上的66个国际组织均经过审查。"
)


def found_text(body: str, quote: Quote) -> str:
    text = plain_text(body)
    resolution = resolve(text, quote)
    assert resolution.state == AnchorState.FOUND, resolution
    return text[resolution.start : resolution.end]


def test_chinese_quote_is_found():
    assert found_text(CHINESE_BODY, Quote("31个联合国实体")) == "31个联合国实体"


def test_repeated_quote_is_ambiguous():
    resolution = resolve(plain_text(CHINESE_BODY), Quote("66个国际组织"))

    assert resolution.state == AnchorState.AMBIGUOUS
    assert resolution.candidates == 2
    assert resolution.start is None


def test_prefix_picks_one_of_repeated_quotes():
    text = plain_text(CHINESE_BODY)
    resolution = resolve(text, Quote("66个国际组织", prefix="名单上的"))

    assert resolution.state == AnchorState.FOUND
    assert resolution.start == text.index("名单上的") + len("名单上的")


def test_suffix_picks_one_of_repeated_quotes():
    text = plain_text(CHINESE_BODY)
    resolution = resolve(text, Quote("66个国际组织", suffix=",包括"))

    assert resolution.state == AnchorState.FOUND
    assert resolution.start == text.index("66个国际组织")


def test_prefix_that_matches_nowhere_orphans_the_anchor():
    resolution = resolve(plain_text(CHINESE_BODY), Quote("66个国际组织", prefix="不存在的"))

    assert resolution.state == AnchorState.ORPHANED
    assert resolution.candidates == 0


def test_quote_removed_by_an_edit_is_orphaned():
    edited = CHINESE_BODY.replace("31个联合国实体", "三十一个联合国机构")

    resolution = resolve(plain_text(edited), Quote("31个联合国实体"))

    assert resolution == Resolution(AnchorState.ORPHANED, None, None, 0)


def test_quote_spans_emphasis_and_links():
    body = (
        "The United States withdrew from **66** organizations, [_including_ WHO](https://who.int)."
    )

    assert found_text(body, Quote("withdrew from 66 organizations")) == (
        "withdrew from 66 organizations"
    )
    assert found_text(body, Quote("organizations, including WHO.")) == (
        "organizations, including WHO."
    )


def test_link_url_is_not_text():
    resolution = resolve(
        plain_text("See [the order](https://example.org/eo-14199)."), Quote("14199")
    )

    assert resolution.state == AnchorState.ORPHANED


def test_inline_code_counts_as_text():
    assert found_text("Run `load_registry` first.", Quote("Run load_registry")) == (
        "Run load_registry"
    )


def test_whitespace_runs_and_soft_breaks_compare_as_one_space():
    body = "The memorandum was signed\non 7 January   2026."

    text = plain_text(body)
    resolution = resolve(text, Quote("signed on 7  January 2026"))

    assert resolution.state == AnchorState.FOUND
    assert text[resolution.start : resolution.end] == "signed\non 7 January   2026"


def test_quote_cannot_span_two_paragraphs():
    body = "The first paragraph ends here.\n\nThe second begins here."

    assert resolve(plain_text(body), Quote("here. The second")).state == AnchorState.ORPHANED


def test_quote_cannot_span_two_list_items_or_a_heading():
    body = "## Withdrawals\n\n- WHO\n- UNESCO\n"
    text = plain_text(body)

    assert resolve(text, Quote("WHO UNESCO")).state == AnchorState.ORPHANED
    assert resolve(text, Quote("Withdrawals WHO")).state == AnchorState.ORPHANED
    assert resolve(text, Quote("UNESCO")).state == AnchorState.FOUND


def test_prefix_may_reach_into_the_previous_paragraph():
    body = "First ends with WHO.\n\nWHO again.\n\nAnd WHO once more."

    text = plain_text(body)
    resolution = resolve(text, Quote("WHO", prefix="ends with WHO."))

    assert resolution.state == AnchorState.FOUND
    assert resolution.start == text.index("WHO again")


def test_matching_is_case_sensitive():
    assert resolve(plain_text("The WHO decided."), Quote("the who")).state == (AnchorState.ORPHANED)


def test_arabic_quote_with_harakat_is_found():
    body = "أعلنت الولايات المتحدة انسحابَها من منظمة الصحة العالمية في يناير."

    assert found_text(body, Quote("انسحابَها من منظمة الصحة العالمية")) == (
        "انسحابَها من منظمة الصحة العالمية"
    )
    assert resolve(plain_text(body), Quote("انسحابها من منظمة")).state == AnchorState.ORPHANED


def test_mixed_scripts_quote_is_found():
    body = "美国依据第14199号行政令(Executive Order 14199)退出WHO。"

    assert found_text(body, Quote("行政令(Executive Order 14199)退出WHO")) == (
        "行政令(Executive Order 14199)退出WHO"
    )


def test_both_sides_are_nfc_normalised():
    decomposed = unicodedata.normalize("NFD", "Organisation météorologique mondiale")
    composed = unicodedata.normalize("NFC", "météorologique")

    assert found_text(decomposed, Quote(composed)) == composed
    raw_text = f"L'{decomposed}."
    resolution = resolve(raw_text, Quote(composed))
    assert resolution.state == AnchorState.FOUND
    assert unicodedata.normalize("NFC", raw_text[resolution.start : resolution.end]) == composed


def test_empty_quote_is_orphaned():
    text = plain_text(CHINESE_BODY)

    assert resolve(text, Quote("")).state == AnchorState.ORPHANED
    assert resolve(text, Quote("   ")).state == AnchorState.ORPHANED


def test_resolve_all_resolves_each_key():
    resolutions = resolve_all(
        CHINESE_BODY,
        {"a": Quote("31个联合国实体"), "b": Quote("66个国际组织"), "c": Quote("无")},
    )

    assert {key: resolution.state for key, resolution in resolutions.items()} == {
        "a": AnchorState.FOUND,
        "b": AnchorState.AMBIGUOUS,
        "c": AnchorState.ORPHANED,
    }


def test_plain_text_separates_blocks_and_drops_markup():
    body = "# Title\n\nA *b* [c](http://x) ![alt](http://img)\n\n| d | e |\n|---|---|\n| f | g |\n"

    assert plain_text(body) == "Title\n\nA b c \n\nd\n\ne\n\nf\n\ng"
