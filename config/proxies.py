"""Where a request came from, behind the reverse proxies the settings trust."""

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """The caller's address, as the trusted proxies in front of the site report it.

    Behind N proxies that each append the address they were called from to
    X-Forwarded-For (the `TRUSTED_PROXY_COUNT` setting), the caller is the
    N-th address from the right; anything further left was written by the
    caller and could be anything. Login throttling and the API's rate limit
    both count by it.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            address.strip()
            for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if address.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")
