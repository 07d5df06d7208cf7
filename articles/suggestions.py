"""Suggested links: registry organizations named in a revision, made into claims in one step.

Every name, alias and acronym of the registry is looked for in the revision's
reader-visible text (`anchors.plain_text`), whatever its language. An editor
turns a mention into a claim with an anchor on exactly that mention and
evidence pointing at the organization.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from articles import workflow
from articles.models import Article, Claim, ClaimAnchor, Evidence, Revision, Translation
from articles.text.anchors import Quote, plain_text, resolve_many
from articles.text.diff import is_cjk
from articles.text.matching import Mention, NameMatcher
from freshness.keys import ProcessMemo
from organizations.models import Organization, OrganizationName

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractUser

_WHITESPACE = re.compile(r"\s+")
CONTEXT_CHARACTERS = 60
# ClaimAnchor.prefix and .suffix hold at most this many characters.
MAX_CONTEXT = 200
CREATE_PERMISSIONS = ("articles.add_claim", "articles.add_claimanchor", "articles.add_evidence")


def _registry_names() -> Iterable[tuple[str, int]]:
    for organization_id, name, acronym in Organization.objects.values_list(
        "id", "name", "acronym"
    ).iterator():
        yield name, organization_id
        yield acronym, organization_id
    for organization_id, name, acronym in OrganizationName.objects.values_list(
        "organization_id", "name", "acronym"
    ).iterator():
        yield name, organization_id
        yield acronym, organization_id


_registry_matcher = ProcessMemo(lambda: NameMatcher(_registry_names()), scope="organizations")


def registry_matcher() -> NameMatcher:
    """A matcher for every name, alias and acronym in the registry.

    Built once per process for each generation of the registry: any change
    to the registry builds it again (a renamed alias included, however
    small the change); the newsroom's writes leave it as it is.
    """
    return _registry_matcher.get()


class MentionNotFound(Exception):
    """The mention is not (or no longer) in the revision's text."""


@dataclass(frozen=True)
class Suggestion:
    """One mention of a registry organization, in its context."""

    mention: Mention
    organization: Organization
    before: str
    after: str
    anchored_by: tuple[int, ...]

    @property
    def is_anchored(self) -> bool:
        return bool(self.anchored_by)


def suggested_links(*, translation: Translation, revision: Revision) -> list[Suggestion]:
    """Every mention of a registry organization in `revision`, in text order.

    `anchored_by` lists the claims whose anchor in this translation covers
    the mention. A fixed number of queries.
    """
    text = plain_text(revision.body)
    mentions = registry_matcher().find(text)
    if not mentions:
        return []
    organizations = Organization.objects.in_bulk({mention.organization_id for mention in mentions})
    spans = _anchored_spans(translation=translation, text=text)
    suggestions = []
    for mention in mentions:
        organization = organizations.get(mention.organization_id)
        if organization is None:
            continue
        suggestions.append(
            Suggestion(
                mention=mention,
                organization=organization,
                before=_context_before(text, mention.start),
                after=_context_after(text, mention.end),
                anchored_by=tuple(
                    number
                    for number, (start, end) in spans
                    if start < mention.end and mention.start < end
                ),
            )
        )
    return suggestions


def _anchored_spans(*, translation: Translation, text: str) -> list[tuple[int, tuple[int, int]]]:
    anchors = ClaimAnchor.objects.filter(
        translation=translation, claim__claim_set__isnull=True
    ).select_related("claim")
    quotes = {anchor.claim.number: anchor.selector for anchor in anchors}
    return sorted(
        (number, (resolution.start, resolution.end))
        for number, resolution in resolve_many(text, quotes).items()
        if resolution.is_found and resolution.start is not None and resolution.end is not None
    )


def _context_before(text: str, start: int) -> str:
    first = max(0, start - CONTEXT_CHARACTERS)
    before = text[first:start]
    if first > 0 and " " in before:
        before = "…" + before[before.index(" ") :]
    return _WHITESPACE.sub(" ", before).lstrip()


def _context_after(text: str, end: int) -> str:
    last = min(len(text), end + CONTEXT_CHARACTERS)
    after = text[end:last]
    if last < len(text) and " " in after:
        after = after[: after.rindex(" ")] + "…"
    return _WHITESPACE.sub(" ", after).rstrip()


def _is_spaced_word_char(char: str) -> bool:
    return char.isalnum() and not is_cjk(char)


def _word_start(text: str, index: int) -> int:
    # Whole words read better than a prefix cut mid-word in spaced scripts.
    while index > 0 and _is_spaced_word_char(text[index - 1]) and _is_spaced_word_char(text[index]):
        index -= 1
    return index


