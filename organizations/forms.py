"""Forms of the registry's admin: a source's record, and verifying events against a source."""

from __future__ import annotations

from collections.abc import Sequence

from django import forms
from django.utils.translation import gettext_lazy as _

from organizations.models import MembershipEvent, Source, wayback_url
from organizations.services import verification_source_default


class SourceForm(forms.ModelForm):
    """A source's record; an archive address left empty is the Wayback Machine's for the day
    the source was accessed."""

    class Meta:
        model = Source
        fields = ("url", "title", "kind", "publisher", "published_on", "accessed_on")
        fields += ("archive_url", "note")

    def clean(self):
        cleaned = super().clean()
        url, accessed_on = cleaned.get("url"), cleaned.get("accessed_on")
        if url and accessed_on and not cleaned.get("archive_url"):
            cleaned["archive_url"] = wayback_url(url, accessed_on)
        return cleaned


def _source_label(source: Source) -> str:
    described = ", ".join(part for part in (source.title, source.publisher) if part)
    return f"{source.get_kind_display()}: {described} — {source.url}"


class EventVerificationForm(forms.Form):
    """For each event, the one of its sources that confirms it, offered primary first.

    `events` must cite at least one source each, with their sources prefetched.
    """

    def __init__(self, *args, events: Sequence[MembershipEvent], **kwargs):
        super().__init__(*args, **kwargs)
        self.events = list(events)
        self._sources: dict[int, dict[int, Source]] = {}
        for event in self.events:
            sources = {source.pk: source for source in event.sources.all()}
            self._sources[event.pk] = sources
            default = verification_source_default(event)
            self.fields[self.field_name(event)] = forms.TypedChoiceField(
                label=_("%(event)s, verified against") % {"event": event},
                choices=[(pk, _source_label(source)) for pk, source in sources.items()],
                coerce=int,
                initial=default.pk if default else None,
            )

    @staticmethod
    def field_name(event: MembershipEvent) -> str:
        return f"source_{event.pk}"

    def rows(self) -> list[tuple[MembershipEvent, forms.BoundField]]:
        """Each event with the field that picks its source, for the page to lay out."""
        return [(event, self[self.field_name(event)]) for event in self.events]

    def choices(self) -> list[tuple[MembershipEvent, Source]]:
        """The valid form's choices: each event with the source chosen for it."""
        return [
            (event, self._sources[event.pk][self.cleaned_data[self.field_name(event)]])
            for event in self.events
        ]
