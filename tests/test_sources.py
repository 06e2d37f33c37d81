"""Readers for raw listings, format detection and what read_source does for every format."""

from __future__ import annotations

import bz2
import gzip
import lzma
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_normalize import ACL_IJCNLP_2021, NAACL_2022

from generator.model import Problem, RawRecord
from generator.sources import READERS, SourceError, decode_text, detect_format, read_bytes, read_source, read_text
from generator.sources.abstracts import read_abstracts
from generator.sources.anthology_page import BADGE_LINE, read_anthology_page
from generator.sources.bibtex import read_bibtex, resolve_value
from generator.sources.listing_page import read_listing_page
from generator.sources.regions import split_regions

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
RAW = ROOT / "content" / "raw"

SIXTY = [
    "Amélie Dupont-Żak", "Hai-Tao Ødegård", "Jan Tanabe", "María José Zheng", "Zoë Chen-Navarro", "Ólafur Örn Wróblewski",
]  # the first six of the sixty invented names in */sixty_authors.txt


def read(path: Path, fmt: str | None = None) -> tuple[list[RawRecord], list[Problem]]:
    return read_source(path, path.name, fmt)


def fields_of(records: list[RawRecord]) -> list[dict]:
    return [dict(record.fields) for record in records]


def messages(problems: list[Problem]) -> list[str]:
    return [str(problem) for problem in problems]


# ---------------------------------------------------------------- ACL Anthology author page


class TestAnthologyPage:
    def test_entry_without_abstract(self):
        records, problems = read(DATA / "anthology" / "entry_without_abstract.txt")
        assert problems == []
        assert [r.line for r in records] == [3, 7]
        assert {r.format for r in records} == {"anthology-page"}
        assert fields_of(records) == [
            {
                "title": "Counting Commas in Dutch Legal Prose",
                "authors": ["Jan van der Berg", "María José de la Fuente"],
                "venue_line": "Proceedings of the 2021 Workshop on Imaginary Corpora",
                "page_owner": "Jan van der Berg",
            },
            {
                "title": "Where Do Hyphens Go? A Study of Compound Splitting",
                "authors": ["Hai-Tao Zheng", "Jan van der Berg", "Zoë Ångström"],
                "venue_line": "Findings of the Association for Computational Linguistics: ACL 2022",
                "page_owner": "Jan van der Berg",
            },
        ]

    def test_single_author_without_venue_line_is_an_author(self):
        records, _ = read(DATA / "anthology" / "entry_without_venue_line.txt")
        assert fields_of(records) == [
            {
                "title": "A Manifesto for Single-Author Papers",
                "authors": ["Teodora"],
                "abstract": "This abstract follows an entry with one author and no venue line.",
                "page_owner": "Teodora",
            }
        ]

    def test_lone_venue_line_is_not_an_author(self):
        records, _ = read(DATA / "anthology" / "venue_line_without_authors.txt")
        (fields,) = fields_of(records)
        assert "authors" not in fields
        assert fields["venue_line"].startswith("Proceedings of the 60th Annual Meeting")

    def test_badge_variants_each_start_an_entry(self):
        records, problems = read(DATA / "anthology" / "badge_variants.txt")
        assert problems == []
        assert [r.line for r in records] == [3, 10, 15]
        assert [r.fields["title"] for r in records] == [
            "Entry With Abstract Badge",
            "Entry With Only A Bib Badge",
            "Entry With Upper-Case Badges And Extras",
        ]
        assert records[0].fields["abstract"] == "First abstract."
        assert "abstract" not in records[1].fields
        assert records[2].fields["authors"] == ["Ólafur Örn Þórsson"]

    def test_one_word_title_that_is_a_badge_word_is_a_title(self):
        records, problems = read(DATA / "anthology" / "one_word_titles.txt")
        assert problems == []
        assert [(r.line, r.fields["title"], r.fields["authors"]) for r in records] == [
            (3, "Data", ["Björn Ødegård", "Søren Kierkegaard-Lund"]),
            (10, "Code", ["Søren Kierkegaard-Lund"]),
        ]

    @pytest.mark.parametrize(
        ("line", "is_badge"),
        [
            ("pdf bib", True),
            ("pdf bib abs", True),
            ("bib", True),
            ("  PDF BIB VIDEO  ", True),
            ("data bib", True),
            ("Data", False),
            ("code data", False),
            ("abs", False),
            ("bibliography", False),
            ("pdf bib and more", False),
        ],
    )
    def test_badge_line(self, line, is_badge):
        assert bool(BADGE_LINE.match(line)) is is_badge

    def test_abstract_paragraphs_are_kept_and_wrapped_lines_joined(self):
        records, _ = read(DATA / "anthology" / "multi_paragraph_abstract.txt")
        assert records[0].fields["abstract"] == (
            "The first paragraph is wrapped over two lines by the page.\n\n"
            "The second paragraph states results. Code: https://github.com/example-org/paragraphs-matter."
        )

    def test_sixty_authors(self):
        records, _ = read(DATA / "anthology" / "sixty_authors.txt")
        authors = records[0].fields["authors"]
        assert len(authors) == 60
        assert authors[:6] == SIXTY
        assert authors[-1] == "Teodora"
        assert records[0].fields["venue_line"].endswith("Empirical Methods in Natural Language Processing")

    def test_text_before_the_first_entry_is_reported(self):
        records, problems = read(DATA / "anthology" / "text_before_first_entry.txt")
        assert len(records) == 1 and records[0].fields["page_owner"] == "Kwame Mensah-Boateng"
        assert [(p.line, p.is_rejection) for p in problems] == [(2, False), (3, False)]
        assert "Publications sorted by year" in problems[0].message

    def test_entry_without_title_is_rejected_and_the_next_one_read(self):
        records, problems = read(DATA / "anthology" / "entry_without_title.txt")
        assert [(p.line, p.is_rejection) for p in problems] == [(3, True)]
        assert "no title" in problems[0].message
        assert [(r.line, r.fields["title"]) for r in records] == [(5, "The Entry After An Empty One")]

    def test_page_without_owner_line(self):
        records, problems = read_anthology_page("x.txt", "pdf bib\nA Title\nAna Lima | Rui Costa\n")
        assert problems == []
        assert fields_of(records) == [{"title": "A Title", "authors": ["Ana Lima", "Rui Costa"]}]


