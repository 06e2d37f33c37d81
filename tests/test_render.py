"""The Jinja environment: escaping, strict undefined names, and `url` relative to the page."""

from __future__ import annotations

from pathlib import Path

import pytest
from jinja2 import Environment, StrictUndefined, UndefinedError

from generator.render import make_environment, relative_url, render_page


@pytest.mark.parametrize(
    ("page", "target", "expected"),
    [
        ("index.html", "static/style.css", "static/style.css"),
        ("papers/x.html", "static/style.css", "../static/style.css"),
        ("authors/a/index.html", "index.html", "../../index.html"),
        ("papers/x.html", "https://doi.org/10.1/x", "https://doi.org/10.1/x"),
        # folder links name their index.html, so the site also works opened from file://
        ("papers/a/index.html", "authors/b/", "../../authors/b/index.html"),
        ("index.html", "", "index.html"),
    ],
)
def test_relative_url(page: str, target: str, expected: str) -> None:
    assert relative_url(page, target) == expected


def test_render_page_escapes_and_links_relative_to_the_page(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text("<a href=\"{{ 'static/s.css'|url }}\">{{ title }}</a>\n", encoding="utf-8")
    env = make_environment(tmp_path)
    html = render_page(env, "page.html", {"page_path": "papers/p.html", "title": "<b>x</b>"})
    assert html == '<a href="../static/s.css">&lt;b&gt;x&lt;/b&gt;</a>\n'


def test_undefined_names_are_errors(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text("{{ missing }}", encoding="utf-8")
    with pytest.raises(UndefinedError):
        render_page(make_environment(tmp_path), "page.html", {"page_path": "index.html"})


def test_a_paper_item_is_made_once_per_folder_depth_and_links_from_the_page(tmp_path: Path) -> None:
    (tmp_path / "_paper_item.html").write_text('{% set _ = made.append(paper.id) %}<li><a href="{{ paper.url|url }}">'
                                              '{{ paper.title }}</a></li>\n', encoding="utf-8")
    (tmp_path / "list.html").write_text("{% for paper in papers %}{{ paper_item(paper) }}{% endfor %}", encoding="utf-8")
    env = make_environment(tmp_path)
    env.globals["made"] = made = []
    papers = [{"id": "a", "url": "papers/a/", "title": "A <b>"}, {"id": "b", "url": "papers/b/", "title": "B"}]
    site = object()
    pages = {path: render_page(env, "list.html", {"papers": papers, "page_path": path, "site": site})
             for path in ("authors/x/index.html", "venues/y/index.html", "index.html")}
    assert made == ["a", "b", "a", "b"]  # once for the two pages two folders down, once for the home page
    assert pages["authors/x/index.html"] == pages["venues/y/index.html"] == (
        '<li><a href="../../papers/a/index.html">A &lt;b&gt;</a></li>\n<li><a href="../../papers/b/index.html">B</a></li>\n')
    assert pages["index.html"].startswith('<li><a href="papers/a/index.html">')


@pytest.mark.parametrize(
    "template",
    [
        "{{ d.name }} {{ d['name'] }}",
        "{{ d.items()|list|length }} {{ d.get('name') }} {{ d.keys()|list|length }}",  # methods win over keys
        "{{ o.real }} {{ o.imag }}",  # attributes of objects
        "{{ nested.inner.name }}",
        "{{ d.missing is defined }} {{ d.__class__.__name__ }}",
    ],
)
def test_dotted_names_read_what_jinja_reads(tmp_path: Path, template: str) -> None:
    context = {"d": {"name": "x", "items": 5, "get": 6, "keys": 7}, "o": 3 + 4j, "nested": {"inner": {"name": "y"}},
               "page_path": "index.html"}
    (tmp_path / "page.html").write_text(template, encoding="utf-8")
    ours = render_page(make_environment(tmp_path), "page.html", context)
    theirs = Environment(autoescape=True, undefined=StrictUndefined).from_string(template).render(context)
    assert ours == theirs


def test_a_missing_key_is_still_an_error(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text("{{ d.missing }}", encoding="utf-8")
    with pytest.raises(UndefinedError):
        render_page(make_environment(tmp_path), "page.html", {"page_path": "index.html", "d": {"name": "x"}})
