"""Inline SVG charts: well-formed, labelled, escaped, deterministic, and showing the input's numbers."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.charts import (
    Chart,
    chart_table_html,
    coauthor_network_svg,
    papers_per_year_svg,
    topic_year_svg,
)

NS = {"svg": "http://www.w3.org/2000/svg"}
HOSTILE = 'Zoë <b>"Bold"</b> & Sons\''


def _url(item_id: str) -> str:
    return f"../people/{item_id}/?from=chart&x=1"


def _parse(chart: Chart) -> ET.Element:
    return ET.fromstring(chart.svg)


def _assert_labelled(root: ET.Element, chart_id: str) -> None:
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("viewBox") and root.get("width") == "100%"
    title = root.find("svg:title", NS)
    desc = root.find("svg:desc", NS)
    assert title is not None and title.get("id") == f"{chart_id}-title" and title.text
    assert desc is not None and desc.get("id") == f"{chart_id}-desc" and desc.text
    referenced = (root.get("aria-labelledby", "") + " " + root.get("aria-describedby", "")).split()
    assert set(referenced) == {f"{chart_id}-title", f"{chart_id}-desc"}
    if root.find(".//svg:a", NS) is not None:
        assert root.get("role") is None  # an image's links would be hidden from assistive technology
    else:
        assert root.get("role") == "img"


def _no_float_noise(svg: str) -> None:
    assert not re.search(r"\d\.\d{3,}", svg), "coordinates are rounded to two decimals"
    assert not re.search(r"[\s\"(]-0[\s\")]", svg) and not re.search(r"\de[-+]?\d", svg)


# ---------------------------------------------------------------- papers per year


def test_years_are_contiguous_and_bars_carry_the_counts() -> None:
    counts = {2003: 2, 2001: 5, 2007: 1}
    chart = papers_per_year_svg(counts, "Papers per year", "years-1")
    root = _parse(chart)
    _assert_labelled(root, "years-1")
    bars = root.findall(".//svg:rect[@class='chart-bar']", NS)
    assert [int(bar.get("data-year")) for bar in bars] == list(range(2001, 2008))
    assert {int(bar.get("data-year")): int(bar.get("data-count")) for bar in bars} == {
        year: counts.get(year, 0) for year in range(2001, 2008)
    }
    assert sum(int(bar.get("data-count")) for bar in bars) == 8
    assert chart.table_columns == ("Year", "Papers")
    assert [(row.label, row.values) for row in chart.table_rows] == [
        (str(year), (counts.get(year, 0),)) for year in range(2001, 2008)
    ]
    assert root.get("role") == "img"
    assert "8 papers in total" in root.find("svg:desc", NS).text
    _no_float_noise(chart.svg)


def test_taller_bars_for_more_papers() -> None:
    root = _parse(papers_per_year_svg({2020: 1, 2021: 4, 2022: 0}, "t", "c"))
    heights = [float(bar.get("height")) for bar in root.findall(".//svg:rect", NS)]
    assert heights[1] > heights[0] > heights[2] == 0


def test_single_year_and_no_years() -> None:
    root = _parse(papers_per_year_svg({1999: 3}, "t", "c"))
    assert [bar.get("data-count") for bar in root.findall(".//svg:rect", NS)] == ["3"]
    empty = papers_per_year_svg({}, "No papers", "c")
    _assert_labelled(_parse(empty), "c")
    assert empty.table_rows == ()


def test_title_is_escaped() -> None:
    chart = papers_per_year_svg({2020: 1}, HOSTILE, "c")
    assert "<b>" not in chart.svg
    assert _parse(chart).find("svg:title", NS).text == HOSTILE


@pytest.mark.parametrize("chart_id", ["", "1abc", 'a"b', "a b", "a<b"])
def test_chart_id_must_be_a_plain_id(chart_id: str) -> None:
    with pytest.raises(ValueError):
        papers_per_year_svg({2020: 1}, "t", chart_id)


@given(st.dictionaries(st.integers(1900, 2030), st.integers(0, 5000), min_size=1, max_size=60))
def test_any_counts_give_a_matching_well_formed_chart(counts: dict[int, int]) -> None:
    chart = papers_per_year_svg(counts, "t", "p")
    root = _parse(chart)
    bars = root.findall(".//svg:rect[@class='chart-bar']", NS)
    years = [int(bar.get("data-year")) for bar in bars]
    assert years == list(range(min(counts), max(counts) + 1))
    assert sum(int(bar.get("data-count")) for bar in bars) == sum(counts.values())
    assert all(float(bar.get("height")) >= 0 for bar in bars)
    assert chart == papers_per_year_svg(dict(reversed(list(counts.items()))), "t", "p")  # order-free
    _no_float_noise(chart.svg)


# ---------------------------------------------------------------- co-author network


def _coauthors(count: int) -> list[tuple[str, str, int]]:
    return [(f"p{i:02d}", f"Person {i:02d}", 1 + i % 4) for i in range(count)]


def test_network_links_every_drawn_coauthor() -> None:
    coauthors = [("bo-li", "Bo Li", 3), ("ada-king", "Ada King", 1), ("cy-young", "Cy Young", 3)]
    chart = coauthor_network_svg(("me", "Jane Doe"), coauthors, _url, "net")
    root = _parse(chart)
    _assert_labelled(root, "net")
    links = root.findall(".//svg:a", NS)
    # Most joint papers first, then by name.
    assert [link.get("data-person") for link in links] == ["bo-li", "cy-young", "ada-king"]
    assert [link.get("href") for link in links] == [_url(pid) for pid in ("bo-li", "cy-young", "ada-king")]
    assert [link.find("svg:text", NS).text for link in links] == ["Bo Li", "Cy Young", "Ada King"]
    assert [link.find("svg:title", NS).text for link in links] == [
        "Bo Li: 3 joint papers", "Cy Young: 3 joint papers", "Ada King: 1 joint paper"
    ]
    edges = root.findall(".//svg:line[@class='chart-edge']", NS)
    assert [int(edge.get("data-joint")) for edge in edges] == [3, 3, 1]
    assert float(edges[0].get("stroke-width")) > float(edges[2].get("stroke-width"))
    assert [(row.label, row.values, row.url) for row in chart.table_rows] == [
        ("Bo Li", (3,), _url("bo-li")), ("Cy Young", (3,), _url("cy-young")), ("Ada King", (1,), _url("ada-king"))
    ]
    _no_float_noise(chart.svg)


def test_network_is_capped_and_says_how_many_are_left_out() -> None:
    chart = coauthor_network_svg(("me", "Jane Doe"), _coauthors(30), _url, "net", max_nodes=24)
    root = _parse(chart)
    assert len(root.findall(".//svg:a", NS)) == 24
    assert len(root.findall(".//svg:line", NS)) == 24
    assert "6 more" in root.find("svg:desc", NS).text
    assert any("6 more" in (text.text or "") for text in root.iter("{http://www.w3.org/2000/svg}text"))
    assert len(chart.table_rows) == 30  # the table lists everyone
    # The ones left out have the fewest joint papers.
    drawn = [int(link.get("data-joint")) for link in root.findall(".//svg:a", NS)]
    left_out = [row.values[0] for row in chart.table_rows[24:]]
    assert min(drawn) >= max(left_out)


def test_network_escapes_names_and_urls_and_skips_the_person_themself() -> None:
    chart = coauthor_network_svg(
        ("me", HOSTILE), [("me", HOSTILE, 9), ("x", HOSTILE, 2)], lambda pid: f'a"b<{pid}>&c', "net"
    )
    root = _parse(chart)
    links = root.findall(".//svg:a", NS)
    assert len(links) == 1 and links[0].get("href") == 'a"b<x>&c'
    assert "<b>" not in chart.svg
    assert links[0].find("svg:title", NS).text == f"{HOSTILE}: 2 joint papers"
    assert root.find(".//svg:g[@class='chart-center']/svg:text", NS).text == HOSTILE
    assert 'href="a&quot;b&lt;x&gt;&amp;c"' in chart_table_html(chart)


def test_network_without_coauthors() -> None:
    root = _parse(coauthor_network_svg(("me", "Jane Doe"), [], _url, "net"))
    _assert_labelled(root, "net")
    assert root.get("role") == "img" and root.find(".//svg:a", NS) is None


def test_network_is_deterministic_whatever_the_input_order() -> None:
    coauthors = _coauthors(30)
    first = coauthor_network_svg(("me", "Jane"), coauthors, _url, "n")
    assert first == coauthor_network_svg(("me", "Jane"), list(reversed(coauthors)), _url, "n")


def test_long_names_are_shortened_on_the_picture_not_in_the_title() -> None:
    name = "Maximiliana Augusta Wilhelmina von Hohenzollern"
    root = _parse(coauthor_network_svg(("me", "Jane"), [("m", name, 1)], _url, "n"))
    link = root.find(".//svg:a", NS)
    assert link.find("svg:text", NS).text.endswith("…") and len(link.find("svg:text", NS).text) <= 18
    assert link.find("svg:title", NS).text.startswith(name)


# ---------------------------------------------------------------- topics by year


def test_heat_map_cells_carry_the_counts() -> None:
    rows = [("lm", "Language models", {2019: 2, 2021: 5}), ("mt", "Machine <translation>", {2017: 1})]
    chart = topic_year_svg(rows, _url, "topics")
    root = _parse(chart)
    _assert_labelled(root, "topics")
    cells = root.findall(".//svg:rect[@class='chart-cell']", NS)
    assert len(cells) == 2 * 5
    found = {(cell.get("data-topic"), int(cell.get("data-year"))): int(cell.get("data-count")) for cell in cells}
    assert found == {(tid, year): counts.get(year, 0) for tid, _, counts in rows for year in range(2017, 2022)}
    assert sum(found.values()) == 8
    assert [link.get("href") for link in root.findall(".//svg:a", NS)] == [_url("lm"), _url("mt")]
    assert "<translation>" not in chart.svg
    assert chart.table_columns == ("Topic", "2017", "2018", "2019", "2020", "2021")
    assert chart.table_rows[0].values == (0, 0, 2, 0, 5) and chart.table_rows[1].values == (1, 0, 0, 0, 0)
    darkest = max(cells, key=lambda cell: float(cell.get("fill-opacity")))
    assert (darkest.get("data-topic"), darkest.get("data-year")) == ("lm", "2021")
    _no_float_noise(chart.svg)


def test_heat_map_without_data() -> None:
    for rows in ([], [("lm", "Language models", {})]):
        chart = topic_year_svg(rows, _url, "topics")
        _assert_labelled(_parse(chart), "topics")
        assert chart.table_rows == ()


# ---------------------------------------------------------------- tables


def test_table_html_parses_and_repeats_the_numbers() -> None:
    chart = papers_per_year_svg({2020: 2, 2022: 1}, "Papers & more", "c")
    table = ET.fromstring(chart_table_html(chart))
    assert table.find("caption").text == "Papers & more"
    assert [th.text for th in table.findall("thead/tr/th")] == ["Year", "Papers"]
    assert [[cell.text for cell in tr] for tr in table.findall("tbody/tr")] == [
        ["2020", "2"], ["2021", "0"], ["2022", "1"]
    ]


def test_same_input_same_bytes() -> None:
    def build() -> tuple[Chart, ...]:
        return (
            papers_per_year_svg({2001: 1, 2010: 7}, "t", "a"),
            coauthor_network_svg(("me", "Jane"), _coauthors(7), _url, "b"),
            topic_year_svg([("x", "X", {2001: 3}), ("y", "Y", {2003: 1})], _url, "c"),
        )

    assert build() == build()
