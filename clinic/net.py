"""Who is asking, as far as we can trust it."""

import ipaddress

from django.conf import settings


def client_address(request) -> str | None:
    """The client's IP: REMOTE_ADDR, or behind N trusted proxies the entry the outermost wrote.

    The client can put anything at the start of X-Forwarded-For; only the last
    TRUSTED_PROXY_COUNT entries were written by our own proxies.
    """
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None