# ---------------------------------------------------------------- arXiv-style listing page


class TestListingPage:
    def test_truncated_abstracts_are_marked(self):
        records, problems = read(DATA / "listing" / "truncated_abstract.txt")
        assert problems == []
        assert [r.line for r in records] == [8, 19, 28]
        cut, ellipsis, complete = (r.fields for r in records)
        assert cut["abstract_truncated"] is True
        assert cut["abstract"].endswith("the reader has to")
        assert ellipsis["abstract_truncated"] is True
        assert ellipsis["abstract"] == "Here the page shortened the abstract and said so with an ellipsis"
        assert "abstract_truncated" not in complete
        assert complete["abstract"] == "This abstract ends like a sentence (with a parenthesis)."

    def test_header_gives_page_owner_and_dates_are_kept(self):
        records, _ = read(DATA / "listing" / "truncated_abstract.txt")
        assert {r.fields["page_owner"] for r in records} == {"Tereza Novotná"}
        assert [r.fields["date"] for r in records] == ["Jan 09, 2024", "Jan 08, 2024", "Jan 07, 2024"]

    def test_comments_are_captured_and_emphasis_is_not_a_comment(self):
        records, problems = read(DATA / "listing" / "comments.txt")
        assert problems == []
        assert [r.line for r in records] == [8, 20, 30, 40]
        assert [r.fields.get("comment") for r in records] == [
            "Accepted to ACL 2023 Demo track",
            "Accepted as a long paper to EMNLP 2021 Main Conference",
            "10 pages main paper, 8 pages appendix",
            None,  # a bare "*" says nothing
        ]
        assert records[0].fields["abstract"] == "*Imaginary users* are cheap to recruit. We build a demo for them."

    def test_figure_lines_are_noise(self):
        records, _ = read(DATA / "listing" / "comments.txt")
        assert all("Figure" not in str(value) for r in records for value in r.fields.values())

    def test_wrapped_title_paragraphs_and_suffix_after_comma(self):
        records, _ = read(DATA / "listing" / "wrapped_title.txt")
        (fields,) = fields_of(records)
        assert fields["title"] == "A Title So Long That the Page Wraps It Onto a Second Line"
        assert fields["date"] == "Mar 3, 2022"
        assert fields["authors"] == ["Priya Raghunathan", "Martin Luther Kingsley, Jr.", "Dmitrij Oblomov"]
        assert fields["abstract"] == "First paragraph of the abstract.\n\nSecond paragraph of the abstract."

    def test_latex_in_abstract_is_decoded_and_urls_survive(self):
        records, _ = read(DATA / "listing" / "latex_in_abstract.txt")
        assert records[0].fields["abstract"] == (
            "We improve accuracy by 0.05% on “hard” cases, with $O(n^2)$ cost. "
            "Code is at https://github.com/example-org/latex-quotes."
        )

    def test_missing_date_is_reported_and_missing_abstract_is_absent(self):
        records, problems = read(DATA / "listing" / "no_date_and_no_abstract.txt")
        assert [(p.line, p.is_rejection) for p in problems] == [(8, False)]
        assert "no date" in problems[0].message
        dateless, bare = (r.fields for r in records)
        assert "date" not in dateless
        assert dateless["authors"] == ["Dmitrij Oblomov", "Ines da Silva"]
        assert dateless["abstract"] == "Some abstract text for the dateless entry."
        assert "abstract" not in bare and bare["authors"] == ["Dmitrij Oblomov"]

    def test_unclosed_last_entry_is_kept_with_a_warning(self):
        records, problems = read(DATA / "listing" / "unclosed_last_entry.txt")
        assert [r.fields["title"] for r in records] == ["A Closed Entry", "A Page Copied Only Halfway"]
        assert [(p.line, p.is_rejection) for p in problems] == [(17, False)]
        assert "not closed" in problems[0].message

    def test_sixty_authors(self):
        records, _ = read(DATA / "listing" / "sixty_authors.txt")
        (fields,) = fields_of(records)
        assert len(fields["authors"]) == 60
        assert fields["authors"][:6] == SIXTY
        assert fields["authors"][-1] == "Teodora"
        assert fields["comment"] == "60 authors, 1 page"

    def test_entry_with_date_but_no_title_is_rejected(self):
        text = "Alert button\nPicture for A B\n\nA B\n\nAlert button\n\nJan 01, 2020\nA B\nAbstract.\nViaarxiv icon\n"
        records, problems = read_listing_page("x.txt", text)
        assert records == []
        assert [(p.line, p.is_rejection) for p in problems] == [(8, True)]


# ---------------------------------------------------------------- abstract dumps


class TestAbstracts:
    def test_every_non_blank_line_is_an_abstract_with_its_line_number(self):
        records, problems = read_abstracts("a.txt", "  First.  \n\n \t \nSecond\n")
        assert problems == []
        assert records == [
            RawRecord("a.txt", 1, "abstracts", {"abstract": "First."}),
            RawRecord("a.txt", 4, "abstracts", {"abstract": "Second"}),
        ]

    def test_one_abstract_per_line_blank_lines_skipped(self):
        records, problems = read(DATA / "abstracts" / "blank_lines_no_final_newline.txt", "abstracts")
        assert problems == []
        assert [r.line for r in records] == [1, 3, 4]
        assert records[1].fields == {"abstract": "A second abstract, indented by the copy, about Zoë Ångström's invented benchmark."}
        assert records[2].fields == {"abstract": "A third abstract without a final newline."}


# ---------------------------------------------------------------- BibTeX


