"""BibTeX export and the formatted citation."""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from pathlib import Path

import bibtexparser
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import export, store
from generator.cli import main
from generator.library import build_library
from generator.model import AuthorRef, Name, Paper, VenueCatalog
from generator.normalize import normalize_record
from generator.sources.bibtex import read_bibtex

ROOT = Path(__file__).resolve().parent.parent


def _library(*papers: Paper):
    return build_library({p.id: p for p in papers}, VenueCatalog(), {}, {})


@pytest.mark.parametrize(
    ("text", "latex"),
    [
        ("Müller & Søren", r'M{\"u}ller \& S{\o}ren'),
        ("5% of #1 in a_b", r"5\% of \#1 in a\_b"),
        ("cost $O(n^2)$ ~ fast", r"cost $O(n^2)$ {\textasciitilde} fast"),
        ('a "quoted" {word}', r'a {"}quoted{"} \{word\}'),
    ],
)
def test_to_latex(text: str, latex: str) -> None:
    assert export.to_latex(text) == latex


@pytest.mark.parametrize(
    ("title", "protected"),
    [
        ("bert2BERT: Towards Reusable Models", "{bert2BERT}: Towards Reusable Models"),
        ("WebCPM for LLMs", "{WebCPM} for {LLMs}"),
        ("An Ordinary Title", "An Ordinary Title"),
        ("Math $O(N^2)$ stays", "Math $O(N^2)$ stays"),
    ],
)
def test_protect_case(title: str, protected: str) -> None:
    assert export.protect_case(title) == protected


def _to_latex_part_by_part(text: str, is_unicode: bool) -> str:
    """to_latex step by step: split at math, then brace escapes, then a backslash before each special."""
    parts = []
    for index, part in enumerate(re.split(r"(\$[^$]+\$)", text)):
        if index % 2 and export._is_safe_math(part):
            parts.append(part)
            continue
        part = re.sub(r"([&%#_$])", r"\\\1", part.translate(str.maketrans(export._BRACES_ETC)))
        part = part.replace("--", "-{}-").replace("--", "-{}-")
        parts.append(part if is_unicode or part.isascii() else "".join(map(export._char_to_latex, part)))
    return "".join(parts)


_LATEX_TEXTS = st.lists(st.sampled_from(list("{}~^\\\"&%#_$- aZé") + ["--", "---", "$x$", "$a{b$", "Ŧ", "ế"]) | st.text(max_size=3),
                        max_size=12).map("".join)


@given(_LATEX_TEXTS, st.booleans())
def test_to_latex_agrees_with_escaping_part_by_part(text: str, is_unicode: bool) -> None:
    assert export.to_latex(text, is_unicode) == _to_latex_part_by_part(text, is_unicode)


@given(st.lists(st.sampled_from(["BERT", "bert2BERT", "LLMs", "Chinese", "ÅSA", "Ǆemal", "ǅ", "ᾈ", "x", " ", "$A$"])
                | st.text(max_size=4), max_size=8).map(" ".join))
def test_protect_case_braces_words_with_a_capital_after_the_first_letter(title: str) -> None:
    def protect(match: re.Match[str]) -> str:
        word = match.group(0)
        if sum(char.isupper() for char in word) >= 2 or any(char.isupper() for char in word[1:]):
            return "{" + word + "}"
        return "{" + word[0] + "}" + word[1:] if word in export.proper_nouns() else word

    parts = re.split(r"(\$[^$]+\$)", title)
    assert export.protect_case(title) == "".join(
        part if index % 2 else re.sub(r"[^\W_]+", protect, part) for index, part in enumerate(parts)
    )


