"""Demo accounts and the demo article, for `manage.py seed_demo`.

Everything goes through the same service and workflow functions editors and
moderators use, so the demo article has real revisions and review logs.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from articles import workflow
from articles.models import Article, Author, FigureCheck
from ops import demo_content
from organizations.models import Instrument, MembershipEvent, Organization

DEMO_ACCOUNTS = {
    "editor": {"groups": ["Editors"], "is_superuser": False},
    "moderator": {"groups": ["Moderators"], "is_superuser": False},
    "admin": {"groups": ["Editors", "Moderators"], "is_superuser": True},
}


@dataclass
class SeedResult:
    passwords: dict[str, str] = field(default_factory=dict)
    existing_accounts: list[str] = field(default_factory=list)
    article: Article | None = None
    article_created: bool = False


def demo_accounts_ensure(*, reset_passwords: bool = False) -> tuple[dict[str, str], list[str]]:
    """Create the demo accounts that are missing; return new passwords and the ones kept."""
    User = get_user_model()
    passwords: dict[str, str] = {}
    existing: list[str] = []
    for username, spec in DEMO_ACCOUNTS.items():
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, email=f"{username}@concordance.invalid")
        elif not reset_passwords:
            existing.append(username)
            continue
        password = secrets.token_urlsafe(12)
        user.set_password(password)
        user.is_staff = True
        user.is_superuser = spec["is_superuser"]
        user.save()
        user.groups.add(*Group.objects.filter(name__in=spec["groups"]))
        passwords[username] = password
    return passwords, existing


def _evidence_target(kind: str, key: str) -> dict:
    if kind == "organization":
        return {"organization": Organization.objects.get(slug=key)}
    if kind == "event":
        return {"event": MembershipEvent.objects.get(key=key)}
    if kind == "instrument":
        return {"instrument": Instrument.objects.get(slug=key)}
    raise ValueError(f"Unknown evidence target {kind!r}.")


def _revision_create(translation, text: dict[str, str], *, by) -> None:
    workflow.revision_create(
        translation=translation,
        title=text["title"],
        standfirst=text["standfirst"],
        body=text["body"],
        by=by,
    )


@transaction.atomic
def demo_article_ensure(*, editor, moderator) -> tuple[Article, bool]:
    """Publish the demo article in Chinese and English unless it exists already."""
    existing = Article.objects.filter(slug=demo_content.ARTICLE["slug"]).first()
    if existing is not None:
        return existing, False

    author, _ = Author.objects.get_or_create(
        slug=demo_content.AUTHOR["slug"],
        defaults={key: value for key, value in demo_content.AUTHOR.items() if key != "slug"},
    )
    article = Article.objects.create(
        slug=demo_content.ARTICLE["slug"],
        original_language=demo_content.ARTICLE["original_language"],
        source_publication=demo_content.ARTICLE["source_publication"],
        source_url=demo_content.ARTICLE["source_url"],
        originally_published_on=datetime.date.fromisoformat(
            demo_content.ARTICLE["originally_published_on"]
        ),
    )
    article.bylines.create(author=author, position=0)

    original = article.translations.create(
        language=demo_content.ORIGINAL["language"], is_original=True
    )
    _revision_create(original, demo_content.ORIGINAL, by=editor)
    english = article.translations.create(
        language=demo_content.TRANSLATION["language"], is_original=False
    )

    for number, spec in enumerate(demo_content.CLAIMS, start=1):
        claim = article.claims.create(
            number=number,
            statement=spec["statement"],
            kind=spec["kind"],
            verdict=spec["verdict"],
            note=spec.get("note", ""),
        )
        for kind, key, relation, note in spec["evidence"]:
            claim.evidence.create(relation=relation, note=note, **_evidence_target(kind, key))
        if "figure" in spec:
            figure = dict(spec["figure"])
            instrument = figure.pop("instrument", None)
            check = FigureCheck(
                claim=claim,
                instrument=Instrument.objects.get(slug=instrument) if instrument else None,
                **figure,
            )
            check.full_clean()
            check.save()
        for version in (original, english):
            claim.anchors.create(translation=version, quote=spec["anchors"][version.language])

    workflow.submit(translation=original, by=editor)
    workflow.approve(translation=original, by=moderator, comment="Checked against the registry.")

    _revision_create(english, demo_content.TRANSLATION, by=editor)
    workflow.submit(translation=english, by=editor)
    workflow.approve(translation=english, by=moderator, comment="Anchors match the original.")
    return article, True


def seed_demo(*, reset_passwords: bool = False) -> SeedResult:
    """Demo accounts plus the demo article; safe to run again."""
    passwords, existing = demo_accounts_ensure(reset_passwords=reset_passwords)
    User = get_user_model()
    article, created = demo_article_ensure(
        editor=User.objects.get(username="editor"),
        moderator=User.objects.get(username="moderator"),
    )
    return SeedResult(
        passwords=passwords, existing_accounts=existing, article=article, article_created=created
    )