class TestBibtex:
    def test_braced_von_names_and_latex_accents(self):
        records, problems = read(DATA / "bib" / "braced_von_name.bib")
        assert problems == []
        (record,) = records
        assert (record.line, record.format) == (1, "bibtex")
        assert record.fields["key"] == "vanderberg2023counting"
        assert record.fields["entry_type"] == "inproceedings"
        assert record.fields["title"] == "Counting Commas in Dutch Legal Prose"
        assert record.fields["author"] == [
            {"family": "van der Berg", "given": "Jan"},
            {"family": "de la Fuente", "given": "María José"},
            {"family": "Zheng", "given": "Hai-Tao"},
            {"family": "Öztürk", "given": "Çağla"},
            {"family": "Teodora"},
        ]
        assert record.fields["month"] == "jul"
        assert record.fields["pages"] == "101-117"  # identifiers are kept as written

    def test_string_macros_and_concatenation(self):
        records, problems = read(DATA / "bib" / "string_macros.bib")
        assert problems == []
        macros, undefined = records
        assert macros.line == 5
        assert macros.fields["title"] == "Macros and Concatenation"
        assert macros.fields["booktitle"] == (
            "Proceedings of the 2022 Conference on Empirical Methods in Natural Language Processing (Main Conference)"
        )
        assert macros.fields["author"] == [
            {"family": "Dupont-Żak", "given": "Amélie"},
            {"family": "Novotná", "given": "Tereza"},
        ]
        assert macros.fields["year"] == "2022"
        assert macros.fields["note"] == "C# code is #1 in braces"  # a braced # is text
        assert undefined.fields["publisher"] == "nosuchmacro"

    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("{Braced}", "Braced"),
            ('"Quoted"', "Quoted"),
            ("2021", "2021"),
            ("acl", "Proceedings of ACL"),
            ("ACL", "Proceedings of ACL"),
            ('acl # " 2023"', "Proceedings of ACL 2023"),
            ('{A} # "B" # {C}', "ABC"),
            ("{intro} # {outro}", "introoutro"),
            ("{C# in braces}", "C# in braces"),
            ('"a # b"', "a # b"),
            ("{A} and {B}", "{A} and {B}"),
            ("oct", "oct"),
        ],
    )
    def test_resolve_value(self, raw, expected):
        assert resolve_value(raw, {"acl": "Proceedings of ACL"}) == expected

    def test_hash_inside_braces_is_text_not_concatenation(self):
        records, problems = read_bibtex("x.bib", "@misc{a, title = {{C# Programming}}, note = {C# code}}")
        assert problems == []
        assert (records[0].fields["title"], records[0].fields["note"]) == ("C# Programming", "C# code")

    def test_duplicate_keys_reject_the_second_entry_only(self):
        records, problems = read(DATA / "bib" / "duplicate_keys.bib")
        assert [(r.line, r.fields["key"], r.fields["title"]) for r in records] == [
            (1, "tanabe2021first", "The First Entry Under This Key"),
            (13, "raghunathan2020", "An Unrelated Article"),
        ]
        assert [(p.line, p.is_rejection) for p in problems] == [(7, True)]
        assert "duplicate key 'tanabe2021first'" in problems[0].message

    def test_repeated_field_keeps_the_first_value_whatever_the_case(self):
        records, problems = read(DATA / "bib" / "repeated_field.bib")
        assert fields_of(records) == [
            {"entry_type": "misc", "key": "kahananui2020", "title": "The Title That Counts", "year": "2020"}
        ]
        assert [(p.line, p.is_rejection) for p in problems] == [(1, False), (1, False)]
        assert {p.message for p in problems} == {
            "kahananui2020: field 'title' repeated; first kept",
            "kahananui2020: field 'year' repeated; first kept",
        }

    def test_unbalanced_entry_is_rejected_and_its_neighbours_read(self):
        records, problems = read(DATA / "bib" / "unbalanced_entry.bib")
        assert [r.fields["title"] for r in records] == ["Fine Before", "Fine After"]
        assert [(p.line, p.is_rejection) for p in problems] == [(5, True)]
        assert "@misc{broken" in problems[0].message

    def test_identifiers_are_kept_verbatim_and_prose_decoded(self):
        records, _ = read(DATA / "bib" / "identifiers.bib")
        fields = records[0].fields
        assert fields["eprint"] == "2109.01234v2"
        assert fields["archiveprefix"] == "arXiv"
        assert fields["doi"] == "https://doi.org/10.48550/arXiv.2109.01234"
        assert fields["abstract"] == "We reach 50% recall; code at https://github.com/example-org/shapes."
        assert fields["author"][0] == {"family": "Ó Briain", "given": "Eamon"}
        assert fields["author"][1] == {"family": "Kierkegaard-Lund", "given": "Søren"}

    def test_name_that_decodes_to_nothing_is_kept_as_written(self):
        records, _ = read_bibtex("x.bib", '@misc{a, author = "Ana Lima and {"}')
        assert records[0].fields["author"] == [{"family": "Lima", "given": "Ana"}, {"family": "{"}]

    def test_url_with_tilde_is_not_decoded(self):
        records, _ = read(DATA / "bib" / "type_field.bib")
        assert records[2].fields["url"] == "https://example.org/~ines/page"
        assert [r.fields["entry_type"] for r in records] == ["techreport", "conference", "online"]
        assert records[0].fields["type"] == "Research Note"

    @pytest.mark.parametrize(
        "text",
        ["@misc{a, author = {Doe, Jane and , and Roe, Rick}}", "@misc{a, author = {,}}", "@misc{a, editor = { and }}"],
    )
    def test_blank_names_do_not_stop_the_reader(self, text):
        records, _ = read_bibtex("x.bib", text)
        assert len(records) == 1
        assert all(name["family"].strip(", ") for key in ("author", "editor") for name in records[0].fields.get(key, []))


