"""Finding registry organizations named in editors' text."""

import pytest

from articles.suggestions import registry_matcher
from articles.text.matching import Mention, NameMatcher
from tests import factories
from tests.factories import OrganizationFactory, OrganizationNameFactory

WHO, UN, UNESCO, PARIS = 1, 2, 3, 4

MATCHER = NameMatcher(
    [
        ("World Health Organization", WHO),
        ("WHO", WHO),
        ("世界卫生组织", WHO),
        ("世卫组织", WHO),
        ("منظمة الصحة العالمية", WHO),
        ("United Nations", UN),
        ("UN", UN),
        ("联合国", UN),
        ("United Nations Educational, Scientific and Cultural Organization", UNESCO),
        ("UNESCO", UNESCO),
        ("联合国教科文组织", UNESCO),
        ("Paris Agreement", PARIS),
        ("", PARIS),
        ("P", PARIS),
    ]
)


def found(text: str, matcher: NameMatcher = MATCHER) -> list[tuple[str, int]]:
    return [(mention.text, mention.organization_id) for mention in matcher.find(text)]


def test_mention_carries_offsets_and_organization():
    text = "In 2025 the WHO lost its largest funder."

    assert MATCHER.find(text) == [Mention(start=12, end=15, text="WHO", organization_id=WHO)]


def test_acronym_matches_only_as_a_whole_word():
    assert found("WHOLE sentences about WHOM, and the WHO.") == [("WHO", WHO)]


def test_acronym_is_case_sensitive():
    assert found("Who decides? The who, the UNESCO-style unesco.") == [("UNESCO", UNESCO)]


def test_full_names_match_case_insensitively():
    assert found("the world health organization and THE PARIS AGREEMENT") == [
        ("world health organization", WHO),
        ("PARIS AGREEMENT", PARIS),
    ]


def test_full_name_matches_across_a_line_break():
    assert found("the World Health\nOrganization said") == [("World Health\nOrganization", WHO)]


def test_full_name_needs_word_boundaries():
    assert found("ParisAgreement and the Paris Agreements") == []


def test_longest_name_wins_over_a_shorter_one_at_the_same_place():
    text = (
        "The United Nations Educational, Scientific and Cultural Organization "
        "and the United Nations."
    )

    assert found(text) == [
        ("United Nations Educational, Scientific and Cultural Organization", UNESCO),
        ("United Nations", UN),
    ]


def test_chinese_names_match_inside_running_text():
    assert found("退出世界卫生组织的决定和联合国教科文组织的预算") == [
        ("世界卫生组织", WHO),
        ("联合国教科文组织", UNESCO),
    ]


def test_latin_acronym_next_to_chinese_characters_matches():
    assert found("美国退出WHO和UNESCO。") == [("WHO", WHO), ("UNESCO", UNESCO)]


def test_arabic_name_matches_as_whole_words():
    assert found("قررت منظمة الصحة العالمية ذلك") == [("منظمة الصحة العالمية", WHO)]


def test_case_folding_keeps_offsets_for_characters_that_expand():
    matcher = NameMatcher([("Straßenverband", 1), ("İstanbul Convention", 2), ("WHO", 3)])
    text = "Der STRASSENVERBAND, der Straßenverband, the İstanbul convention and WHO."

    assert found(text, matcher) == [
        ("Straßenverband", 1),
        ("İstanbul convention", 2),
        ("WHO", 3),
    ]


def test_names_shorter_than_two_characters_are_skipped():
    assert found("P and Paris Agreement") == [("Paris Agreement", PARIS)]


def test_a_form_shared_by_two_organizations_is_left_out():
    matcher = NameMatcher([("ICC", 10), ("ICC", 11), ("International Criminal Court", 10)])

    assert found("The ICC, or International Criminal Court.", matcher) == [
        ("International Criminal Court", 10)
    ]


def test_same_form_listed_twice_for_one_organization_still_matches():
    matcher = NameMatcher([("WHO", 1), ("WHO", 1)])

    assert found("the WHO", matcher) == [("WHO", 1)]


