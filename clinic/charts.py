"""Small server-side SVG charts: stacked bars, grouped bars and lines.

A `Chart` holds categories (the x axis, in order) and series of values, one per category
(None: no value). `chart.svg()` draws it as an <svg role="img"> named by its <title> (and a
<desc> saying what it shows); every bar and point carries data-series, data-category and
data-value, so a test can compare the picture with the table beneath it. No JavaScript and
no request to anyone: the numbers are drawn as the page is made.
"""

import math
from dataclasses import dataclass, field

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe

# Okabe–Ito: told apart with every common colour vision deficiency; 3:1 or more against white.
# The legend's swatches repeat them in static/css/numbers.css (.swatch-0 …): no inline styles.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8A6D00", "#5B5B5B", "#0B5394"]
WIDTH, HEIGHT = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 48
TEXT = "#1a1a1a"
GRID = "#d0d0d0"


@dataclass
class Series:
    name: str
    values: list


@dataclass
class Chart:
    id: str
    title: str
    kind: str  # "stacked", "bars" (side by side) or "lines"
    categories: list
    series: list
    x_label: str
    y_label: str
    unit: str = ""  # "%", "kr", "h" or "" (a count)
    tick_labels: list = field(default_factory=list)  # short labels for the axis, else categories

    def svg(self):
        return render(self)

    def legend(self):
        return format_html(
            '<ul class="chart-legend" aria-hidden="true">{}</ul>',
            format_html_join(
                "",
                '<li><span class="chart-swatch swatch-{}"></span>{}</li>',
                ((n % len(PALETTE), s.name) for n, s in enumerate(self.series)),
            ),
        )


def colour(n):
    return PALETTE[n % len(PALETTE)]


def format_number(value, unit=""):
    """Swedish: a space between thousands, a decimal comma, one decimal at most."""
    if value is None:
        return "–"
    if isinstance(value, float) and not value.is_integer():
        text = f"{value:,.1f}"
    else:
        text = f"{int(round(value)):,}"
    text = text.replace(",", "\u00a0").replace(".", ",")
    return f"{text}\u00a0{unit}" if unit else text


def nice_top(value):
    """The smallest 1, 2, 2.5 or 5 × 10^k at or above value (the axis' top)."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


def top_of(chart):
    if chart.kind == "stacked":
        totals = [sum(s.values[i] or 0 for s in chart.series) for i in range(len(chart.categories))]
    else:
        totals = [v for s in chart.series for v in s.values if v is not None]
    top = nice_top(max(totals, default=0))
    return 100 if chart.unit == "%" and top <= 100 and top > 50 else top


def render(chart):
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = top_of(chart)
    count = max(len(chart.categories), 1)
    band = plot_w / count

    def y(value):
        return TOP + plot_h - (value / top) * plot_h

    parts = [axes(chart, top, y, band, plot_w, plot_h)]
    if chart.kind == "lines":
        parts.append(lines(chart, y, band))
    else:
        parts.append(bars(chart, y, band))
    title_id, desc_id = f"{chart.id}-titel", f"{chart.id}-beskrivning"
    description = (
        f"{chart.y_label} per {chart.x_label.lower()}: "
        + ", ".join(s.name for s in chart.series)
        + ". Samma siffror finns i tabellen under diagrammet."
    )
    return format_html(
        '<svg class="chart" id="{}" role="img" aria-labelledby="{} {}" viewBox="0 0 {} {}" '
        'xmlns="http://www.w3.org/2000/svg" data-kind="{}">'
        '<title id="{}">{}</title><desc id="{}">{}</desc>{}</svg>',
        chart.id,
        title_id,
        desc_id,
        WIDTH,
        HEIGHT,
        chart.kind,
        title_id,
        chart.title,
        desc_id,
        description,
        mark_safe("".join(parts)),  # noqa: S308 - every name and label escaped above
    )


def axes(chart, top, y, band, plot_w, plot_h):
    parts = []
    for n in range(5):
        value = top * n / 4
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="1"/>'
                '<text x="{}" y="{}" text-anchor="end" font-size="11" fill="{}">{}</text>',
                LEFT,
                LEFT + plot_w,
                f"{y(value):.1f}",
                f"{y(value):.1f}",
                GRID,
                LEFT - 6,
                f"{y(value) + 4:.1f}",
                TEXT,
                format_number(value, chart.unit),
            )
        )
    labels = chart.tick_labels or chart.categories
    every = max(1, math.ceil(len(labels) / max(1, plot_w // 56)))
    for n, label in enumerate(labels):
        if n % every:
            continue
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle" font-size="11" fill="{}">{}</text>',
                f"{LEFT + band * (n + 0.5):.1f}",
                TOP + plot_h + 16,
                TEXT,
                label,
            )
        )
    parts.append(
        format_html(
            '<text class="chart-x-label" x="{}" y="{}" text-anchor="middle" font-size="12" '
            'fill="{}">{}</text>'
            '<text class="chart-y-label" transform="translate(14 {}) rotate(-90)" '
            'text-anchor="middle" font-size="12" fill="{}">{}</text>'
            '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="1"/>',
            LEFT + plot_w / 2,
            HEIGHT - 8,
            TEXT,
            chart.x_label,
            TOP + plot_h / 2,
            TEXT,
            chart.y_label,
            LEFT,
            LEFT + plot_w,
            TOP + plot_h,
            TOP + plot_h,
            TEXT,
        )
    )
    return "".join(parts)


def mark(tag, attributes, series_name, category, value, unit):
    """A bar or a point, with its numbers for tests and a tooltip for the mouse. The names
    come escaped (once per series and category: a year's weeks make hundreds of marks)."""
    shown = "" if value is None else value
    text = escape(format_number(value, unit))
    return (
        f'<{tag} {attributes} data-series="{series_name}" data-category="{category}" '
        f'data-value="{shown}"><title>{category}: {series_name}, {text}</title></{tag}>'
    )


def bars(chart, y, band):
    parts = []
    width = band * 0.72
    stacked = chart.kind == "stacked"
    each = width if stacked else width / max(1, len(chart.series))
    names = [escape(s.name) for s in chart.series]
    for n, category in enumerate(map(escape, chart.categories)):
        base = 0
        left = LEFT + band * n + (band - width) / 2
        for s_index, series in enumerate(chart.series):
            value = series.values[n]
            low = base if stacked else 0
            high = low + (value or 0)
            x = left if stacked else left + each * s_index
            attributes = (
                f'x="{x:.1f}" y="{y(high):.1f}" width="{max(each - 1, 0.5):.1f}" '
                f'height="{y(low) - y(high):.1f}" fill="{colour(s_index)}"'
            )
            parts.append(mark("rect", attributes, names[s_index], category, value, chart.unit))
            if stacked:
                base = high
    return "".join(parts)


def lines(chart, y, band):
    parts = []
    categories = [escape(c) for c in chart.categories]
    for s_index, series in enumerate(chart.series):
        name = escape(series.name)
        points = [
            (LEFT + band * (n + 0.5), y(value), n, value)
            for n, value in enumerate(series.values)
            if value is not None
        ]
        if len(points) > 1:
            coordinates = " ".join(f"{px:.1f},{py:.1f}" for px, py, _, _ in points)
            parts.append(
                f'<polyline fill="none" stroke="{colour(s_index)}" stroke-width="2" '
                f'points="{coordinates}"/>'
            )
        for px, py, n, value in points:
            attributes = f'cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{colour(s_index)}"'
            parts.append(mark("circle", attributes, name, categories[n], value, chart.unit))
    return "".join(parts)