# ---------------------------------------------------------------- format detection


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("list.bib", "anything at all", "bibtex"),
        ("list.bib.gz", "anything", "bibtex"),
        ("list.BIB.XZ", "anything", "bibtex"),
        ("list.bibtex", "", "bibtex"),
        ("list.txt", "@inproceedings{a,\n}", "bibtex"),
        ("list.txt", "\n  @Article ( a,\n)", "bibtex"),
        ("list.txt", "% Encoding: UTF-8\n\n@misc{a,\n}", "bibtex"),
        ("list.txt", "Alert button\nPicture for Ana Lima\n\nAna Lima\n", "arxiv-listing"),
        ("list.txt", "A Title\n\nJan 01, 2020\nAna Lima\nAbstract.\nViaarxiv icon\n", "arxiv-listing"),
        ("list.txt", "Ana Lima\n\npdf bib\nA Title\nAna Lima | Rui Costa\n", "anthology-page"),
        ("list.txt", "Ana Lima\n\nbib\nA Title\n", "anthology-page"),
        ("list.txt", "One abstract.\nAnother abstract, with pdf and bib in it.\n", "abstracts"),
        ("list.txt", "Data\nCode\n", "abstracts"),
        ("list.txt", "", "abstracts"),
    ],
)
def test_detect_format(name, text, expected):
    assert detect_format(Path(name), text) == expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (DATA / "anthology" / "entry_without_abstract.txt", "anthology-page"),
        (DATA / "listing" / "comments.txt", "arxiv-listing"),
        (DATA / "abstracts" / "blank_lines_no_final_newline.txt", "abstracts"),
        (DATA / "bib" / "comment_header.txt", "bibtex"),
        (RAW / "000_b54dbd89deb80526.txt", "anthology-page"),
        (RAW / "001_8a06f9bb0f78aa77.txt", "abstracts"),
        (RAW / "002_636125aae36b5e83.txt", "arxiv-listing"),
        (RAW / "003_9b77c4dfcb76ac54.txt", "abstracts"),
        (RAW / "004_c6b72d533fa23d44.txt", "arxiv-listing"),
    ],
)
def test_detect_format_of_files(path, expected):
    assert detect_format(path, path.read_text(encoding="utf-8")) == expected


def test_comment_header_bib_read_through_read_source():
    records, problems = read(DATA / "bib" / "comment_header.txt")
    assert problems == []
    assert [(r.line, r.format, r.fields["key"]) for r in records] == [(3, "bibtex", "jabref2020")]


def test_explicit_format_overrides_detection():
    records, _ = read(DATA / "anthology" / "entry_without_abstract.txt", "abstracts")
    assert {r.format for r in records} == {"abstracts"}
    assert len(records) == 9  # every non-blank line


# ---------------------------------------------------------------- decoding, line endings, compression


def test_crlf_bom_fixtures():
    anthology, problems = read(DATA / "encoding" / "crlf_bom_anthology.txt")
    assert problems == []
    assert [(r.line, r.format) for r in anthology] == [(3, "anthology-page"), (10, "anthology-page")]
    assert anthology[0].fields["page_owner"] == "Ines da Silva"  # no BOM glued to it
    assert anthology[1].fields["venue_line"].endswith("Natural Language Processing")
    assert all("\r" not in str(v) for r in anthology for v in r.fields.values())

    listing, problems = read(DATA / "encoding" / "crlf_bom_listing.txt")
    # The file ends on the closer without a newline: the entry is closed, nothing to report.
    assert problems == []
    assert [(r.line, r.fields["title"], r.fields["comment"]) for r in listing] == [
        (8, "Byte-Order Marks in Listing Pages", "4 pages")
    ]
    assert listing[0].fields["page_owner"] == "Björn Ødegård"

    abstracts, problems = read(DATA / "encoding" / "crlf_bom_abstracts.txt")
    assert problems == []
    assert [(r.line, r.fields["abstract"]) for r in abstracts] == [
        (1, "First abstract after a byte-order mark."),
        (2, "Second abstract, ending the file without a newline."),
    ]

    bib, problems = read(DATA / "encoding" / "crlf_bom.bib")
    assert problems == []
    assert bib[0].fields["key"] == "odegard2023crlf"
    assert bib[0].fields["author"][0] == {"family": "Ødegård", "given": "Björn"}
    assert bib[0].fields["title"] == "Line Endings in BibTeX"


def test_cp1252_listing_is_read_and_reported():
    records, problems = read(DATA / "encoding" / "cp1252_listing.txt")
    assert [(p.line, p.is_rejection) for p in problems] == [(2, False)]
    assert "not valid UTF-8" in problems[0].message and "cp1252" in problems[0].message
    (record,) = records
    assert record.fields["title"] == "Café Menus as a “Low-Resource” Domain"
    assert record.fields["page_owner"] == "Amélie Dupont"
    assert record.fields["abstract"] == "We collect menus – in French – from imaginary cafés."


@pytest.mark.parametrize(
    ("data", "text", "lines"),
    [
        (b"plain\nascii\n", "plain\nascii\n", []),
        (b"\xef\xbb\xbfBOM first", "BOM first", []),
        (b"crlf\r\nline\r\n", "crlf\nline\n", []),
        (b"old mac\rline", "old mac\nline", []),
        ("Zoë\n".encode(), "Zoë\n", []),
        (b"ok\nJos\xe9\n", "ok\nJosé\n", [2]),
        (b"\xef\xbb\xbfok\r\n\x93q\x94", "ok\n“q”", [2]),  # a BOM is not read as cp1252 "ï»¿"
        (b"\x81\x8d", "\x81\x8d", [1]),  # not cp1252 either: Latin-1, still reported
    ],
)
def test_decode_text(data, text, lines):
    decoded, problems = decode_text(data, "f.txt")
    assert decoded == text
    assert [p.line for p in problems] == lines
    assert all(p.path == "f.txt" and not p.is_rejection for p in problems)


