"""Word-level (and, for CJK, character-level) differences between revisions."""

import itertools

from articles.text.diff import ParagraphChangeKind, diff_html, diff_tokens, paragraph_diff, tokenize


def apply(operations, side):
    """Rebuild the old ("delete") or new ("insert") text from the operations."""
    skip = "insert" if side == "delete" else "delete"
    return "".join(text for operation, text in operations if operation != skip)


def test_english_is_tokenized_by_word_whitespace_and_punctuation():
    assert tokenize("The WHO's  decision, 2025.") == [
        "The",
        " ",
        "WHO",
        "'",
        "s",
        "  ",
        "decision",
        ",",
        " ",
        "2025",
        ".",
    ]


def test_chinese_is_tokenized_by_character():
    assert tokenize("退出66个组织。") == ["退", "出", "66", "个", "组", "织", "。"]


def test_japanese_and_korean_characters_are_one_token_each():
    assert tokenize("ユネスコ와 유네스코") == [
        "ユ",
        "ネ",
        "ス",
        "コ",
        "와",
        " ",
        "유",
        "네",
        "스",
        "코",
    ]


def test_arabic_words_keep_their_harakat():
    assert tokenize("انسحابَها من المنظمة") == ["انسحابَها", " ", "من", " ", "المنظمة"]


def test_english_diff_is_by_word():
    operations = diff_tokens("The United States left WHO.", "The United States rejoined WHO.")

    assert operations == [
        ("equal", "The United States "),
        ("delete", "left"),
        ("insert", "rejoined"),
        ("equal", " WHO."),
    ]


def test_changed_word_is_not_diffed_by_letter():
    operations = diff_tokens("withdrawal announced", "withdrawal effective")

    assert ("delete", "announced") in operations
    assert ("insert", "effective") in operations


def test_chinese_diff_is_by_character():
    operations = diff_tokens("美国宣布退出66个国际组织。", "美国正式退出了66个国际组织。")

    assert operations == [
        ("equal", "美国"),
        ("delete", "宣布"),
        ("insert", "正式"),
        ("equal", "退出"),
        ("insert", "了"),
        ("equal", "66个国际组织。"),
    ]


def test_rewritten_phrase_reads_as_one_replacement():
    operations = diff_tokens("the quick brown fox jumps", "a slow red fox jumps")

    assert operations == [
        ("delete", "the quick brown"),
        ("insert", "a slow red"),
        ("equal", " fox jumps"),
    ]


def test_adjacent_operations_are_merged():
    operations = diff_tokens("one two three four", "one 2 3 four")

    kinds = [operation for operation, _ in operations]
    assert all(first != second for first, second in itertools.pairwise(kinds))


def test_operations_rebuild_both_texts():
    old = "美国于2025年1月宣布退出WHO, and left UNESCO in July.\n\nSecond paragraph."
    new = "美国于2025年1月20日宣布退出WHO, and left UNESCO again.\n\nA second paragraph!"

    operations = diff_tokens(old, new)

    assert apply(operations, "delete") == old
    assert apply(operations, "insert") == new


def test_identical_texts_are_one_equal_run():
    assert diff_tokens("Same text.", "Same text.") == [("equal", "Same text.")]
    assert diff_tokens("", "") == []


def test_diff_html_escapes_and_marks_changes():
    html = diff_html("a <b> & c", 'a <i> & "c"')

    assert html == "a &lt;<del>b</del><ins>i</ins>&gt; &amp; <ins>&quot;</ins>c<ins>&quot;</ins>"


def test_diff_html_escapes_hostile_text():
    html = diff_html("safe", "<script>alert(1)</script>")

    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_paragraph_diff_aligns_paragraphs():
    old = (
        "Unchanged opening.\n\nThe US left WHO.\n\n"
        "Removed paragraph about funding cuts.\n\nClosing."
    )
    new = "Unchanged opening.\n\nThe US left WHO in 2026.\n\nClosing.\n\nA new final note."

    changes = paragraph_diff(old, new)

    assert [change.kind for change in changes] == [
        ParagraphChangeKind.EQUAL,
        ParagraphChangeKind.CHANGED,
        ParagraphChangeKind.REMOVED,
        ParagraphChangeKind.EQUAL,
        ParagraphChangeKind.ADDED,
    ]
    assert changes[1].operations == [
        ("equal", "The US left WHO"),
        ("insert", " in 2026"),
        ("equal", "."),
    ]
    assert changes[1].html == "The US left WHO<ins> in 2026</ins>."
    assert changes[2].old == "Removed paragraph about funding cuts."
    assert changes[4].new == "A new final note."


def test_paragraph_diff_detects_an_inserted_paragraph_between_changes():
    old = "美国退出了世界卫生组织。\n\n此举影响深远。"
    new = "美国正式退出了世界卫生组织。\n\n新增的一段文字完全不同。\n\n此举影响十分深远。"

    kinds = [change.kind for change in paragraph_diff(old, new)]

    assert kinds == [
        ParagraphChangeKind.CHANGED,
        ParagraphChangeKind.ADDED,
        ParagraphChangeKind.CHANGED,
    ]


def test_paragraph_diff_ignores_reflowed_whitespace():
    changes = paragraph_diff("A paragraph\nwrapped here.", "A paragraph wrapped\nhere.")

    assert [change.kind for change in changes] == [ParagraphChangeKind.EQUAL]
