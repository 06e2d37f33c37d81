"""Markdown from data is rendered inert."""

from __future__ import annotations

import pytest

from generator.markup import render_markdown


@pytest.mark.parametrize(
    ("text", "forbidden"),
    [
        ("<script>alert(1)</script>", "<script>"),
        ('"><img src=x onerror=alert(1)>', "<img"),
        ("[click](javascript:alert(1))", 'href="javascript'),
        ("[click](JaVaScRiPt:alert(1))", "href="),
        ("[x](data:text/html;base64,PHNjcmlwdD4=)", "href="),
        ("![x](javascript:alert(1))", "<img"),
    ],
)
def test_untrusted_markdown_is_inert(text: str, forbidden: str) -> None:
    assert forbidden not in render_markdown(text)


def test_http_and_relative_links_and_emphasis_survive() -> None:
    html = render_markdown("*new* [code](https://github.com/x/y) and [all](../all.bib)")
    assert html == ('<p><em>new</em> <a href="https://github.com/x/y">code</a> and <a href="../all.bib">all</a></p>\n')