@pytest.mark.parametrize(("suffix", "compress"), [(".gz", gzip.compress), (".xz", lzma.compress), (".bz2", bz2.compress)])
def test_compressed_bibtex(tmp_path, suffix, compress):
    source = (DATA / "bib" / "braced_von_name.bib").read_bytes()
    path = tmp_path / f"list.bib{suffix}"
    path.write_bytes(compress(source))
    assert read_bytes(path) == source
    records, problems = read_source(path, path.name)
    assert problems == []
    assert records == [RawRecord(path.name, 1, "bibtex", read(DATA / "bib" / "braced_von_name.bib")[0][0].fields)]


@pytest.mark.parametrize("damage", ["truncate", "corrupt"])
def test_damaged_archive_is_a_source_error(tmp_path, damage):
    data = bytearray(gzip.compress(b"@misc{a, title={T}}\n" * 50))
    if damage == "truncate":
        data = data[: len(data) // 2]
    else:
        data[10:18] = b"\xff" * 8  # the start of the deflate stream: zlib.error, not OSError
    path = tmp_path / "broken.bib.gz"
    path.write_bytes(bytes(data))
    with pytest.raises(SourceError, match="cannot read"):
        read_source(path, path.name)


def test_missing_file_is_a_source_error(tmp_path):
    with pytest.raises(SourceError):
        read_source(tmp_path / "nowhere.txt", "nowhere.txt")


LAYOUT_FIXTURES = sorted(
    path for folder in ("anthology", "listing", "abstracts", "bib") for path in (DATA / folder).iterdir()
)


@pytest.mark.parametrize("path", LAYOUT_FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
@pytest.mark.parametrize("variant", ["crlf", "bom", "cr", "no-final-newline", "crlf+bom+no-final-newline"])
def test_line_endings_and_bom_do_not_change_what_is_read(tmp_path, path, variant):
    text = path.read_text(encoding="utf-8")
    if "crlf" in variant:
        text = text.replace("\n", "\r\n")
    if variant == "cr":
        text = text.replace("\n", "\r")
    if "no-final-newline" in variant:
        text = text.rstrip("\r\n")
    data = text.encode("utf-8")
    if "bom" in variant:
        data = b"\xef\xbb\xbf" + data
    copy = tmp_path / path.name
    copy.write_bytes(data)
    expected_records, expected_problems = read(path)
    records, problems = read(copy)
    assert records == expected_records
    assert messages(problems) == messages(expected_problems)


# ---------------------------------------------------------------- the seed listings


ANTHOLOGY_SEED = [
    (4, "Recyclable Tuning for Continual Pre-training", 9, "Findings of the Association for Computational Linguistics: ACL 2023"),
    (11, "CREATOR: Tool Creation for Disentangling Abstract and Concrete Reasoning of Large Language Models", 6,
     "Findings of the Association for Computational Linguistics: EMNLP 2023"),
    (18, "Enhancing Chat Language Models by Scaling High-quality Instructional Conversations", 8,
     "Proceedings of the 2023 Conference on Empirical Methods in Natural Language Processing"),
    (25, "Exploring the Impact of Model Scaling on Parameter-Efficient Tuning", 12,
     "Proceedings of the 2023 Conference on Empirical Methods in Natural Language Processing"),
    (32, "WebCPM: Interactive Web Search for Chinese Long-form Question Answering", 15,
     "Proceedings of the 61st Annual Meeting of the Association for Computational Linguistics (Volume 1: Long Papers)"),
    (39, "Parameter-efficient Weight Ensembling Facilitates Task-level Knowledge Transfer", 5,
     "Proceedings of the 61st Annual Meeting of the Association for Computational Linguistics (Volume 2: Short Papers)"),
    (47, "bert2BERT: Towards Reusable Pretrained Language Models", 10,
     "Proceedings of the 60th Annual Meeting of the Association for Computational Linguistics (Volume 1: Long Papers)"),
    (54, "Pass off Fish Eyes for Pearls: Attacking Model Selection of Pre-trained Models", 7,
     "Proceedings of the 60th Annual Meeting of the Association for Computational Linguistics (Volume 1: Long Papers)"),
    (61, "ELLE: Efficient Lifelong Pre-training for Emerging Data", 7,
     "Findings of the Association for Computational Linguistics: ACL 2022"),
    (68, "Different Tunes Played with Equal Skill: Exploring a Unified Optimization Subspace for Parameter-Efficient Tuning",
     9, "Findings of the Association for Computational Linguistics: EMNLP 2022"),
    (75, "FPT: Improving Prompt Tuning Efficiency via Progressive Training", 7,
     "Findings of the Association for Computational Linguistics: EMNLP 2022"),
    (82, "Knowledge Inheritance for Pre-trained Language Models", 11,
     NAACL_2022),
    (89, "On Transferability of Prompt Tuning for Natural Language Processing", 13,
     NAACL_2022),
    (96, "ProQA: Structural Prompt-based Pre-training for Unified Question Answering", 9,
     NAACL_2022),
    (103, "Exploring Mode Connectivity for Pre-trained Language Models", 9,
     "Proceedings of the 2022 Conference on Empirical Methods in Natural Language Processing"),
    (111, "ERICA: Improving Entity and Relation Understanding for Pre-trained Language Models via Contrastive Learning", 9,
     ACL_IJCNLP_2021),
]


class TestSeeds:
    def test_anthology_seed(self):
        path = RAW / "000_b54dbd89deb80526.txt"
        records, problems = read(path)
        assert problems == []
        assert len(records) == 16
        assert [(r.line, r.fields["title"], len(r.fields["authors"]), r.fields["venue_line"]) for r in records] == ANTHOLOGY_SEED
        assert {r.fields["page_owner"] for r in records} == {"Yujia Qin"}
        assert all(r.fields["abstract"] for r in records)
        lines = path.read_text(encoding="utf-8").split("\n")
        assert all(lines[r.line - 1] == "pdf bib" and lines[r.line] == r.fields["title"] for r in records)
        assert records[0].fields["authors"][:3] == ["Yujia Qin", "Cheng Qian", "Xu Han"]
        assert records[3].fields["abstract"].endswith("https://github.com/yushengsu-thu/PET_Scaling.")

    def test_listing_seed_002(self):
        path = RAW / "002_636125aae36b5e83.txt"
        records, problems = read(path)
        assert problems == []
        assert [r.line for r in records] == [8, 23, 37, 52, 66, 81, 96, 110]
        lines = path.read_text(encoding="utf-8").split("\n")
        assert all(lines[r.line - 1] == r.fields["title"] for r in records)
        assert {r.fields["page_owner"] for r in records} == {"Weilin Zhao"}
        assert [r.fields.get("comment") for r in records] == [
            "10 pages main paper, 8 pages appendix",
            None,
            "Accepted to ACL 2023 Demo track",
            None,
            "arXiv admin note: text overlap with arXiv:2107.06499 by other authors",
            "49 pages",
            None,
            None,
        ]
        assert records[0].fields["date"] == "Oct 05, 2023"
        assert len(records[3].fields["authors"]) == 41
        assert len(records[4].fields["authors"]) == 100
        assert "0.05% deviation" in records[0].fields["abstract"]
        assert "“emergent abilities”" in records[0].fields["abstract"]
        assert records[6].fields["abstract"].endswith("https://github.com/thunlp/OpenPrompt.")
        assert not any(r.fields.get("abstract_truncated") for r in records)

    def test_listing_seed_004(self):
        records, problems = read(RAW / "004_c6b72d533fa23d44.txt")
        assert problems == []
        assert [r.line for r in records] == [8, 23, 37, 51, 66, 80, 95, 110, 125, 140]
        assert {r.fields["page_owner"] for r in records} == {"Fuli Luo"}
        assert [r.fields.get("comment") for r in records] == [
            "This paper is published in IJCAI 2022",
            None,
            None,
            "ACL 2022 Main Conference, Camera-ready version",
            None,
            "Accepted to AAAI 2022",
            "Accepted as a long paper to EMNLP 2021 Main Conference",
            "10 pages, 4 figures",
            "Corrected typos",
            None,
        ]
        assert records[-1].fields["title"].startswith("VECO: Variable Encoder-decoder")

    @pytest.mark.parametrize(("name", "count"), [("001_8a06f9bb0f78aa77.txt", 10), ("003_9b77c4dfcb76ac54.txt", 18)])
    def test_abstract_seeds(self, name, count):
        records, problems = read(RAW / name)
        assert problems == []
        assert [r.line for r in records] == list(range(1, count + 1))
        assert all(set(r.fields) == {"abstract"} and len(r.fields["abstract"]) > 200 for r in records)


# ---------------------------------------------------------------- properties

_NAME = st.text(st.characters(categories=("L",), exclude_characters="|,"), min_size=1, max_size=8)
_PERSON = st.builds(lambda a, b: f"{a} {b}", _NAME, _NAME)
_WORDS = st.lists(_NAME, min_size=1, max_size=6).map(" ".join)
_SENTENCE = _WORDS.map(lambda words: words + ".")


@st.composite
def anthology_entries(draw):
    title = draw(_WORDS.filter(lambda t: not BADGE_LINE.match(t)))
    authors = draw(st.lists(_PERSON, min_size=1, max_size=30))
    venue = draw(st.one_of(st.none(), st.sampled_from([
        "Proceedings of the 2021 Conference on Empirical Methods in Natural Language Processing",
        "Findings of the Association for Computational Linguistics: ACL 2023",
        "Transactions of the Association for Computational Linguistics, Volume 9",
    ])))
    abstract = draw(st.one_of(st.none(), st.lists(_SENTENCE, min_size=1, max_size=3).map("\n\n".join)))
    badge = draw(st.sampled_from(["pdf bib", "pdf bib abs", "bib", "pdf bib video"]))
    return badge, title, authors, venue, abstract


@settings(max_examples=80, deadline=None)
@given(owner=_PERSON, entries=st.lists(anthology_entries(), min_size=1, max_size=4), blanks=st.integers(1, 3))
def test_anthology_layout_round_trip(owner, entries, blanks):
    lines = [owner] + [""] * blanks
    starts = []
    for badge, title, authors, venue, abstract in entries:
        starts.append(len(lines) + 1)
        lines += [badge, title, " | ".join(authors)] + ([venue] if venue else [])
        lines += [""] + (abstract.split("\n") + [""] if abstract else [])
    records, problems = read_anthology_page("p.txt", "\n".join(lines))
    assert problems == []
    assert [r.line for r in records] == starts
    for record, (_, title, authors, venue, abstract) in zip(records, entries, strict=True):
        assert record.fields["title"] == title
        assert record.fields["authors"] == authors
        assert record.fields.get("venue_line") == venue
        assert record.fields.get("abstract") == abstract
        assert record.fields["page_owner"] == owner


@st.composite
def listing_entries(draw):
    title = draw(_WORDS)
    date = draw(st.builds(
        lambda m, d, y: f"{m} {d:02d}, {y}", st.sampled_from(["Jan", "Mar", "Oct", "Dec"]), st.integers(1, 28),
        st.integers(1990, 2030),
    ))
    authors = draw(st.lists(_PERSON, min_size=1, max_size=30))
    figures = draw(st.integers(0, 4))
    abstract = draw(st.lists(_SENTENCE, min_size=1, max_size=2))
    comment = draw(st.one_of(st.none(), _WORDS))
    return title, date, authors, figures, abstract, comment


@settings(max_examples=80, deadline=None)
@given(owner=_PERSON, entries=st.lists(listing_entries(), min_size=1, max_size=4))
def test_listing_layout_round_trip(owner, entries):
    lines = ["Alert button", f"Picture for {owner}", "", owner, "", "Alert button", ""]
    starts = []
    for title, date, authors, figures, abstract, comment in entries:
        starts.append(len(lines) + 1)
        lines += [title, "", date, ", ".join(authors), ""]
        lines += [f"Figure {n} for {title}" for n in range(1, figures + 1)] + [""]
        lines += abstract + [""] + ([f"* {comment} "] if comment else []) + ["Viaarxiv icon", ""]
    records, problems = read_listing_page("l.txt", "\n".join(lines))
    assert problems == []
    assert [r.line for r in records] == starts
    for record, (title, date, authors, _, abstract, comment) in zip(records, entries, strict=True):
        assert record.fields["title"] == title
        assert record.fields["date"] == date
        assert record.fields["authors"] == authors
        assert record.fields["abstract"] == "\n\n".join(abstract)
        assert "abstract_truncated" not in record.fields
        assert record.fields.get("comment") == comment
        assert record.fields["page_owner"] == owner


_LINE_NOISE = st.sampled_from([
    "pdf bib", "bib", "Viaarxiv icon", "Alert button", "Picture for X", "Oct 05, 2023", "* comment", "*", "Figure 1 for x",
    "@misc{a,", "title = {x},", "}", "author = {Doe, Jane and , and}", "@string{s = a # b}", " | ", ",", "", "{", "\\",
])
_BIB_VALUE = st.lists(
    st.one_of(st.sampled_from(["Doe, Jane", " and ", " and , and ", ",", "{", "}", '"', " # ", "@", "\\'e", "%", "="]),
              st.text(max_size=6)),
    max_size=8,
).map("".join)
_BIB_TEXT = st.lists(
    st.builds(
        lambda kind, key, fields: f"@{kind}{{{key},\n" + "".join(f"  {k} = {v},\n" for k, v in fields) + "}\n",
        st.sampled_from(["misc", "article", "string", "comment", "preamble", "x"]),
        st.text(st.sampled_from("ab1_:-, "), max_size=5),
        st.lists(st.tuples(st.sampled_from(["author", "author", "editor", "title", "year", "Title", "s"]),
                           st.one_of(_BIB_VALUE.map(lambda v: f"{{{v}}}"), _BIB_VALUE.map(lambda v: f'"{v}"'), _BIB_VALUE)),
                 max_size=4),
    ),
    max_size=4,
).map("".join)
_ANY_TEXT = st.one_of(
    st.text(max_size=400),
    st.lists(st.one_of(_LINE_NOISE, st.text(max_size=40)), max_size=30).map("\n".join),
    _BIB_TEXT,
)


@settings(max_examples=150, deadline=None)
@given(text=_ANY_TEXT, fmt=st.sampled_from(sorted(READERS)))
def test_readers_never_raise(text, fmt):
    records, problems = READERS[fmt]("any.txt", text)
    line_count = text.count("\n") + 1
    assert all(isinstance(r, RawRecord) and r.format == fmt and 1 <= r.line <= line_count for r in records)
    assert all(isinstance(p, Problem) and p.path == "any.txt" for p in problems)


@settings(max_examples=150, deadline=None)
@given(text=_BIB_TEXT)
def test_bibtex_reader_never_raises(text):
    records, problems = read_bibtex("any.bib", text)
    assert all(r.format == "bibtex" and isinstance(r.fields["key"], str) for r in records)
    for record in records:
        for key in ("author", "editor"):
            assert all(name["family"] for name in record.fields.get(key, []))
    assert all(p.path == "any.bib" and p.line >= 1 for p in problems)


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=300))
def test_decode_text_never_raises_and_unifies_line_ends(data):
    text, problems = decode_text(data, "b.txt")
    assert "\r" not in text
    assert bool(problems) != _is_utf8(data)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# ---------------------------------------------------------------- files holding several formats