def _word_end(text: str, index: int) -> int:
    while (
        index < len(text)
        and index > 0
        and _is_spaced_word_char(text[index - 1])
        and _is_spaced_word_char(text[index])
    ):
        index += 1
    return index


def _has_word(fragment: str) -> bool:
    # Punctuation alone ("," before the quote) tells places apart too, but the
    # first edit nearby breaks it; a word holds better.
    return any(char.isalnum() for char in fragment)


def _tidy(fragment: str) -> str:
    return " ".join(fragment.split())


def anchor_selector(text: str, start: int, end: int) -> Quote:
    """The shortest selector of text[start:end] that resolves to exactly that place.

    The quote alone when it is unique; otherwise the shortest context that
    tells it apart: words before it, after it or both (whole words in spaced
    scripts, never punctuation alone), the words before it on a tie.
    Raises ValueError when not even 200 characters on each side tell it apart.
    """
    quote = _tidy(text[start:end])
    candidates: dict[tuple[str, str], Quote] = {("", ""): Quote(quote)}
    for length in range(1, MAX_CONTEXT + 1):
        prefix_start = _word_start(text, max(0, start - length))
        suffix_end = _word_end(text, min(len(text), end + length))
        prefix = _tidy(text[prefix_start:start])[-MAX_CONTEXT:]
        suffix = _tidy(text[end:suffix_end])[:MAX_CONTEXT]
        for key in ((prefix, ""), ("", suffix), (prefix, suffix)):
            if key not in candidates and any(key) and all(map(_has_word, filter(None, key))):
                candidates[key] = Quote(quote, *key)
    resolutions = resolve_many(text, candidates)
    found = [
        key
        for key, resolution in resolutions.items()
        if resolution.is_found and resolution.start == start
    ]
    if not found:
        raise ValueError("The quote cannot be told apart from its other occurrences.")
    prefix, suffix = min(found, key=lambda key: (len(key[0]) + len(key[1]), not key[0]))
    return candidates[(prefix, suffix)]


def _check_permissions(by: AbstractUser) -> None:
    if not all(by.has_perm(permission) for permission in CREATE_PERMISSIONS):
        raise PermissionDenied(_("Only editors can add claims and their evidence."))


def claim_from_mention_create(
    *,
    translation: Translation,
    revision: Revision,
    start: int,
    end: int,
    organization_id: int,
    by: AbstractUser,
) -> Claim:
    """Turn one mention into a claim, its anchor here and evidence to the organization.

    The claim states "Mentions <organization>." (a fact, unverified) and takes
    the article's next number; the anchor picks exactly this mention, with
    the shortest prefix or suffix that tells it apart from the same words
    elsewhere; the evidence gives the organization as context. All three are
    saved together or not at all. Raises MentionNotFound when the revision no
    longer names that organization there.
    """
    _check_permissions(by)
    if revision.translation_id != translation.pk:
        raise ValueError("The revision must belong to the translation.")
    text = plain_text(revision.body)
    mentions: Sequence[Mention] = registry_matcher().find(text)
    mention = next(
        (
            mention
            for mention in mentions
            if (mention.start, mention.end, mention.organization_id)
            == (start, end, organization_id)
        ),
        None,
    )
    if mention is None:
        raise MentionNotFound(
            _("That mention is no longer in the text; look at the suggestions again.")
        )
    try:
        selector = anchor_selector(text, mention.start, mention.end)
    except ValueError as error:
        raise MentionNotFound(
            _("That mention cannot be told apart from the same words elsewhere in the text.")
        ) from error
    organization = Organization.objects.get(pk=organization_id)
    # A new claim is a change of the article's claims: published versions go
    # back to review, and its verdict is the editor's to set (never preset).
    with (
        transaction.atomic(),
        workflow.claims_change(articles=[translation.article_id], by=by),
    ):
        # Numbers are per article; the lock keeps two editors from taking the same one.
        Article.objects.select_for_update().filter(pk=translation.article_id).first()
        highest = (
            Claim.objects.working()
            .filter(article_id=translation.article_id)
            .aggregate(highest=Max("number"))["highest"]
        )
        claim = Claim.objects.create(
            article_id=translation.article_id,
            number=(highest or 0) + 1,
            statement=_("Mentions %(name)s.") % {"name": organization.name},
            kind=Claim.Kind.FACT,
            verdict=Claim.Verdict.UNVERIFIED,
        )
        ClaimAnchor.objects.create(
            claim=claim,
            translation=translation,
            quote=selector.quote,
            prefix=selector.prefix,
            suffix=selector.suffix,
        )
        Evidence.objects.create(
            claim=claim, organization=organization, relation=Evidence.Relation.CONTEXT
        )
    return claim
