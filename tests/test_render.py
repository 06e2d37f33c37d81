"""The Jinja environment: escaping, strict undefined names, and `url` relative to the page."""

from __future__ import annotations

from pathlib import Path

import pytest
from jinja2 import UndefinedError

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