def test_anthology_then_listing():
    records, problems = read(DATA / "mixed" / "anthology_then_listing.txt")
    assert problems == []
    assert [(r.line, r.format, r.fields["title"]) for r in records] == [
        (3, "anthology-page", "Counting Vowels in Imaginary Scripts"),
        (10, "anthology-page", "Silent Letters as a Service"),
        (17, "arxiv-listing", "Diacritics Without Borders"),
        (28, "arxiv-listing", "A Second Preprint on Nothing"),
    ]
    # The Anthology entry ends where the listing's first title begins, not at the closer.
    assert records[1].fields["abstract"] == "We sell silent letters and report no profit."
    assert records[1].fields["page_owner"] == "Tereza Novotná"
    assert records[2].fields["date"] == "Jun 12, 2023"
    assert records[2].fields["authors"] == ["Tereza Novotná", "Aiko Tanabe"]
    assert "page_owner" not in records[2].fields  # the listing copy had no header
    assert records[3].fields["comment"] == "3 pages"


def test_listing_with_bibtex_pasted():
    records, problems = read(DATA / "mixed" / "listing_with_bibtex_pasted.txt")
    assert problems == []
    assert [(r.line, r.format, r.fields["title"]) for r in records] == [
        (8, "arxiv-listing", "Listings Interrupted by BibTeX"),
        (18, "bibtex", "Pasted BibTeX Between Entries"),
        (25, "arxiv-listing", "The Listing Goes On"),
        (33, "bibtex", "A Second Paste After the Listing"),
    ]
    assert records[0].fields["page_owner"] == "Ines da Silva"
    assert records[1].fields["author"] == [{"family": "da Silva", "given": "Ines"}, {"family": "Ødegård", "given": "Björn"}]
    # All BibTeX of a file is read together: the @string of the first paste serves the second.
    assert records[1].fields["booktitle"] == records[3].fields["journal"] == "Proceedings of the Imaginary Workshop"
    assert records[2].fields["abstract"] == "A closing abstract."


