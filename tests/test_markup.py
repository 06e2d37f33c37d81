"""Markdown from data is rendered inert."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import markup, store
from generator.markup import markdown_to_text, render_markdown
from generator.sources import read_source

ROOT = Path(__file__).resolve().parent.parent


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


# ---------------------------------------------------------------- plain paragraphs without parsing

# Text that is mostly plain, with every character that means something to Markdown somewhere, and
# whitespace that is not a space (tabs, no-break and line separators, form feeds) where lines begin and end.
_PLAIN_WORDS = st.sampled_from(["model", "BERT", "e.g.", "1.", "2)", "(a)", "“quoted”", "naïve", "Q&A", "x>y", '"', "'"])
_SYNTAX = st.sampled_from(list("\\`*_[]<>&#;!~=+-|:@$%^{}()\t\xa0\x0b\x0c\x1c\x85\u2028\u3000\r\x00 ")
                          + ["&amp;", "&#38;", "&nosuch;", "  ", "    ", "1. ", "- ", "# ", "> ", "===", "---", "```"])
_LINES = st.lists(st.one_of(_PLAIN_WORDS, _SYNTAX, st.text(max_size=3)), max_size=8).map(" ".join)
_MARKDOWN_TEXTS = st.lists(st.one_of(_LINES, st.just("")), max_size=6).map("\n".join)


def _markdown_it_text(text: str) -> str:
    return markup._to_text.__wrapped__(text)


@settings(max_examples=1500, deadline=None)
@given(_MARKDOWN_TEXTS)
def test_plain_paragraphs_render_as_markdown_it_renders_them(text: str) -> None:
    assert render_markdown(text) == markup._markdown().render(text)
    assert markdown_to_text(text) == _markdown_it_text(text)


@pytest.mark.parametrize(
    "text",
    ["", "\n\n", "One line.", "Two\nlines.", "Two\n\nparagraphs.\n", "\n\nLeading and trailing blank lines\n\n\n",
     'Quotes " and \' and a > b & c.', "A ~ b = c + d - e | f: g @ h $ i % j ^ k {l} (m) !n ]o",
     "Tabs\tinside", "2019 was a year.", "Naïve “quotes” — dashes… 中文"],
)
def test_plain_texts_take_the_fast_path_and_match_markdown_it(text: str) -> None:
    assert markup._is_plain(text)
    assert render_markdown(text) == markup._markdown().render(text)
    assert markdown_to_text(text) == _markdown_it_text(text)


@pytest.mark.parametrize(
    "text",
    ["*a*", "a_b", "[a](b)", "<b>", "a\\", "`a`", "&amp;", "&#35;", "- a", "+ a", "1. a", "3) a", "# a", "> a",
     "a\n===", "a\n---", "~~~\na\n~~~", "    code", " a", "a  \nb", "a\n \nb", "a\r\nb", "a\x00b", "\ta"],
)
def test_markdown_syntax_is_left_to_markdown_it(text: str) -> None:
    assert not markup._is_plain(text)
    assert render_markdown(text) == markup._markdown().render(text)


def _abstracts_in_repository() -> list[str]:
    texts = []
    for content in (ROOT / "content", ROOT / "tests" / "sample_site"):
        for paper in store.load_papers(content).papers.values():
            texts += [paper.title, paper.abstract or ""]
    for path in sorted((ROOT / "tests" / "data").rglob("*")):
        if path.is_file() and not path.name.endswith(".gz"):
            records, _ = read_source(path, path.name)
            texts += [str(record.fields.get(key, "")) for record in records for key in ("abstract", "title")]
    return texts


def test_every_abstract_in_the_repository_renders_as_markdown_it_renders_it() -> None:
    texts = _abstracts_in_repository()
    assert sum(markup._is_plain(text) for text in texts) > len(texts) / 2
    for text in texts:
        assert render_markdown(text) == markup._markdown().render(text), text
        assert markdown_to_text(text) == _markdown_it_text(text), text


@given(st.text(alphabet=st.sampled_from("a &<>\"'é;amp")))
def test_xml_text_escapes_as_the_standard_library_does(text: str) -> None:
    assert markup.xml_text(text) == escape(text)
