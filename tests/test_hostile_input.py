"""Untrusted text goes in; nothing that can run, or link to a script, comes out."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import store
from generator.check import check_content
from generator.importer import import_sources

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = Path(__file__).parent / "data" / "hostile" / "script_everywhere.bib"
class ScriptFinder(HTMLParser):
    """Everything in a page that runs script: inline scripts, event-handler attributes, script URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_script: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and not values.get("src"):
            self._in_script = values.get("type") or "text/javascript"
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "action", "formaction") and value and \
                    value.strip().lower().startswith(("javascript:", "data:", "vbscript:")):
                self.found.append(f"<{tag} {name}={value[:30]}>")
        if tag in ("img", "iframe", "object", "embed"):
            self.found.append(f"<{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = None

    def handle_data(self, data: str) -> None:
        # Only the site's own inline scripts (search UI, JSON-LD data) may exist; none may carry the data's text.
        if self._in_script not in (None, "application/ld+json") and "alert(" in data:
            self.found.append(f"script text: {data.strip()[:40]}")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[str]]:
    root = tmp_path_factory.mktemp("hostile")
    content = root / "content"
    content.mkdir()
    shutil.copy(ROOT / "content" / "venues.yaml", content)
    report = import_sources([HOSTILE], content)
    from generator.build import build_site
    from generator.config import load_config

    config, _ = load_config(content, root / "site", ROOT / "templates", ROOT / "static")
    build_site(config)
    return content, root / "site", [str(p) for p in report.problems]


def test_import_keeps_the_record_and_moves_unsafe_fields_aside(hostile_site) -> None:
    content, _, problems = hostile_site
    [path] = (content / "papers").glob("*.yaml")
    record = yaml.safe_load(path.read_text("utf-8"))
    assert "url" not in record and "doi" not in record
    assert record["extra"]["url"] == "javascript:alert(3)" and record["extra"]["doi"] == "not a doi"
    assert any("url: " in p and "kept as extra.url" in p for p in problems)
    assert check_content(content).problems == []  # what import wrote is valid


def test_no_page_carries_anything_executable(hostile_site) -> None:
    _, site, _ = hostile_site
    pages = sorted(site.rglob("*.html"))
    assert pages
    for page in pages:
        text = page.read_text("utf-8")
        # JSON-LD is the one <script> data block; it must not be closable from the data.
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', text, re.DOTALL):
            assert "<" not in block
        finder = ScriptFinder()
        finder.feed(text)
        assert finder.found == [], f"{page.relative_to(site)}: {finder.found}"


def test_hostile_title_is_shown_as_text(hostile_site) -> None:
    _, site, _ = hostile_site
    [paper_page] = (site / "papers").glob("*/index.html")
    html = paper_page.read_text("utf-8")
    assert "Hello &lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;" in html


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_loading_any_text_as_a_record_never_raises(text: str) -> None:
    paper, problems = store.load_paper(text, "x.yaml")
    assert (paper is None) == bool(problems)


@settings(max_examples=100, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
                    max_leaves=12))
def test_loading_any_yaml_as_venues_people_or_topics_never_raises(tmp_path_factory, data) -> None:
    folder = tmp_path_factory.mktemp("registries")
    for name in ("venues.yaml", "people.yaml", "topics.yaml"):
        (folder / name).write_text(yaml.safe_dump(data), encoding="utf-8")
    store.load_venues(folder)
    store.load_people(folder)
    store.load_topics(folder)


@pytest.mark.parametrize("bad_id", ["../etc", "a/b", "con", "Upper", "with space", ""])
def test_ids_that_could_escape_or_collide_are_refused(bad_id: str) -> None:
    paper, problems = store.load_paper(yaml.safe_dump({"id": bad_id, "type": "misc", "title": "T"}), "x.yaml")
    assert paper is None and any(p.message.startswith("id:") for p in problems)


def test_venue_ids_must_be_slugs(tmp_path: Path) -> None:
    (tmp_path / "venues.yaml").write_text("venues:\n- id: ../../x\n- id: fine\n", encoding="utf-8")
    catalog, problems = store.load_venues(tmp_path)
    assert [v.id for v in catalog.venues] == ["fine"] and "must be a slug" in str(problems[0])