def test_bibtex_then_abstract_lines_reports_the_lines():
    records, problems = read(DATA / "mixed" / "bibtex_then_abstract_lines.txt")
    assert [(r.line, r.format, r.fields["key"]) for r in records] == [
        (3, "bibtex", "mensah2021first"),
        (10, "bibtex", "tanabe2019second"),
    ]
    # The `%` comment is BibTeX's own; the abstracts are not silently dropped, nor read as entries.
    assert [(p.line, p.is_rejection) for p in problems] == [(15, True), (16, True)]
    assert messages(problems)[1] == (
        "bibtex_then_abstract_lines.txt:16: text outside any entry; not read: "
        "'A second stray abstract, about nothing in particular.'"
    )


def test_abstract_lines_after_a_listing_are_not_an_unclosed_entry():
    records, problems = read(DATA / "mixed" / "listing_then_abstract_lines.txt")
    assert [(r.line, r.fields["title"], r.fields["date"]) for r in records] == [
        (1, "A Headerless Listing Entry", "Mar 30, 2020")
    ]
    assert [(p.line, p.is_rejection, "text outside any entry" in p.message) for p in problems] == [(10, True, True)]


def test_forced_format_reads_a_mixed_file_whole():
    records, _ = read(DATA / "mixed" / "listing_with_bibtex_pasted.txt", "bibtex")
    assert [r.fields["key"] for r in records] == ["dasilva2022pasted", "odegard2020after"]
    records, _ = read(DATA / "mixed" / "bibtex_then_abstract_lines.txt", "abstracts")
    assert len(records) == 14  # every non-blank line


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # An unbalanced entry runs to the next `@` line; the listing after the good entry is still read.
        (
            (
                "@misc{bad,\n  title = {Open\n@misc{good, title = {Good}, author = {Doe, Jane}, year = 2020}\n"
                "A Title\n\nJan 01, 2020\nJane Doe\n\nAbstract.\nViaarxiv icon\n"
            ),
            [(3, "bibtex", "good"), (4, "arxiv-listing", "A Title")],
        ),
        # Parenthesized entries, braces and parentheses inside values.
        (
            (
                "@misc(p1, title = {A (Bracketed) {Title}}, author = {Doe, Jane}, year = 2020)\n"
                "Ana Lima\n\npdf bib\nA Title\nAna Lima | Rui Costa\nProceedings of Nothing 2020\n"
            ),
            [(1, "bibtex", "p1"), (4, "anthology-page", "A Title")],
        ),
        # A listing copy, then an Anthology copy whose owner line follows the last closer.
        (
            "A Title\n\nJan 01, 2020\nJane Doe\n\nAbstract.\nViaarxiv icon\nAna Lima\n\nbib\nB Title\nAna Lima\n",
            [(1, "arxiv-listing", "A Title"), (10, "anthology-page", "B Title")],
        ),
        # Two listing copies, each with its header.
        (
            (
                "Alert button\nPicture for Ana Lima\nAna Lima\nAlert button\nA\nJan 01, 2020\nAna Lima\nViaarxiv icon\n"
                "Alert button\nPicture for Rui Costa\nRui Costa\nAlert button\nB\nJan 02, 2020\nRui Costa\nViaarxiv icon\n"
            ),
            [(5, "arxiv-listing", "A"), (13, "arxiv-listing", "B")],
        ),
    ],
)
def test_read_text_splits_regions(text, expected):
    records, problems = read_text("m.txt", text)
    assert [(r.line, r.format, r.fields.get("key") or r.fields["title"]) for r in records] == expected
    assert not [p for p in problems if "outside any entry" in p.message]


