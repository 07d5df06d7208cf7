"""Forms of the articles admin: writing a revision, comparing two, adding a language version."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from articles.models import Revision, Translation


class RevisionForm(forms.Form):
    """The text of a new revision, and the revision the editor started from.

    `based_on` travels in a hidden field: saving on top of a revision that is
    no longer the latest is refused by `workflow.revision_create`.
    """

    title = forms.CharField(label=_("Title"), max_length=300)
    standfirst = forms.CharField(
        label=_("Standfirst"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 100}),
    )
    body = forms.CharField(
        label=_("Body"),
        help_text=_("Markdown. Claims are anchored to quotes of this text."),
        widget=forms.Textarea(attrs={"rows": 30, "cols": 100, "class": "revision-body"}),
        strip=False,
    )
    based_on = forms.ModelChoiceField(
        queryset=Revision.objects.none(), required=False, widget=forms.HiddenInput
    )
    source_revision = forms.ModelChoiceField(
        label=_("Translated from"),
        queryset=Revision.objects.none(),
        required=False,
        help_text=_(
            "The original's revision this text now matches. Choose the latest when the "
            "translation has been brought up to date."
        ),
    )

    def __init__(self, *args, translation: Translation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.translation = translation
        self.fields["based_on"].queryset = Revision.objects.filter(translation=translation)
        if translation.is_original:
            del self.fields["source_revision"]
        else:
            field = self.fields["source_revision"]
            field.queryset = Revision.objects.filter(
                translation__article_id=translation.article_id, translation__is_original=True
            ).order_by("-number")
            field.label_from_instance = _original_revision_label

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        if not body.strip():
            raise forms.ValidationError(_("The body cannot be empty."))
        return body

    @classmethod
    def initial_for(cls, translation: Translation) -> dict:
        """What the form starts from: the latest revision's text."""
        latest = translation.latest_revision
        if latest is None:
            return {}
        return {
            "title": latest.title,
            "standfirst": latest.standfirst,
            "body": latest.body,
            "based_on": latest.pk,
            "source_revision": latest.source_revision_id,
        }


def _original_revision_label(revision: Revision) -> str:
    return _("Revision %(number)s: %(title)s") % {
        "number": revision.number,
        "title": revision.title,
    }


class CompareRevisionsForm(forms.Form):
    """Two revisions of one translation, older first by default."""

    old = forms.ModelChoiceField(label=_("From"), queryset=Revision.objects.none())
    new = forms.ModelChoiceField(label=_("To"), queryset=Revision.objects.none())

    def __init__(self, *args, translation: Translation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        revisions = Revision.objects.filter(translation=translation).select_related("created_by")
        for name in ("old", "new"):
            self.fields[name].queryset = revisions
            self.fields[name].label_from_instance = _revision_label

    @classmethod
    def initial_for(cls, translation: Translation) -> dict:
        """The latest revision and the one before it."""
        numbers = list(
            Revision.objects.filter(translation=translation)
            .order_by("-number")
            .values_list("pk", flat=True)[:2]
        )
        if not numbers:
            return {}
        return {"new": numbers[0], "old": numbers[-1]}


def _revision_label(revision: Revision) -> str:
    who = revision.created_by.get_username() if revision.created_by else _("import")
    return _("%(number)s: %(title)s (%(who)s)") % {
        "number": revision.number,
        "title": revision.title,
        "who": who,
    }


class TranslationAddForm(forms.ModelForm):
    """A new language version together with its first revision."""

    title = forms.CharField(label=_("Title"), max_length=300)
    standfirst = forms.CharField(
        label=_("Standfirst"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    body = forms.CharField(
        label=_("Body"),
        help_text=_("Markdown."),
        widget=forms.Textarea(attrs={"rows": 20}),
        strip=False,
    )

    class Meta:
        model = Translation
        fields = ["article", "language", "is_original"]

    def clean(self):
        cleaned = super().clean()
        article = cleaned.get("article")
        language = cleaned.get("language")
        if (
            article is not None
            and cleaned.get("is_original") is False
            and (language == article.original_language)
        ):
            self.add_error(
                "is_original",
                _("A version in the article's original language is its original."),
            )
        return cleaned


class TransitionForm(forms.Form):
    """One workflow step asked for from the translation's admin page."""

    SUBMIT = "submit"
    WITHDRAW = "withdraw"

    action = forms.ChoiceField(
        choices=[(SUBMIT, _("Submit for review")), (WITHDRAW, _("Withdraw"))]
    )
