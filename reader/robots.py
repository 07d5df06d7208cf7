"""`/robots.txt`: crawlers may read everything; the sitemap lists the pages."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    """The robots exclusion file: nothing excluded, and where the sitemap is."""
    lines = ["User-agent: *", "Allow: /", f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
