"""index_site: Pagefind indexes the marked part of a built site, quietly, and reports failures as problems."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from generator.search import index_site

HOME = """\
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Publications</title></head>
<body><main><h1>Publications</h1><p>Not a paper, so not indexed.</p></main></body></html>
"""

PAPER = """\
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>
<body><header>Publications</header><main data-pagefind-body><h1>{title}</h1><p>{authors}</p></main></body></html>
"""


def make_site(root: Path) -> Path:
    site = root / "site"
    (site / "papers" / "ortiz-2021-grammar").mkdir(parents=True)
    (site / "papers" / "okafor-2023-zebra").mkdir(parents=True)
    (site / "index.html").write_text(HOME, encoding="utf-8")
    (site / "papers" / "ortiz-2021-grammar" / "index.html").write_text(
        PAPER.format(title="A Grammar of Invented Languages", authors="Lucía Ortiz"), encoding="utf-8"
    )
    (site / "papers" / "okafor-2023-zebra" / "index.html").write_text(
        PAPER.format(title="Zebra Crossings for Parsers", authors="Okafor"), encoding="utf-8"
    )
    return site


def digest_tree(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_index_site_writes_the_index_and_ui(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    site = make_site(tmp_path)

    assert index_site(site) == []

    bundle = site / "pagefind"
    for name in ("pagefind.js", "pagefind-ui.js", "pagefind-ui.css", "pagefind-entry.json"):
        assert (bundle / name).is_file(), name
    assert list(bundle.glob("index/*.pf_index"))
    assert list(bundle.glob("fragment/*.pf_fragment"))
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert entry["languages"]["en"]["page_count"] == 2  # the two papers; home has no data-pagefind-body
    assert capfd.readouterr() == ("", "")


def test_index_site_is_repeatable_and_leaves_no_stale_files(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    assert index_site(site) == []
    first = digest_tree(site / "pagefind")

    assert index_site(site) == []
    assert digest_tree(site / "pagefind") == first

    paper = site / "papers" / "okafor-2023-zebra" / "index.html"
    paper.write_text(paper.read_text(encoding="utf-8").replace("Zebra", "Giraffe"), encoding="utf-8")
    assert index_site(site) == []
    changed = digest_tree(site / "pagefind")
    assert changed != first
    assert len([name for name in changed if name.endswith(".pf_meta")]) == 1


def test_missing_folder_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-site"

    problems = index_site(missing)

    assert len(problems) == 1
    assert problems[0].path == str(missing)
    assert "not found" in problems[0].message
    assert not missing.exists()


def test_folder_without_html_is_a_problem(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "notes.txt").write_text("no pages here\n", encoding="utf-8")

    problems = index_site(site)

    assert len(problems) == 1
    assert problems[0].path == str(site)
    assert "Pagefind failed" in problems[0].message
    assert "html" in problems[0].message