def test_every_shipped_entry_parses_back_with_the_same_meaning(shipped_library) -> None:
    for paper in shipped_library.papers.values():
        text = export.export_paper_bibtex(paper, shipped_library)
        records, problems = read_bibtex("x.bib", text)
        assert problems == [] and len(records) == 1, text
        fields = records[0].fields
        assert fields["key"] == paper.id and fields["entry_type"] == paper.type
        assert fields["title"] == paper.title
        assert [(a.get("given"), a["family"]) for a in fields["author"]] == [
            (a.name.given, a.name.family) for a in paper.authors
        ]
        assert int(fields["year"]) == paper.year
        if paper.abstract:
            assert fields["abstract"] == paper.abstract.replace("\n\n", " ")


def test_entry_follows_the_anthology_layout(shipped_library) -> None:
    text = export.export_paper_bibtex(shipped_library.papers["qin-etal-2023-webcpm"], shipped_library)
    assert text.startswith("@inproceedings{qin-etal-2023-webcpm,\n    title = {{WebCPM}: Interactive Web Search")
    assert '    author = "Qin, Yujia and\n      Cai, Zihan and' in text
    assert "    month = jul,\n    year = \"2023\"," in text
    assert '    pages = "8968--8988",' in text
    assert text.isascii()


def test_preprint_exports_as_misc_with_arxiv_fields() -> None:
    paper = Paper(id="lovelace-2023-engines", type="misc", title="Engines", year=2023, arxiv="2301.01234",
                  authors=(AuthorRef(Name("Ada", "Lovelace")),))
    text = export.export_paper_bibtex(paper, _library(paper))
    assert '    eprint = "2301.01234",\n    archivePrefix = "arXiv",' in text


def test_bundles_hold_each_key_once(shipped_library) -> None:
    files = dict(export.bibtex_files(shipped_library, export.export_entries(shipped_library)))
    everything = bibtexparser.parse_string(files["all.bib"])
    assert sorted(e.key for e in everything.entries) == sorted(shipped_library.papers)
    assert everything.failed_blocks == []
    author = bibtexparser.parse_string(files["authors/yujia-qin/yujia-qin.bib"])
    assert len(author.entries) == len(shipped_library.papers_by_person["yujia-qin"])


def test_formatted_citation(shipped_library) -> None:
    citation = export.format_citation(shipped_library.papers["lv-etal-2023-parameter"], shipped_library)
    assert citation.startswith("Xingtai Lv, Ning Ding, Yujia Qin, Zhiyuan Liu and Maosong Sun. 2023. Parameter-efficient")
    assert "In Proceedings of the 61st Annual Meeting" in citation and "pages " in citation
    assert citation.endswith("Association for Computational Linguistics.")


# ---------------------------------------------------------------- tricky entries, golden files

GOLDEN_BIBTEX = Path(__file__).parent / "golden_bibtex"
TRICKY = {
    "diacritics": Paper(
        id="angstrom-etal-2021-subwords", type="inproceedings", title="Subwords for Tiếng Việt, Deutsch and Ångström Corpora",
        authors=(AuthorRef(Name("Åsa", "Ångström")), AuthorRef(Name("Thị Lan", "Nguyễn")),
                 AuthorRef(Name("Jürgen", "Müller")), AuthorRef(Name("François", "de la Cruz"))),
        year=2021, month=5, booktitle="Proceedings of the Workshop on Søren’s Corpora", pages="1--9"),
    "single_name_author": Paper(
        id="quilla-2020-parsing", type="article", title="Parsing Without Spaces", journal="Journal of Invented Results",
        volume="3", number="2", pages="10--20", authors=(AuthorRef(Name(None, "Quilla")),), year=2020),
    "hundred_authors": Paper(
        id="lab-etal-2024-large", type="misc", title="A Large Collaboration", arxiv="2401.00001", year=2024,
        authors=tuple(AuthorRef(Name(f"Given{i}", f"Family{i}")) for i in range(120))),
    "specials_in_title": Paper(
        id="doe-2019-fast", type="techreport", title="R&D at 99% Speed: C# and snake_case #1 for $5",
        authors=(AuthorRef(Name("Jane", "Doe")),), year=2019, publisher="Invented Labs"),
    "math_in_title": Paper(
        id="roe-2022-quadratic", type="inproceedings", title="Beyond $O(n^2)$ Attention for BERT and Chinese LLMs",
        authors=(AuthorRef(Name("Richard", "Roe")),), year=2022, booktitle="Proceedings of Invented Conference",
        abstract="We cut attention from $O(n^2)$ to $O(n)$; 30% faster & smaller."),
}


