"""Charts drawn at build time as inline SVG: papers per year, co-author network, topics by year.

Each function returns a ``Chart``: the SVG markup and the same numbers as table rows, so a page
can show a ``<table>`` next to the picture (``chart_table_html``), for instance inside
``<details>``. Nothing runs in the browser.

The SVG scales to its container (a ``viewBox`` and ``width="100%"``), draws with ``currentColor``
so it follows the text colour in light and dark mode, and carries class names
(``chart-bar``, ``chart-node``, ``chart-cell``...) that ``static/charts.css`` colours through
CSS custom properties. Its ``<title>`` and ``<desc>`` name and describe it: a chart without links
is ``role="img"``; one whose nodes or labels are links keeps the SVG's own role (no ``role``
attribute), because an image's content is hidden from assistive technology and its links would be
unreachable there (axe's ``nested-interactive``); the HTML checker accepts no other role on
``<svg>``.

Output is deterministic: the same input gives the same bytes. Coordinates are rounded to two
decimals and written without trailing zeros.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from .markup import xml_text

_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
_SVG_NS = "http://www.w3.org/2000/svg"


@dataclass(frozen=True, slots=True)
class TableRow:
    """One row of a chart's table: a label (a year, a person, a topic), its link, its numbers."""

    label: str
    values: tuple[int, ...]
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Chart:
    """An SVG and the numbers it shows. ``svg`` is markup: insert it unescaped (``|safe``)."""

    svg: str
    title: str
    table_columns: tuple[str, ...]  # the label column's heading, then one per value
    table_rows: tuple[TableRow, ...]


# ---------------------------------------------------------------- helpers


@lru_cache(maxsize=8192)  # charts repeat the same coordinates: one circle layout per co-author count
def _num(value: float) -> str:
    """``12``, ``12.5``, ``0.33``: two decimals at most, no float noise, never ``-0``."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _attr(text: str) -> str:
    return xml_text(text).replace('"', "&quot;")


def _checked_id(chart_id: str) -> str:
    if not _ID.fullmatch(chart_id):
        raise ValueError(f"chart id {chart_id!r} must be a letter followed by letters, digits, '-' or '_'")
    return chart_id


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _shorten(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _svg_open(chart_id: str, kind: str, width: float, height: float, has_links: bool) -> str:
    """The root element: scalable, labelled by its own title and described by its own desc."""
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    if has_links:
        aria = f'aria-labelledby="{title_id}" aria-describedby="{desc_id}"'
    else:
        aria = f'role="img" aria-labelledby="{title_id} {desc_id}"'
    return (
        f'<svg xmlns="{_SVG_NS}" class="chart chart-{kind}" viewBox="0 0 {_num(width)} {_num(height)}" '
        f'width="100%" {aria} font-size="12" fill="currentColor">'
    )


def _title_desc(chart_id: str, title: str, desc: str) -> str:
    return f'<title id="{chart_id}-title">{xml_text(title)}</title><desc id="{chart_id}-desc">{xml_text(desc)}</desc>'


def _nice_step(maximum: int, ticks: int = 4) -> int:
    """A step of 1, 2 or 5 times a power of ten giving about ``ticks`` gridlines up to ``maximum``."""
    raw = max(1.0, maximum / ticks)
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return int(factor * power)
    return int(10 * power)  # pragma: no cover - the loop always returns


def _label_every(slot: float, room: float, choices: Sequence[int] = (1, 2, 5, 10, 20, 25, 50, 100)) -> int:
    """Label every k-th column so that labels ``room`` units wide do not touch."""
    for every in choices:
        if every * slot >= room:
            return every
    return choices[-1] * math.ceil(room / (choices[-1] * slot))


def chart_table_html(chart: Chart, caption: str | None = None) -> str:
    """The chart's numbers as an HTML table, every text escaped; links where rows have a url."""
    head = "".join(f'<th scope="col">{xml_text(column)}</th>' for column in chart.table_columns)
    body = []
    for row in chart.table_rows:
        label = xml_text(row.label)
        if row.url:
            label = f'<a href="{_attr(row.url)}">{label}</a>'
        cells = "".join(f"<td>{value}</td>" for value in row.values)
        body.append(f'<tr><th scope="row">{label}</th>{cells}</tr>')
    caption_html = f"<caption>{xml_text(caption if caption is not None else chart.title)}</caption>"
    return f'<table class="chart-table">{caption_html}<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


# ---------------------------------------------------------------- papers per year

_YEARS_WIDTH, _YEARS_HEIGHT = 480, 220
_YEARS_MARGIN = {"left": 34, "right": 16, "top": 16, "bottom": 24}  # right: room for the last year


