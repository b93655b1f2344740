"""A hint for a likely mistyped e-mail domain ("gmial.com" -> "gmail.com"), never a rule:
the patient may send the address again unchanged and it is used as typed."""

# Domains our patients use most; a typed domain one slip away from one of them gets a hint.
COMMON_DOMAINS = [
    "gmail.com",
    "hotmail.com",
    "hotmail.se",
    "outlook.com",
    "outlook.se",
    "live.se",
    "live.com",
    "icloud.com",
    "yahoo.com",
    "yahoo.se",
    "msn.com",
    "telia.com",
    "bredband.net",
    "comhem.se",
    "protonmail.com",
]
# Slips that are more than one keystroke away, or too short to guess safely.
KNOWN_TYPOS = {
    "gmail.co": "gmail.com",
    "gmai.co": "gmail.com",
    "gnail.con": "gmail.com",
    "hotmial.se": "hotmail.se",
    "hotmail.c": "hotmail.com",
    "outlok.se": "outlook.se",
    "icloud.co": "icloud.com",
}
# Below this length one slip is too often another real domain (live.de, msn.se).
MIN_GUESS_LENGTH = 8


def suggest_domain(email: str) -> str | None:
    """The common domain `email` was probably meant to have, or None."""
    _, at, domain = (email or "").strip().lower().rpartition("@")
    if not at or not domain or domain in COMMON_DOMAINS:
        return None
    if domain in KNOWN_TYPOS:
        return KNOWN_TYPOS[domain]
    if len(domain) < MIN_GUESS_LENGTH:
        return None
    close = [common for common in COMMON_DOMAINS if one_slip_apart(domain, common)]
    return close[0] if len(close) == 1 else None


def one_slip_apart(a: str, b: str) -> bool:
    """True if `a` becomes `b` by one inserted, deleted, replaced or swapped character."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(diff) == 1:
            return True
        i, j = diff[0], diff[-1]
        return len(diff) == 2 and j == i + 1 and a[i] == b[j] and a[j] == b[i]
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))
