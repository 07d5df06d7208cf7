"""Template helpers of the registry pages."""

import datetime

from django import template
from django.utils.html import format_html

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