def papers_per_year_svg(counts: Mapping[int, int], title: str, chart_id: str) -> Chart:
    """A bar chart with one bar per year, every year from the first to the last (zeros included).

    Each bar is a ``<rect class="chart-bar" data-year=".." data-count="..">`` with a tooltip.
    Counts are printed above the bars when there is room; the y axis has integer gridlines.
    """
    chart_id = _checked_id(chart_id)
    columns = ("Year", "Papers")
    if not counts:
        svg = (
            _svg_open(chart_id, "years", _YEARS_WIDTH, 40, has_links=False)
            + _title_desc(chart_id, title, "No papers with a year.")
            + '<text x="8" y="24">No papers with a year.</text></svg>'
        )
        return Chart(svg, title, columns, ())
    first, last = min(counts), max(counts)
    years = range(first, last + 1)
    values = [counts.get(year, 0) for year in years]
    total, peak = sum(values), max(values)
    peak_year = years[values.index(peak)]

    left, right, top, bottom = (_YEARS_MARGIN[k] for k in ("left", "right", "top", "bottom"))
    plot_width = _YEARS_WIDTH - left - right
    plot_height = _YEARS_HEIGHT - top - bottom
    step = _nice_step(peak)
    y_max = max(step, math.ceil(peak / step) * step)
    slot = plot_width / len(values)
    bar_width = min(slot * 0.8, 40)
    baseline = top + plot_height

    def y_of(count: int) -> float:
        return baseline - plot_height * count / y_max

    parts = [
        _svg_open(chart_id, "years", _YEARS_WIDTH, _YEARS_HEIGHT, has_links=False),
        _title_desc(
            chart_id,
            title,
            f"Bar chart of papers per year, {first} to {last}: {_plural(total, 'paper')} in total, "
            f"most in {peak_year} ({peak}).",
        ),
        '<g class="chart-grid" stroke="currentColor" stroke-opacity="0.25">',
    ]
    for tick in range(0, y_max + 1, step):
        y = _num(y_of(tick))
        parts.append(f'<line x1="{left}" y1="{y}" x2="{_YEARS_WIDTH - right}" y2="{y}"/>')
    parts.append('</g><g class="chart-axis" text-anchor="end">')
    for tick in range(0, y_max + 1, step):
        parts.append(f'<text x="{left - 4}" y="{_num(y_of(tick))}" dy="0.35em">{tick}</text>')
    parts.append("</g><g class=\"chart-bars\">")
    count_room = 7 * len(str(peak)) + 2
    for index, (year, count) in enumerate(zip(years, values, strict=True)):
        x = left + slot * index + (slot - bar_width) / 2
        y = y_of(count)
        parts.append(
            f'<rect class="chart-bar" data-year="{year}" data-count="{count}" x="{_num(x)}" y="{_num(y)}" '
            f'width="{_num(bar_width)}" height="{_num(baseline - y)}"><title>{year}: {_plural(count, "paper")}'
            "</title></rect>"
        )
    parts.append('</g><g class="chart-values" text-anchor="middle" font-size="11">')
    if slot >= count_room:
        for index, count in enumerate(values):
            if count:
                x = left + slot * (index + 0.5)
                parts.append(f'<text x="{_num(x)}" y="{_num(y_of(count) - 4)}">{count}</text>')
    parts.append('</g><g class="chart-axis" text-anchor="middle">')
    every = _label_every(slot, 34)
    for index, year in enumerate(years):
        if year % every == 0 or every == 1:
            x = left + slot * (index + 0.5)
            parts.append(f'<text x="{_num(x)}" y="{_num(baseline + 16)}">{year}</text>')
    parts.append("</g></svg>")
    rows = tuple(TableRow(str(year), (count,)) for year, count in zip(years, values, strict=True))
    return Chart("".join(parts), title, columns, rows)


# ---------------------------------------------------------------- co-author network

_NETWORK_SIZE = 540
_NETWORK_RADIUS = 130
_NETWORK_LABEL_CHARS = 18
MAX_COAUTHOR_NODES = 24


