"""Formatting shared by every template: Swedish prices and sanitised markdown."""

import json
import re

import markdown as markdown_lib
import nh3
from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()

NBSP = "\u00a0"
ALLOWED_TAGS = {"p", "ul", "ol", "li", "strong", "em", "a", "h3", "h4", "br", "blockquote"}


@register.filter
def kr(value):
    """1490 -> "1 490 kr" with non-breaking spaces, as Swedish prices are written."""
    if value is None or value == "":
        return ""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return value
    grouped = f"{abs(number):,}".replace(",", NBSP)
    sign = "−" if number < 0 else ""
    return f"{sign}{grouped}{NBSP}kr"


@register.filter
def markdown(text, top_level=None):
    """Render staff-written markdown; raw HTML is stripped, links get safe attributes.

    Staff write headings as ### and ####. Where the text sits right under the page's h1
    rather than under an h2, `{{ text|markdown:2 }}` lifts its headings so the highest is an
    h2: the page's headings then go down one level at a time (never below h2).
    """
    html = markdown_lib.markdown(text or "", output_format="html")
    html = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto", "tel"},
    )
    levels = [int(level) for level in re.findall(r"<h([3-4])>", html)]
    if top_level is not None and levels:
        shift = max(2, min(int(top_level), 6)) - min(levels)
        html = re.sub(r"<(/?)h([3-4])>", lambda m: f"<{m[1]}h{int(m[2]) + shift}>", html)
    return mark_safe(html)


@register.simple_tag
def json_ld(data):
    """A JSON-LD block, escaped so that no text in it can close the script element."""
    payload = json.dumps(data, ensure_ascii=False)
    payload = payload.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')


@register.simple_tag
def stars(rating, out_of=5):
    """The clinic's rating as text a screen reader reads ("4 av 5") with stars for the eye."""
    rating = int(rating)
    shown = "★" * rating + "☆" * (out_of - rating)
    return mark_safe(
        f'<span class="rating"><span aria-hidden="true">{shown}</span> '
        f'<span class="rating-text">{escape(rating)} av {escape(out_of)}</span></span>'
    )


@register.filter
def booking_url(location, package):
    """The booking page of a package at a location: `{{ location|booking_url:package }}`."""
    return reverse(
        "booking:slots", kwargs={"location_slug": location.slug, "package_slug": package.slug}
    )
