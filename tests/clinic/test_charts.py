"""Our SVG charts: named for screen readers, bars and points as tall as their numbers, names
escaped, Swedish numbers on the axis."""

import re

from clinic.charts import Chart, Series, format_number, nice_top


def chart(kind="stacked", series=None, unit=""):
    return Chart(
        id="prov",
        title="Besök per vecka",
        kind=kind,
        categories=["v. 1 2026", "v. 2 2026"],
        series=series or [Series("Genomförda", [3, 1]), Series("Uteblev", [1, None])],
        x_label="Vecka",
        y_label="Besök",
        unit=unit,
    )


def marks(svg):
    return re.findall(
        r'<(rect|circle) ([^>]*)data-series="([^"]*)" data-category="([^"]*)" data-value="([^"]*)"',
        svg,
    )


def heights(svg):
    return [float(h) for h in re.findall(r'<rect [^>]*height="([\d.]+)"', svg)]


def test_svg_is_an_image_named_by_its_title():
    svg = str(chart().svg())
    assert svg.startswith('<svg class="chart" id="prov" role="img" aria-labelledby="prov-titel')
    assert '<title id="prov-titel">Besök per vecka</title>' in svg
    assert "Vecka</text>" in svg and "Besök</text>" in svg


def test_stacked_bars_are_as_tall_as_their_values():
    svg = str(chart().svg())
    # top of the axis: 4 visits rounds up to 5; the plot is 236 px tall
    assert heights(svg) == [141.6, 47.2, 47.2, 0.0]
    assert [m[2:] for m in marks(svg)] == [
        ("Genomförda", "v. 1 2026", "3"),
        ("Uteblev", "v. 1 2026", "1"),
        ("Genomförda", "v. 2 2026", "1"),
        ("Uteblev", "v. 2 2026", ""),
    ]


def test_lines_leave_out_missing_values():
    series = [Series("Anna Ek", [75.0, 37.5]), Series("Bo Lind", [62.5, None])]
    svg = str(chart("lines", series, unit="%").svg())
    assert svg.count("<polyline") == 1  # Bo Lind has one point only
    assert len(re.findall("<circle", svg)) == 3
    assert "100\u00a0%" in svg  # the axis of a percentage ends at 100 %


def test_names_are_escaped():
    svg = str(chart(series=[Series("<script>", [1, 2])]).svg())
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_swedish_numbers_and_nice_axis_tops():
    assert format_number(1250) == "1\u00a0250"
    assert format_number(12.5, "%") == "12,5\u00a0%"
    assert format_number(None) == "–"
    assert [nice_top(v) for v in (0, 3, 4, 7, 11, 180, 2600)] == [1, 5, 5, 10, 20, 200, 5000]