def coauthor_network_svg(
    center: tuple[str, str],
    coauthors: Sequence[tuple[str, str, int]],
    url_for: Callable[[str], str],
    chart_id: str,
    max_nodes: int = MAX_COAUTHOR_NODES,
) -> Chart:
    """The person in the middle, co-authors on a circle around, an edge to each.

    ``center`` is ``(person_id, name)``; ``coauthors`` are ``(person_id, name, joint_papers)``.
    Co-authors are placed clockwise from the top, most joint papers first, then by name and id.
    At most ``max_nodes`` are drawn; the SVG says how many are left out, and the table lists all.
    Edge width and node size grow with the number of joint papers. Each co-author is an
    ``<a href>`` (``url_for(person_id)``) around a circle and the name (shortened to fit; the full
    name is in the link's tooltip).
    """
    chart_id = _checked_id(chart_id)
    center_id, center_name = center
    ordered = sorted(
        ((pid, name, joint) for pid, name, joint in coauthors if pid != center_id),
        key=lambda item: (-item[2], item[1].casefold(), item[1], item[0]),
    )
    shown, left_out = ordered[:max_nodes], len(ordered) - min(len(ordered), max_nodes)
    title = f"Co-authors of {center_name}"
    if not ordered:
        desc = f"{center_name} has no co-authors."
    else:
        most = ordered[0]
        desc = (
            f"Network of {center_name} and {_plural(len(ordered), 'co-author')}; "
            f"most joint papers with {most[1]} ({most[2]})."
        )
        if left_out:
            desc += f" The {len(shown)} with most joint papers are drawn; {left_out} more are listed in the table."

    size = _NETWORK_SIZE
    middle = size / 2
    parts = [
        _svg_open(chart_id, "network", size, size, has_links=bool(shown)),
        _title_desc(chart_id, title, desc),
        '<g class="chart-edges" stroke="currentColor" stroke-opacity="0.45">',
    ]
    heaviest = max((joint for _, _, joint in shown), default=1)
    places = []
    for index, (pid, name, joint) in enumerate(shown):
        angle = -math.pi / 2 + 2 * math.pi * index / len(shown)
        x = middle + _NETWORK_RADIUS * math.cos(angle)
        y = middle + _NETWORK_RADIUS * math.sin(angle)
        weight = (joint - 1) / (heaviest - 1) if heaviest > 1 else 0.0
        places.append((pid, name, joint, angle, x, y, weight))
        parts.append(
            f'<line class="chart-edge" data-joint="{joint}" x1="{_num(middle)}" y1="{_num(middle)}" '
            f'x2="{_num(x)}" y2="{_num(y)}" stroke-width="{_num(1 + 5 * weight)}"/>'
        )
    parts.append('</g><g class="chart-nodes">')
    for pid, name, joint, angle, x, y, weight in places:
        radius = 4 + 4 * weight
        degrees = math.degrees(angle)
        on_left = math.cos(angle) < -1e-9
        rotation = degrees + 180 if on_left else degrees
        label_x = x + (radius + 4) * math.cos(angle)
        label_y = y + (radius + 4) * math.sin(angle)
        anchor = "end" if on_left else "start"
        parts.append(
            f'<a class="chart-node" href="{_attr(url_for(pid))}" data-person="{_attr(pid)}" data-joint="{joint}">'
            f"<title>{xml_text(name)}: {_plural(joint, 'joint paper')}</title>"
            f'<circle cx="{_num(x)}" cy="{_num(y)}" r="{_num(radius)}"/>'
            f'<text x="{_num(label_x)}" y="{_num(label_y)}" dy="0.35em" text-anchor="{anchor}" '
            f'transform="rotate({_num(rotation)} {_num(label_x)} {_num(label_y)})">'
            f"{xml_text(_shorten(name, _NETWORK_LABEL_CHARS))}</text></a>"
        )
    center_label = _shorten(center_name, 28)
    label_width = 7.5 * len(center_label) + 8  # bold 12-unit text, about 7.5 units a character
    parts.append(
        f'</g><g class="chart-center"><circle class="chart-node-center" cx="{_num(middle)}" cy="{_num(middle)}" r="9"/>'
        # A backdrop for the name, where edges cross it: transparent unless charts.css colours it.
        f'<rect class="chart-backdrop" x="{_num(middle - label_width / 2)}" y="{_num(middle + 14)}" '
        f'width="{_num(label_width)}" height="18" rx="3" fill-opacity="0"/>'
        f'<text x="{_num(middle)}" y="{_num(middle + 23)}" dy="0.35em" text-anchor="middle" font-weight="bold">'
        f"{xml_text(center_label)}</text></g>"
    )
    if left_out:
        parts.append(
            f'<text class="chart-note" x="{_num(size - 8)}" y="{_num(size - 10)}" text-anchor="end">'
            f"and {left_out} more (see the table)</text>"
        )
    elif not ordered:
        parts.append(f'<text class="chart-note" x="{_num(middle)}" y="{_num(middle - 24)}" text-anchor="middle">'
                     "No co-authors</text>")
    parts.append("</svg>")
    rows = tuple(TableRow(name, (joint,), url_for(pid)) for pid, name, joint in ordered)
    return Chart("".join(parts), title, ("Co-author", "Joint papers"), rows)


# ---------------------------------------------------------------- topics by year

