"""Template helpers of the registry pages."""

import datetime

from django import template
from django.utils.html import format_html

from organizations.models import in_citation_order
from organizations.status import Status
from organizations.timeline import format_date, iso_date

register = template.Library()


@register.simple_tag
def precise_date(value: datetime.date | None, precision: str = "day") -> str:
    """A `<time>` element showing `value` only as precisely as it is known; empty for None."""
    if value is None:
        return ""
    return format_html(
        '<time datetime="{}">{}</time>', iso_date(value, precision), format_date(value, precision)
    )


@register.simple_tag
def status_badge(value: str) -> str:
    """A membership status as a labelled badge: text, not colour alone, carries the meaning."""
    try:
        label = Status(value).label
    except ValueError:
        label = value
    return format_html('<span class="status status-{}">{}</span>', value, label)


@register.filter
def citation_order(sources):
    """Sources as the registry cites them: official texts first."""
    return in_citation_order(sources)


@register.simple_tag
def verifying_source(event, sources):
    """Which of `sources` (the event's own, as loaded) `event` was verified against, or None."""
    if event.verified_at is None:
        return None
    return next((source for source in sources if source.pk == event.verified_source_id), None)
