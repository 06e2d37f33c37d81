"""LaTeX -> Unicode for BibTeX values and LaTeX-flavoured listings."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.latex import decode_latex, has_latex


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