_HEAT_WIDTH = 480
_HEAT_LABEL_WIDTH = 132
_HEAT_LABEL_CHARS = 17
_HEAT_ROW = 22
_HEAT_TOP = 22
_HEAT_BOTTOM = 28


def topic_year_svg(
    rows: Sequence[tuple[str, str, Mapping[int, int]]],
    url_for: Callable[[str], str],
    chart_id: str,
    title: str = "Papers per topic and year",
) -> Chart:
    """A heat map: one row per topic (in the order given), one column per year from the first to
    the last year of any topic. Stronger cells hold more papers; each cell is a
    ``<rect class="chart-cell" data-topic=".." data-year=".." data-count="..">`` with a tooltip,
    and each topic name links to ``url_for(topic_id)``."""
    chart_id = _checked_id(chart_id)
    all_years = [year for _, _, counts in rows for year, count in counts.items() if count]
    if not rows or not all_years:
        svg = (
            _svg_open(chart_id, "topics", _HEAT_WIDTH, 40, has_links=False)
            + _title_desc(chart_id, title, "No papers with a topic and a year.")
            + '<text x="8" y="24">No papers with a topic and a year.</text></svg>'
        )
        return Chart(svg, title, ("Topic",), ())
    first, last = min(all_years), max(all_years)
    years = range(first, last + 1)
    grid = [[counts.get(year, 0) for year in years] for _, _, counts in rows]
    peak = max(max(line) for line in grid)
    peak_row, peak_column = next((r, c) for r, line in enumerate(grid) for c, value in enumerate(line) if value == peak)
    total = sum(map(sum, grid))

    plot_width = _HEAT_WIDTH - _HEAT_LABEL_WIDTH - 16  # room for the last year label
    slot = plot_width / len(years)
    height = _HEAT_TOP + _HEAT_ROW * len(rows) + _HEAT_BOTTOM
    desc = (
        f"Heat map of papers per topic and year for {_plural(len(rows), 'topic')}, {first} to {last}: "
        f"{_plural(total, 'paper-topic pair')}; the darkest cell is {rows[peak_row][1]} in {years[peak_column]} "
        f"({peak}). The table lists every number."
    )
    parts = [
        _svg_open(chart_id, "topics", _HEAT_WIDTH, height, has_links=True),
        _title_desc(chart_id, title, desc),
        '<g class="chart-axis" text-anchor="middle">',
    ]
    every = _label_every(slot, 34)
    for index, year in enumerate(years):
        if year % every == 0 or every == 1:
            x = _HEAT_LABEL_WIDTH + slot * (index + 0.5)
            parts.append(f'<text x="{_num(x)}" y="{_HEAT_TOP - 8}">{year}</text>')
    parts.append('</g><g class="chart-labels" text-anchor="end">')
    for row_index, (topic_id, name, _) in enumerate(rows):
        y = _HEAT_TOP + _HEAT_ROW * (row_index + 0.5)
        parts.append(
            f'<a href="{_attr(url_for(topic_id))}" data-topic="{_attr(topic_id)}"><title>{xml_text(name)}</title>'
            f'<text x="{_HEAT_LABEL_WIDTH - 6}" y="{_num(y)}" dy="0.35em">{xml_text(_shorten(name, _HEAT_LABEL_CHARS))}</text></a>'
        )
    parts.append('</g><g class="chart-cells" stroke="currentColor" stroke-opacity="0.15" stroke-width="0.5">')
    gap = min(1.0, slot / 8)
    for row_index, (topic_id, name, _) in enumerate(rows):
        y = _HEAT_TOP + _HEAT_ROW * row_index
        for index, year in enumerate(years):
            count = grid[row_index][index]
            x = _HEAT_LABEL_WIDTH + slot * index
            opacity = 0.12 + 0.88 * count / peak if count else 0.02
            parts.append(
                f'<rect class="chart-cell" data-topic="{_attr(topic_id)}" data-year="{year}" data-count="{count}" '
                f'x="{_num(x + gap / 2)}" y="{_num(y + 1)}" width="{_num(slot - gap)}" height="{_HEAT_ROW - 2}" '
                f'fill-opacity="{_num(opacity)}"><title>{xml_text(name)}, {year}: {_plural(count, "paper")}</title></rect>'
            )
    legend_y = _HEAT_TOP + _HEAT_ROW * len(rows) + 18
    parts.append(
        f'</g><text class="chart-note" x="{_HEAT_LABEL_WIDTH}" y="{legend_y}">'
        f"Stronger colour: more papers (strongest {peak}).</text></svg>"
    )
    columns = ("Topic", *(str(year) for year in years))
    table = tuple(
        TableRow(name, tuple(line), url_for(topic_id)) for (topic_id, name, _), line in zip(rows, grid, strict=True)
    )
    return Chart("".join(parts), title, columns, table)
