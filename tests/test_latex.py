"""LaTeX -> Unicode for BibTeX values and LaTeX-flavoured listings."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.latex import decode_latex, decode_latex_with_pylatexenc, has_latex
from generator.names import parse_name, split_bibtex_names
from generator.sources import decode_text, read_bytes
from generator.sources.bibtex import NAME_FIELDS, TEXT_FIELDS, parse_entries, resolve_value

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # accents, in every spelling BibTeX files use
        ('{\\"O}zt{\\"u}rk', "Öztürk"),
        ("Mar{\\'\\i}a Jos{\\'e}", "María José"),
        ("{\\c{C}}a{\\u{g}}la", "Çağla"),
        ("Dupont-{\\.Z}ak", "Dupont-Żak"),
        ("{\\O}deg{\\aa}rd", "Ødegård"),
        ("e\\'e", "eé"),
        # protective braces and font commands disappear
        ("{BERT}: Pre-training of {D}eep Models", "BERT: Pre-training of Deep Models"),
        ("\\textbf{bold} and \\emph{emphasis}", "bold and emphasis"),
        # escapes and ligatures
        ("R\\&D", "R&D"),
        ("0.05\\% deviation", "0.05% deviation"),
        ("``emergent abilities''", "“emergent abilities”"),
        ("pages 1--10", "pages 1–10"),
        ("a---b", "a—b"),
        # a bare % is a percent sign in BibTeX values and listings, not a comment
        ("gains of 5% and 8%", "gains of 5% and 8%"),
        ("100%", "100%"),
        # math is kept as written
        ("cost $O(n^2)$ and 1$\\sim$2 BLEU", "cost $O(n^2)$ and 1$\\sim$2 BLEU"),
        ("$\\text{NLVR}^2$", "$\\text{NLVR}^2$"),
    ],
)
def test_decode_latex(text, expected):
    assert decode_latex(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("see \\url{https://x.org/a_b%20c}", "see https://x.org/a_b%20c"),
        ("{\\url{ https://github.com/example-org/open }}.", "https://github.com/example-org/open."),
        ("\\href{https://x.org}{the site}", "the site (https://x.org)"),
        ("\\href{https://x.org}{https://x.org}", "https://x.org"),
        # \url has one argument: a group after it is text, not a label
        ("\\url{https://x.org} {\\em now}", "https://x.org now"),
        # written-out URLs keep ~, --, % and _ as they are
        ("at https://www.example.edu/~jdoe/tool--v2 now", "at https://www.example.edu/~jdoe/tool--v2 now"),
        ("code: https://github.com/example-org/PET_Scaling.", "code: https://github.com/example-org/PET_Scaling."),
        ("https://x.org/a%20b and 5%", "https://x.org/a%20b and 5%"),
        ("{https://x.org/~a}", "https://x.org/~a"),
    ],
)
def test_urls_survive_decoding(text, expected):
    assert decode_latex(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Plain title", False),
        ("Zoë Ångström", False),
        ("{BERT}", True),
        ("\\'e", True),
        ("50%", True),
        ("a -- b", True),
        ("a~b", True),
        ("$x$", True),
        ("model's", True),
    ],
)
def test_has_latex(text, expected):
    assert has_latex(text) is expected


def test_tilde_is_a_space():
    assert decode_latex("Jan~van der Berg").split() == ["Jan", "van", "der", "Berg"]


@pytest.mark.parametrize("text", ["unbalanced {", "\\", "}{", "\\begin{itemize} x", "$unclosed", "\\'{}", "{\\"])
def test_malformed_latex_does_not_raise(text):
    assert isinstance(decode_latex(text), str)


@settings(max_examples=200, deadline=None)
@given(st.text(st.one_of(st.sampled_from("\\{}$~%`'-_^&#"), st.characters()), max_size=80))
def test_decode_latex_never_raises_or_leaks_placeholders(text):
    decoded = decode_latex(text)
    assert isinstance(decoded, str)
    assert "\uf8ffURL" not in decoded or "\uf8ffURL" in text


@settings(max_examples=150, deadline=None)
@given(st.text(st.characters(exclude_characters="\\{}$~%`'"), max_size=80))
def test_text_without_latex_is_returned_unchanged(text):
    if "--" not in text:
        assert decode_latex(text) == text


@settings(max_examples=100, deadline=None)
@given(
    path=st.text(st.sampled_from("abcXYZ019-_~.%/"), min_size=1, max_size=30),
    before=st.sampled_from(["", "Code at ", "see {", "0.5\\% of "]),
)
def test_bare_urls_are_kept_verbatim(path, before):
    url = f"https://example.org/{path}"
    assert url in decode_latex(f"{before}{url} here")


# ---------------------------------------------------------------- the fast path equals pylatexenc


def _fixture_values() -> list[str]:
    """Every string import decodes in the test fixtures and the shipped content: BibTeX prose
    fields and name parts, and each line of the other raw files."""
    values: dict[str, None] = {}
    paths = sorted((ROOT / "tests" / "data").rglob("*")) + sorted((ROOT / "content" / "raw").glob("*"))
    paths += sorted((ROOT / "content" / "reference").glob("*.bib"))
    for path in filter(Path.is_file, paths):
        text, _ = decode_text(read_bytes(path), path.name)
        if ".bib" not in path.name:
            values.update(dict.fromkeys(line for line in text.split("\n") if has_latex(line)))
            continue
        entries, strings, _ = parse_entries(path.name, text)
        for entry in entries:
            for field in entry.fields:
                value = resolve_value(str(field.value), strings)
                if field.key.lower() in TEXT_FIELDS:
                    values[value] = None
                elif field.key.lower() in NAME_FIELDS:
                    for name in map(parse_name, split_bibtex_names(value)):
                        values.update(dict.fromkeys(filter(None, (name.family, name.given))))
    return list(values)


def test_fast_decoding_equals_pylatexenc_on_every_fixture_field():
    values = _fixture_values()
    assert len(values) > 300
    assert [decode_latex(v) for v in values] == [decode_latex_with_pylatexenc(v) for v in values]


_PIECES = [
    "Word", "x", "model's", " ", "  ", "\n", "\n\n", "\t", "-", "--", "---", "----", "`", "``", "'", "''", "'''",
    "!", "!`", "?", "?`", "~", "&", "^", "_", "#", "[", "]", "(", ")", '"', "@", ",", ".", ":", "é", "ü", "\u00a0",
    "\\%", "\\&", "\\_", "\\#", "\\$", "%", "{", "}", "$", "\\", "\\\\", "\\{", "\\}", "\\ ",
    '{\\"u}', "{\\'e}", '{\\"{u}}', "{\\`a}", "{\\^o}", "{\\~n}", "{\\c{c}}", "{\\v{s}}", "{\\ss}", "{\\o}", "{\\i}",
    "{\\'\\i}", "{\\aa}", "{\\l}", "{\\textasciicircum}", "{\\textbackslash}", "{\\textendash}", "{\\%}", "{\\&}",
    "\\'e", '\\"u', "\\ss", "\\ss ", "\\o{}", "\\c{c}", "\\v s", "\\'{}", '\\"',
    "{BERT}", "{S}", "{--}", "{\\em x}", "{\\bf y}", "\\item", "\\begin{itemize}", "\\end{itemize}", "\\verb|a{|",
    "$x^2$", "$\\alpha$", "$O(n)$", "$a\\$b$", "$$", "\\(", "\\)", "\\[", "\\]", "\\url{https://x.org/a_b}",
    "https://y.org/~a--b", "\\href{https://z.org}{site}", "\\textasciicircum", "\\ensuremath{\\rightarrow}",
]
_COMMANDS = ["\\textit", "\\emph", "\\textbf", "\\textsc", "\\texttt", "\\textrm", "\\ensuremath", "\\mbox", "\\underline",
             "\\foo", "\\c", "\\v", "\\u", "\\textcolor", "\\cite", "\\url", "\\href", "\\textsuperscript", "\\mathbf"]


def _latex_texts() -> st.SearchStrategy[str]:
    pieces = st.one_of(st.sampled_from(_PIECES), st.text(st.characters(codec="utf-8"), max_size=3))
    return st.recursive(
        pieces,
        lambda inner: st.one_of(
            st.lists(inner, max_size=6).map("".join),
            inner.map(lambda text: "{" + text + "}"),
            inner.map(lambda text: "$" + text + "$"),
            st.tuples(st.sampled_from(_COMMANDS), inner).map(lambda pair: f"{pair[0]}{{{pair[1]}}}"),
        ),
        max_leaves=24,
    )


@settings(max_examples=1500, deadline=None)
@given(st.lists(_latex_texts(), max_size=8).map("".join))
def test_fast_decoding_equals_pylatexenc(text):
    assert decode_latex(text) == decode_latex_with_pylatexenc(text)
