"""build_site and `bibsite build`: the index lists every paper, escaped; builds are repeatable and all-or-nothing."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import build as build_module
from generator.build import BuildError, build_site
from generator.cli import main
from generator.config import load_config
from generator.feeds import FEED_SIZE
from generator.outputs import Output

REPO = Path(__file__).resolve().parents[1]
ATOM = "{http://www.w3.org/2005/Atom}"

VENUES = """\
venues:
- id: acl
  short: ACL
  name: Annual Meeting of the Association for Computational Linguistics
"""

PAPERS = {
    "ortiz-2021-grammar": """\
id: ortiz-2021-grammar
type: inproceedings
title: A Grammar of Invented Languages
authors:
- given: Lucía
  family: Ortiz
year: 2021
venue: acl
""",
    "brandt-etal-2023-script": """\
id: brandt-etal-2023-script
type: misc
title: Escaping <script> Tags & "Quotes" in Titles
authors:
- given: Hanne
  family: Brandt
- given: Tomasz
  family: Wiśniewski
year: 2023
""",
    "okafor-2023-zebra": """\
id: okafor-2023-zebra
type: article
title: Zebra Crossings for Parsers
authors:
- family: Okafor
year: 2023
venue: acl
""",
}


def make_content(root: Path) -> Path:
    content = root / "content"
    (content / "papers").mkdir(parents=True)
    (content / "venues.yaml").write_text(VENUES, encoding="utf-8")
    for paper_id, text in PAPERS.items():
        (content / "papers" / f"{paper_id}.yaml").write_text(text, encoding="utf-8")
    return content


def build(content: Path, output: Path):
    config, problems = load_config(content, output, REPO / "templates", REPO / "static")
    assert problems == []
    return build_site(config)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()
    }


def test_build_writes_one_page_per_paper_person_venue_year_and_index(tmp_path: Path) -> None:
    report = build(make_content(tmp_path), tmp_path / "site")
    people = ["hanne-brandt", "lucia-ortiz", "okafor", "tomasz-wisniewski"]
    papers = ["brandt-etal-2023-script", "okafor-2023-zebra", "ortiz-2021-grammar"]
    expected = {
        "index.html", "404.html", "all.bib", "sitemap.xml", "feed.xml", "robots.txt", "static/style.css", "static/bibsite.js",
        "authors/index.html", "venues/index.html", "topics/index.html", "years/index.html",
        "venues/acl/index.html", "venues/acl/acl.bib", "years/2021/index.html", "years/2023/index.html",
        *(f"authors/{p}/index.html" for p in people), *(f"authors/{p}/{p}.bib" for p in people),
        *(f"authors/{p}/feed.xml" for p in people),
        *(f"papers/{p}/index.html" for p in papers), *(f"papers/{p}/{p}.bib" for p in papers),
        "all.json", "all.ris", *(f"papers/{p}/{p}.json" for p in papers), *(f"papers/{p}/{p}.ris" for p in papers),
    }
    written = set(snapshot(tmp_path / "site"))
    assert {path for path in written if not path.startswith("pagefind/")} == expected
    assert "pagefind/pagefind.js" in written  # the search index
    assert report.papers == 3 and report.files_written == len(expected)


def test_index_lists_newest_papers_first(tmp_path: Path) -> None:
    build(make_content(tmp_path), tmp_path / "site")
    html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    positions = [
        html.index("Escaping &lt;script&gt; Tags"),  # 2023, "E..."
        html.index("Zebra Crossings for Parsers"),  # 2023, "Z..."
        html.index("A Grammar of Invented Languages"),  # 2021
    ]
    assert positions == sorted(positions)
    assert "Lucía Ortiz" in html and "Hanne Brandt, Tomasz Wiśniewski" in html and "Okafor" in html
    assert '<span class="meta">ACL · 2021</span>' in html
    assert '<html lang="en">' in html
    assert 'href="static/style.css"' in html


def test_titles_are_html_escaped(tmp_path: Path) -> None:
    build(make_content(tmp_path), tmp_path / "site")
    html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "Escaping <script> Tags" not in html
    assert "Escaping &lt;script&gt; Tags &amp; &#34;Quotes&#34; in Titles" in html


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    content = make_content(tmp_path)
    build(content, tmp_path / "first")
    build(content, tmp_path / "second")
    assert snapshot(tmp_path / "first") == snapshot(tmp_path / "second")


def test_rebuild_replaces_the_old_site(tmp_path: Path) -> None:
    content = make_content(tmp_path)
    output = tmp_path / "site"
    build(content, output)
    (output / "stale.html").write_text("left from an earlier build", encoding="utf-8")
    (content / "papers" / "okafor-2023-zebra.yaml").unlink()
    build(content, output)
    assert "stale.html" not in snapshot(output)
    assert "Zebra Crossings" not in (output / "index.html").read_text(encoding="utf-8")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["content", "site"]  # no temporary folders left


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("year", '"abc"', "year: 'abc' is not of type 'integer'"), ("venue", "nowhere", "venue: 'nowhere' is not in")],
)
def test_broken_record_stops_build_and_keeps_old_site(tmp_path: Path, field: str, value: str, message: str) -> None:
    content = make_content(tmp_path)
    output = tmp_path / "site"
    build(content, output)
    before = snapshot(output)
    broken = content / "papers" / "okafor-2023-zebra.yaml"
    lines = [
        f"{field}: {value}" if line.startswith(f"{field}:") else line
        for line in PAPERS["okafor-2023-zebra"].splitlines()
    ]
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (content / "papers" / "new-2024-paper.yaml").write_text(
        "id: new-2024-paper\ntype: misc\ntitle: New\n", encoding="utf-8"
    )

    with pytest.raises(BuildError) as caught:
        build(content, output)

    messages = [str(problem) for problem in caught.value.problems]
    assert len(messages) == 1 and messages[0].startswith(f"{broken}: {message}"), messages
    assert snapshot(output) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["content", "site"]


def test_missing_content_folder_is_refused(tmp_path: Path) -> None:
    output = tmp_path / "site"
    with pytest.raises(BuildError, match="content folder not found"):
        build(tmp_path / "no-such-content", output)
    assert not output.exists()


def test_output_folder_holding_the_content_is_refused(tmp_path: Path) -> None:
    content = make_content(tmp_path)
    before = snapshot(tmp_path)
    with pytest.raises(BuildError, match="refusing to replace a folder holding the content folder"):
        build(content, tmp_path)
    assert snapshot(tmp_path) == before


def invoke_build(content: Path, output: Path):
    args = ["build", "--content", str(content), "--out", str(output), "--templates", "templates", "--static", "static"]
    return CliRunner().invoke(main, args)


def test_cli_build_succeeds_on_good_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    content = make_content(tmp_path)
    monkeypatch.chdir(REPO)
    result = invoke_build(content, tmp_path / "site")
    assert result.exit_code == 0, result.output
    assert "built 3 papers" in result.stdout
    assert (tmp_path / "site" / "index.html").is_file()


def test_cli_build_fails_on_bad_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    content = make_content(tmp_path)
    broken = content / "papers" / "ortiz-2021-grammar.yaml"
    broken.write_text(PAPERS["ortiz-2021-grammar"].replace("year: 2021", 'year: "abc"'), encoding="utf-8")
    monkeypatch.chdir(REPO)
    result = invoke_build(content, tmp_path / "site")
    assert result.exit_code == 1
    assert f"{broken}: year: 'abc' is not of type 'integer'" in result.stderr.splitlines()
    assert not (tmp_path / "site").exists()


def test_an_authors_feed_holds_their_newest_papers_ties_by_id_undated_last(tmp_path: Path) -> None:
    content = make_content(tmp_path)
    dated = {"kelo-2020-b": (2020, None), "kelo-2020-a": (2020, None), "kelo-2020-march": (2020, 3),
             "kelo-2020-july": (2020, 7), "kelo-2024-new": (2024, None), "kelo-nd-undated": (None, None)}
    dated |= {f"kelo-2021-{number:02}": (2021, None) for number in range(FEED_SIZE - 2)}
    for paper_id, (year, month) in dated.items():
        lines = [f"id: {paper_id}", "type: misc", f"title: Paper {paper_id}", "authors:", "- given: Aino",
                 "  family: Kelo"]
        lines += [f"year: {year}"] if year else []
        lines += [f"month: {month}"] if month else []
        (content / "papers" / f"{paper_id}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    build(content, tmp_path / "site")
    feed = ET.parse(tmp_path / "site" / "authors" / "aino-kelo" / "feed.xml").getroot()
    links = [link.get("href") for link in feed.iter(f"{ATOM}link") if "/papers/" in (link.get("href") or "")]
    order = [href.split("/papers/", 1)[1].split("/", 1)[0] for href in links]
    # The feed holds the newest FEED_SIZE: the 2024 paper, every 2021 one, then July 2020 before the rest of 2020.
    assert order == ["kelo-2024-new", *(f"kelo-2021-{number:02}" for number in range(FEED_SIZE - 2)), "kelo-2020-july"]
    smaller = tmp_path / "smaller"
    shutil.copytree(content, smaller)
    for paper_id in ["kelo-2024-new", "kelo-2020-july", *(f"kelo-2021-{number:02}" for number in range(10))]:
        (smaller / "papers" / f"{paper_id}.yaml").unlink()
    build(smaller, tmp_path / "site2")
    feed = ET.parse(tmp_path / "site2" / "authors" / "aino-kelo" / "feed.xml").getroot()
    links = [link.get("href") for link in feed.iter(f"{ATOM}link") if "/papers/" in (link.get("href") or "")]
    order = [href.split("/papers/", 1)[1].split("/", 1)[0] for href in links]
    assert order == [*(f"kelo-2021-{number:02}" for number in range(10, FEED_SIZE - 2)), "kelo-2020-march",
                     "kelo-2020-a", "kelo-2020-b", "kelo-nd-undated"]


@pytest.mark.parametrize(
    "made",
    [
        "Å page\r\nwith line ends kept as they are\n",
        b"\x00\xffbytes as they are",
        # a bundle's chunks, longer than a batch, a character of several bytes at every batch's edge
        [("é" * 999 + "\n") for _ in range(3 * build_module._BATCH_CHARACTERS // 1000)],
    ],
    ids=["text", "bytes", "chunks"],
)
def test_a_file_holds_exactly_what_its_output_made(tmp_path: Path, made: str | bytes | list[str]) -> None:
    target = tmp_path / "file"
    target.write_text("an older, longer file " * 100, encoding="utf-8")  # replaced, not overwritten in part
    build_module._write(Output("file", "key", lambda argument: argument, made), str(target))
    expected = made if isinstance(made, bytes) else "".join(made).encode("utf-8")
    assert target.read_bytes() == expected