def test_two_listing_copies_keep_their_owners():
    text = (
        "Alert button\nPicture for Ana Lima\nAna Lima\nAlert button\nA\nJan 01, 2020\nAna Lima\nViaarxiv icon\n"
        "Alert button\nPicture for Rui Costa\nRui Costa\nAlert button\nB\nJan 02, 2020\nRui Costa\nViaarxiv icon\n"
    )
    records, problems = read_text("m.txt", text)
    assert problems == []
    assert [r.fields["page_owner"] for r in records] == ["Ana Lima", "Rui Costa"]


def test_text_before_a_pasted_entry_is_reported():
    records, problems = read_text("m.txt", "Some heading\n\n@misc{k, title = {T}, author = {Doe, Jane}, year = 2020}\n")
    assert [(r.line, r.fields["key"]) for r in records] == [(3, "k")]
    assert [(p.line, p.is_rejection) for p in problems if "outside any entry" in p.message] == [(1, True)]


def test_split_regions_of_a_pure_abstract_dump():
    assert split_regions(["One abstract.", "", "Another."]) == ([], [0, 2])


@pytest.mark.parametrize(
    "path",
    sorted(path for folder in ("anthology", "listing", "abstracts", "bib", "encoding", "import") for path in (DATA / folder).iterdir())
    + sorted(RAW.iterdir()),
    ids=lambda p: p.name,
)
def test_one_format_files_read_as_before(path):
    """Region splitting leaves a file of one format to its reader, whole."""
    text, _ = decode_text(read_bytes(path), path.name)
    regions, leftover = split_regions(text.split("\n"))
    assert len({region.format for region in regions}) <= 1
    assert leftover == [] or regions == []
    assert read(path) == read_source(path, path.name, detect_format(path, text))


# ---------------------------------------------------------------- empty inputs


@pytest.mark.parametrize("name", ["empty.txt", "whitespace_bom.txt", "empty.bib", "empty.bib.gz", "zero_bytes.bib.gz"])
def test_empty_inputs(name):
    records, problems = read(DATA / "empty" / name)
    assert records == []
    assert problems == [Problem(name, None, "the file holds no entries")]


def test_no_entries_is_not_said_when_an_entry_was_rejected(tmp_path):
    path = tmp_path / "broken.bib"
    path.write_text("@misc{broken, title = {Open\n", encoding="utf-8")
    records, problems = read(path)
    assert records == [] and [p.is_rejection for p in problems] == [True]


@settings(max_examples=150, deadline=None)
@given(text=_ANY_TEXT)
def test_read_text_never_raises_and_keeps_line_numbers(text):
    records, problems = read_text("any.txt", text)
    line_count = text.count("\n") + 1
    assert all(1 <= r.line <= line_count for r in records)
    assert all(p.path == "any.txt" and (p.line is None or 1 <= p.line <= line_count) for p in problems)
    assert [r.line for r in records] == sorted(r.line for r in records)
