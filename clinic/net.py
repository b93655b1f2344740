"""Who is asking, as far as we can trust it.

The one place that decides a client's address: rate limits (clinic/throttle.py), admin login
lockouts (django-axes, AXES_CLIENT_IP_CALLABLE), the holds a client may keep
(booking/holds.py) and the waitlist offers it may have open all count by it, through
`counted_address`: an IPv4 address as it is, an IPv6 address by its /64 network (what one
household or server usually gets).
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
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return None
    # ::ffff:a.b.c.d is an IPv4 client seen through an IPv6 socket or proxy: count it as IPv4.
    if parsed.version == 6 and parsed.ipv4_mapped:
        parsed = parsed.ipv4_mapped
    return str(parsed)


def address_key(address: str | None) -> str | None:
    """What counts as one client: an IPv4 address, or the network of an IPv6 address's /64."""
    if not address:
        return None
    parsed = ipaddress.ip_address(address)
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address)
    return str(parsed)


def counted_address(request, *args, **kwargs) -> str | None:
    """The client as every per-address count sees it (address_key of client_address)."""
    return address_key(client_address(request))