def test_empty_matcher_finds_nothing():
    assert NameMatcher([]).find("The WHO") == []


def test_thousands_of_names_are_searched_in_one_pass():
    entries = []
    for number in range(10_000):
        entries += [
            (f"Synthetic Organization Number {number}", number),
            (f"SYN{number}X", number),
            (f"合成组织{number}号", number),
        ]
    matcher = NameMatcher(entries)
    pieces, expected = [], []
    number = 0
    while sum(map(len, pieces)) < 20_000:
        pieces.append(
            f"Synthetic Organization Number {number} met SYN{number + 1}X "
            f"和合成组织{number + 2}号。 "
        )
        expected += [number, number + 1, number + 2]
        number = (number + 7) % 9_990
    text = "".join(pieces)

    mentions = matcher.find(text)

    assert matcher.size == 30_000
    assert len(text) >= 20_000
    assert [mention.organization_id for mention in mentions] == expected
    assert all(text[mention.start : mention.end] == mention.text for mention in mentions)


@pytest.mark.django_db
def test_registry_matcher_reads_names_aliases_and_acronyms():
    who = OrganizationFactory(name="World Health Organization", acronym="WHO")
    OrganizationNameFactory(organization=who, name="世界卫生组织", acronym="世卫")
    unesco = OrganizationFactory(
        name="United Nations Educational, Scientific and Cultural Organization", acronym="UNESCO"
    )
    OrganizationNameFactory(
        organization=unesco,
        language="fr",
        name="Organisation des Nations unies pour l'éducation",
        acronym="",
    )

    text = (
        "WHO 与世界卫生组织(世卫) and UNESCO, the organisation des nations unies pour l'éducation"
    )

    assert found(text, registry_matcher()) == [
        ("WHO", who.pk),
        ("世界卫生组织", who.pk),
        ("世卫", who.pk),
        ("UNESCO", unesco.pk),
        ("organisation des nations unies pour l'éducation", unesco.pk),
    ]


@pytest.mark.django_db
def test_registry_matcher_is_built_once_while_the_registry_is_unchanged(
    django_assert_num_queries,
):
    OrganizationFactory.create_batch(30)
    with django_assert_num_queries(3):
        first = registry_matcher()

    with django_assert_num_queries(1):
        second = registry_matcher()

    assert second is first


@pytest.mark.django_db
def test_registry_matcher_is_rebuilt_when_a_name_is_added_or_edited():
    organization = OrganizationFactory(name="Green Climate Fund", acronym="GCF")
    before = registry_matcher()

    alias = OrganizationNameFactory(organization=organization, name="绿色气候基金")
    after_adding = registry_matcher()
    alias.name = "绿色气候基金会"
    alias.save()
    after_editing = registry_matcher()

    assert after_adding is not before
    assert found("绿色气候基金", after_adding) == [("绿色气候基金", organization.pk)]
    assert after_editing is not after_adding
    assert found("绿色气候基金会", after_editing) == [("绿色气候基金会", organization.pk)]


@pytest.mark.django_db
def test_an_alias_renamed_to_a_string_of_the_same_length_is_matched_at_once():
    organization = OrganizationFactory(name="Green Climate Fund", acronym="GCF")
    alias = OrganizationNameFactory(organization=organization, name="Fonds vert")
    assert found("le Fonds vert", registry_matcher()) == [("Fonds vert", organization.pk)]

    alias.name = "Fonds bleu"
    alias.save()

    assert found("le Fonds bleu", registry_matcher()) == [("Fonds bleu", organization.pk)]
    assert found("le Fonds vert", registry_matcher()) == []


@pytest.mark.django_db
def test_writing_articles_leaves_the_registry_matcher_as_it_is():
    OrganizationFactory(name="Green Climate Fund", acronym="GCF")
    before = registry_matcher()

    factories.ArticleFactory()

    assert registry_matcher() is before
