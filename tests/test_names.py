"""Personal names, slugs and record ids."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from generator.model import Name
from generator.names import id_stem, is_suffix, mint_id, parse_name, slug, split_bibtex_names, title_words

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@pytest.mark.parametrize(
    ("text", "given_name", "family"),
    [
        # display order, hyphenated given names
        ("Hai-Tao Zheng", "Hai-Tao", "Zheng"),
        ("Li-Wei Chen-Navarro", "Li-Wei", "Chen-Navarro"),
        ("J. R. R. Tolkinson", "J. R. R.", "Tolkinson"),
        # "Family, Given"
        ("Zheng, Hai-Tao", "Hai-Tao", "Zheng"),
        ("Zheng,Hai-Tao", "Hai-Tao", "Zheng"),
        ("Smith, J.", "J.", "Smith"),
        # particles belong to the family name
        ("Jan van der Berg", "Jan", "van der Berg"),
        ("van der Berg, Jan", "Jan", "van der Berg"),
        ("María José de la Fuente", "María José", "de la Fuente"),
        ("de la Fuente, María José", "María José", "de la Fuente"),
        ("Pieter van den Hoek", "Pieter", "van den Hoek"),
        ("Élodie du Pont", "Élodie", "du Pont"),
        ("Jan~van der Berg", "Jan", "van der Berg"),
        ("{van der Berg}, Jan", "Jan", "{van der Berg}"),  # braces stay for the LaTeX decoder
        # diacritics
        ("Ólafur Örn Þórsson", "Ólafur Örn", "Þórsson"),
        ("Ngọc Ánh Đỗ", "Ngọc Ánh", "Đỗ"),
        ("Çağla Öztürk", "Çağla", "Öztürk"),
        # mononyms and particle-only family names
        ("Teodora", None, "Teodora"),
        ("de la Cruz", None, "de la Cruz"),
        # suffixes stay with the family name, however they are written
        ("Martin Luther Kingsley Jr.", "Martin Luther", "Kingsley Jr."),
        ("Martin Luther Kingsley, Jr.", "Martin Luther", "Kingsley Jr."),
        ("Kingsley, Jr., Martin Luther", "Martin Luther", "Kingsley Jr."),
        ("Ada Lovecraft III", "Ada", "Lovecraft III"),
        ("Lovecraft, III", None, "Lovecraft III"),
        ("Prince Jr.", None, "Prince Jr."),
        # spacing and stray commas
        ("  Ana   Lima ,", "Ana", "Lima"),
        ("Ana\tLima\n", "Ana", "Lima"),
        # unbalanced braces are kept as written, not "repaired"
        ("{Jan", None, "{Jan"),
        ("Jan}", None, "Jan}"),
    ],
)
def test_parse_name(text, given_name, family):
    assert parse_name(text) == Name(given_name, family)


@pytest.mark.parametrize("text", ["", "   ", ",", " , ", ", , ,", "\n"])
def test_parse_name_rejects_empty_names(text):
    with pytest.raises(ValueError, match="empty name"):
        parse_name(text)


@pytest.mark.parametrize(("word", "expected"), [("Jr.", True), ("jr", True), ("III", True), (" Sr. ", True), ("Jan", False), ("", False)])
def test_is_suffix(word, expected):
    assert is_suffix(word) is expected


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Doe, Jane and Roe, Rick", ["Doe, Jane", "Roe, Rick"]),
        ("Ana Lima AND Rui Costa", ["Ana Lima", "Rui Costa"]),
        ("Ana Lima and\nRui Costa", ["Ana Lima", "Rui Costa"]),
        ("{Barnes and Noble} and van der Berg, Jan", ["{Barnes and Noble}", "van der Berg, Jan"]),
        ("Doe, Jane and , and Roe", ["Doe, Jane", "Roe"]),
        ("Teodora", ["Teodora"]),
        ("", []),
    ],
)
def test_split_bibtex_names(text, names):
    assert split_bibtex_names(text) == names


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hai-Tao", "hai-tao"),
        ("Öztürk", "ozturk"),
        ("van der Berg", "van-der-berg"),
        ("Dupont-Żak", "dupont-zak"),
        ("Þórsson", "thorsson"),
        ("Ødegård", "odegard"),
        ("Đỗ", "do"),
        ("straße", "strasse"),
        ("Ó Briain", "o-briain"),
        ("O'Brien", "o-brien"),
        ("  Mixed   CASE  ", "mixed-case"),
        ("a--b", "a-b"),
        ("2023", "2023"),
        ("---", ""),
        ("$$$", ""),
        ("", ""),
    ],
)
def test_slug(text, expected):
    assert slug(text) == expected


@pytest.mark.parametrize(
    ("first", "second", "count", "year", "stem"),
    [
        ("Qin", "Qian", 9, 2023, "qin-etal-2023"),
        ("Qin", "Qian", 3, 2023, "qin-etal-2023"),
        ("Maggi", "Vitaletti", 2, 2025, "maggi-vitaletti-2025"),
        ("Chen", None, 1, 2025, "chen-2025"),
        ("van der Berg", "Öztürk", 2, 2023, "van-der-berg-ozturk-2023"),
        ("Teodora", None, 1, None, "teodora-nd"),
        (None, None, 0, None, "anonymous-nd"),
        ("$$$", None, 1, 2020, "anonymous-2020"),
        ("Zheng", "$$", 2, 2020, "zheng-anonymous-2020"),
    ],
)
def test_id_stem(first, second, count, year, stem):
    assert id_stem(first, second, count, year) == stem


def test_title_words_skip_stopwords():
    assert title_words("A Study of the Recyclable Tuning") == ["study", "recyclable", "tuning"]
    assert title_words("The Of And") == []


STEM = "qin-etal-2023"
TITLE = "A Study of Recyclable Tuning for Continual Pre-training"


@pytest.mark.parametrize(
    ("taken", "expected"),
    [
        (set(), f"{STEM}-study"),
        ({f"{STEM}-study"}, f"{STEM}-study-recyclable"),
        ({f"{STEM}-study", f"{STEM}-study-recyclable"}, f"{STEM}-study-recyclable-tuning"),
        ({f"{STEM}-study", f"{STEM}-study-recyclable", f"{STEM}-study-recyclable-tuning"}, f"{STEM}-study-2"),
        (
            {f"{STEM}-study", f"{STEM}-study-recyclable", f"{STEM}-study-recyclable-tuning", f"{STEM}-study-2"},
            f"{STEM}-study-3",
        ),
        ({f"{STEM}-study-recyclable"}, f"{STEM}-study"),  # only what is taken is skipped
    ],
)
def test_mint_id_collisions(taken, expected):
    assert mint_id(STEM, TITLE, taken) == expected


@pytest.mark.parametrize(
    ("title", "taken", "expected"),
    [
        ("The Of And", set(), "x-2020-untitled"),
        ("", set(), "x-2020-untitled"),
        ("Tuning", {"x-2020-tuning"}, "x-2020-tuning-2"),
        ("Ökologie der Wörter", set(), "x-2020-okologie"),
        ("WebCPM: Interactive Web Search", set(), "x-2020-webcpm"),
    ],
)
def test_mint_id_titles(title, taken, expected):
    assert mint_id("x-2020", title, taken) == expected


def test_mint_id_is_deterministic_and_never_repeats():
    def mint_all() -> list[str]:
        taken: set[str] = set()
        minted = []
        for _ in range(6):
            paper_id = mint_id(STEM, TITLE, taken)
            taken.add(paper_id)
            minted.append(paper_id)
        return minted

    first = mint_all()
    assert first == mint_all()
    assert len(set(first)) == 6
    assert first[3:] == [f"{STEM}-study-2", f"{STEM}-study-3", f"{STEM}-study-4"]


# ---------------------------------------------------------------- properties


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_slug_is_always_a_slug_or_empty(text):
    result = slug(text)
    assert result == "" or SLUG.match(result)


@settings(max_examples=100, deadline=None)
@given(
    first=st.one_of(st.none(), st.text(max_size=20)),
    second=st.one_of(st.none(), st.text(max_size=20)),
    count=st.integers(0, 80),
    year=st.one_of(st.none(), st.integers(1900, 2099)),
    titles=st.lists(st.text(max_size=40), min_size=1, max_size=8),
)
def test_minted_ids_are_slugs_and_unique(first, second, count, year, titles):
    stem = id_stem(first, second, count, year)
    assert SLUG.match(stem)
    taken: set[str] = set()
    for title in titles:
        paper_id = mint_id(stem, title, taken)
        assert SLUG.match(paper_id)
        assert paper_id.startswith(f"{stem}-")
        assert paper_id not in taken
        taken.add(paper_id)


_WORD = st.builds(
    lambda head, tail: head + tail,
    st.characters(categories=("Lu",), exclude_characters="ǄǇǊǅǈǋǲ"),
    st.text(st.characters(categories=("Ll",)), min_size=1, max_size=8),
)
_GIVEN = st.one_of(_WORD, st.builds(lambda a, b: f"{a}-{b.lower()}", _WORD, _WORD), st.builds(lambda a, b: f"{a} {b}", _WORD, _WORD))
_PARTICLE = st.sampled_from(["", "van ", "van der ", "de la ", "du ", "von ", "da "])


@settings(max_examples=150, deadline=None)
@given(given_name=_GIVEN, particle=_PARTICLE, family=_WORD)
def test_parse_name_both_orders_agree(given_name, particle, family):
    assume(not is_suffix(family))
    expected = Name(given_name, f"{particle}{family}")
    assert parse_name(f"{given_name} {particle}{family}") == expected
    assert parse_name(f"{particle}{family}, {given_name}") == expected


@settings(max_examples=200, deadline=None)
@given(st.text(st.one_of(st.sampled_from(" ,{}\\~-.\t"), st.characters()), max_size=40))
def test_parse_name_never_fails_on_a_name_with_content(text):
    if not text.replace(",", " ").split():
        with pytest.raises(ValueError):
            parse_name(text)
        return
    name = parse_name(text)
    assert name.family.strip()
    assert name.given is None or name.given.strip()
