"""Who is asking, as far as we can trust it.

The one place that decides a client's address: rate limits (clinic/throttle.py), admin login
lockouts (django-axes, AXES_CLIENT_IP_CALLABLE) and the holds a client may keep
(booking/holds.py) all count by it.
"""

import ipaddress

from django.conf import settings


def client_address(request) -> str | None:
    """The client's IP address, or None when there is none (a unix socket, a bad header).

    REMOTE_ADDR, or behind settings.TRUSTED_PROXY_COUNT reverse proxies of our own the entry
    the outermost of them wrote into X-Forwarded-For. Each proxy appends the address it saw,
    so only the last TRUSTED_PROXY_COUNT entries are ours; anything before them is whatever
    the client sent and is never used. With fewer entries than proxies (a request that
    bypassed a proxy), REMOTE_ADDR counts.
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