@pytest.mark.parametrize("case", sorted(TRICKY))
@pytest.mark.parametrize("style_name", ["ascii", "unicode"])
def test_tricky_entries_match_golden_files(case: str, style_name: str, update_golden: bool) -> None:
    paper = TRICKY[case]
    text = export.export_paper_bibtex(paper, _library(paper), export.BibtexStyle(is_unicode=style_name == "unicode"))
    path = GOLDEN_BIBTEX / f"{case}.{style_name}.bib"
    if update_golden:
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"pytest --update-golden rewrites {path.name}; read the diff"
    assert text.isascii() or style_name == "unicode"


# ---------------------------------------------------------------- rules


def test_proper_nouns_and_acronyms_keep_their_case() -> None:
    assert export.protect_case("Chinese Word Segmentation for BERT") == "{C}hinese Word Segmentation for {BERT}"
    assert export.protect_case("Chinesex is not listed") == "Chinesex is not listed"


def test_names_that_would_confuse_bibtex_are_braced() -> None:
    paper = Paper(id="a", type="misc", title="T", authors=(
        AuthorRef(Name(None, "Barnes and Noble")), AuthorRef(Name("Jr., Sammy", "Davis")), AuthorRef(Name(None, "Ada Lab"))))
    records, problems = read_bibtex("x.bib", export.export_paper_bibtex(paper, _library(paper)))
    assert problems == []
    assert records[0].fields["author"] == [{"family": "Barnes and Noble"}, {"family": "Davis", "given": "Jr., Sammy"},
                                           {"family": "Ada Lab"}]


def test_containerless_entries_become_misc_so_bibtex_does_not_warn() -> None:
    paper = Paper(id="a", type="inproceedings", title="T", year=2020, authors=(AuthorRef(Name("A", "B")),))
    assert export.export_paper_bibtex(paper, _library(paper)).startswith("@misc{a,")


def test_styles_unicode_and_no_abstracts() -> None:
    paper = TRICKY["math_in_title"]
    lean = export.export_paper_bibtex(paper, _library(paper), export.BibtexStyle(has_abstracts=False))
    assert "abstract" not in lean
    unicode = export.export_paper_bibtex(TRICKY["diacritics"], _library(TRICKY["diacritics"]),
                                         export.BibtexStyle(is_unicode=True))
    assert "Ångström, Åsa" in unicode and "{\\r" not in unicode


def test_extra_fields_are_exported() -> None:
    paper = Paper(id="a", type="book", title="T", year=2020, extra={"isbn": "978-3-16", "bibtex_type": "Handbook"})
    text = export.export_paper_bibtex(paper, _library(paper))
    assert '    isbn = "978-3-16"' in text and '    type = "Handbook"' in text


# ---------------------------------------------------------------- round trips

# Records hold normalized text (NFC, no invisible format characters): generate what the store can hold.
_TEXT_ALPHABET = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Cf", "Zl", "Zp", "Co", "Cn", "Mn", "Me", "Zs"))
_specials = st.sampled_from(list("&%#_$~^\\{}\"'`") + ["--", "C++", "O(n)", "Müller", "Ångström", "naïve", "Đ", "ß"])
_words = st.lists(st.text(_TEXT_ALPHABET, min_size=1, max_size=8) | _specials, min_size=1, max_size=8)
_titles = _words.map(" ".join)
_name_words = st.lists(st.text(st.characters(categories=("Lu", "Ll")), min_size=1, max_size=8), min_size=1, max_size=2)


@st.composite
def _round_trip_papers(draw: st.DrawFn) -> Paper:
    names = draw(st.lists(st.tuples(st.none() | _name_words.map(" ".join), _name_words.map(" ".join)), min_size=1, max_size=4))
    def nfc(text: str | None) -> str | None:
        return unicodedata.normalize("NFC", text) if text else text

    return Paper(
        id="x", type="misc", title=nfc(draw(_titles)), year=draw(st.integers(1950, 2030)),
        authors=tuple(AuthorRef(Name(nfc(given), nfc(family[:1].upper() + family[1:]))) for given, family in names),
    )


def _normalized(paper: Paper, text: str) -> Paper:
    records, problems = read_bibtex("x.bib", text)
    assert problems == [] and len(records) == 1, text
    result, _ = normalize_record(records[0], VenueCatalog())
    return result


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_round_trip_papers(), st.booleans())
def test_record_to_bibtex_and_back_keeps_title_authors_and_year(paper: Paper, is_unicode: bool) -> None:
    text = export.export_paper_bibtex(paper, _library(paper), export.BibtexStyle(is_unicode=is_unicode))
    back = _normalized(paper, text)
    expected_title = " ".join(unicodedata.normalize("NFC", paper.title).split())
    assert back.title == expected_title
    assert [(a.name.given, a.name.family) for a in back.authors] == [
        (a.name.given, a.name.family) for a in paper.authors
    ]
    assert back.year == paper.year


def test_imported_bib_exports_with_the_same_meaning(tmp_path: Path) -> None:
    """.bib -> records -> .bib -> records: every field means the same."""
    source = tmp_path / "in.bib"
    source.write_text(
        '@inproceedings{muller-etal-2021-tokens,\n'
        '  title = {{BERT} Tokens and 50\\% of {\\"U}ber-Words: $x^2$ \\& More},\n'
        '  author = {M{\\"u}ller, J{\\"o}rg and van der Berg, Jan and {Barnes and Noble} and Plato},\n'
        '  booktitle = {Proceedings of the 2021 Conference on Empirical Methods in Natural Language Processing},\n'
        '  year = 2021, month = nov, pages = {10–20}, doi = {https://doi.org/10.18653/v1/2021.emnlp-main.1},\n'
        '  url = {https://aclanthology.org/2021.emnlp-main.1/}, isbn = {978-1-955917-09-4},\n'
        '  abstract = {We study {BERT} tokens. 30\\% fewer \\& faster.}\n}\n',
        encoding="utf-8",
    )
    records, _ = read_bibtex("in.bib", source.read_text("utf-8"))
    catalog, _ = store.load_venues(ROOT / "content")
    first, _ = normalize_record(records[0], catalog)
    first = dataclasses.replace(first, id="muller-etal-2021-tokens")
    library = build_library({first.id: first}, catalog, {}, {})
    for style in (export.BibtexStyle(), export.BibtexStyle(is_unicode=True)):
        again_records, problems = read_bibtex("out.bib", export.export_paper_bibtex(library.papers[first.id], library, style))
        assert problems == []
        again, _ = normalize_record(again_records[0], catalog)
        for field in ("type", "title", "authors", "year", "month", "venue_id", "booktitle", "pages", "doi", "url",
                      "abstract", "extra"):
            assert getattr(again, field) == getattr(first, field), field
    assert first.title == "BERT Tokens and 50% of Über-Words: $x^2$ & More"
    assert [a.name.family for a in first.authors] == ["Müller", "van der Berg", "Barnes and Noble", "Plato"]


def test_cli_export_selects_and_styles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, ["export", "--author", "yi-r-fung", "--unicode", "--no-abstracts"])
    assert result.exit_code == 0, result.output
    entries = bibtexparser.parse_string(result.output).entries
    assert sorted(e.key for e in entries) == ["qian-etal-2023-creator", "qin-etal-2023-tool"]
    assert "abstract" not in result.output
    assert CliRunner().invoke(main, ["export", "--venue", "no-such-venue"]).exit_code == 2
