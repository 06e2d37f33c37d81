"""Papers + venues + people + topics -> a Library with every index a page needs.

Two decisions are made here, once per build: which person each printed name is
(``content/people.yaml`` variants, otherwise one person per spelling) and which
topics a paper has (its own ``topics:``, otherwise the taxonomy's phrases matched
in title and abstract).
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from unidecode import unidecode

from .cache import digest
from .model import AuthorRef, Library, Name, Paper, Person, Problem, Topic, VenueCatalog, with_fields
from .names import slug

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_LETTERS = re.compile(r"[a-z]+")


def name_key(name: Name) -> str:
    """Spellings that differ only by case, accents, punctuation or spacing are one spelling."""
    return " ".join(_NOT_ALNUM.sub(" ", unidecode(name.as_first_last()).lower()).split())


def person_id_for(name: Name) -> str:
    return slug(name.as_first_last()) or "anonymous"


# ---------------------------------------------------------------- topics


def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    """Case-, plural- and hyphen-insensitive: "language model" matches "Language-Models"."""
    words = re.split(r"[\s\-]+", phrase.strip().lower())
    body = r"[\s\-]+".join(re.escape(word) + r"(?:s|es)?" for word in words if word)
    return re.compile(rf"(?<![a-z0-9]){body}(?![a-z0-9])", re.IGNORECASE)


# Besides ASCII letters, the characters ``[a-z]`` matches when case is ignored, as the letter each is
# (tests/test_library.py checks this against every code point).
_CASELESS_LETTERS = (("\u0130", "i"), ("\u0131", "i"), ("\u017f", "s"), ("\u212a", "k"))


def fold_case(text: str) -> str:
    """The text as ``re.IGNORECASE`` compares it with lower-case ASCII, one character for one:
    ``İ``, ``ı``, ``ſ`` and the Kelvin sign become ``i``, ``i``, ``s``, ``k``; ASCII is lower-cased."""
    if not text.isascii():
        for char, letter in _CASELESS_LETTERS:
            text = text.replace(char, letter)
    return text.lower()


@dataclass(frozen=True, slots=True)
class TopicPhrase:
    topic_index: int
    words: frozenset[str]  # all of them occur in any text the pattern matches
    pattern: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class TopicMatcher:
    """Every topic's phrases, looked up by word, so a text is searched only for phrases whose words it has.

    A phrase of ASCII words is searched in the ``fold_case`` text without ``re.IGNORECASE``: a character
    matches a letter or digit there exactly when it matches it ignoring case in the text itself."""

    topic_ids: tuple[str, ...]
    phrases_by_word: Mapping[str, tuple[TopicPhrase, ...]]  # phrases of ASCII words, by their longest word
    other_phrases: tuple[TopicPhrase, ...]  # searched in every text, with ``_phrase_pattern``


def _folded_pattern(words: list[str]) -> re.Pattern[str]:
    """``_phrase_pattern`` for a text already passed through ``fold_case``, for ASCII letters and digits.
    It starts with the first word, not with the look-behind, so ``re`` can scan for that word."""
    first = words[0]
    body = r"[\s\-]+".join(word + r"(?:s|es)?" for word in words).removeprefix(first)
    return re.compile(rf"{first}(?<![a-z0-9]{first}){body}(?![a-z0-9])")


def topic_matcher(topics: Iterable[Topic]) -> TopicMatcher:
    topic_ids = []
    by_word: dict[str, list[TopicPhrase]] = defaultdict(list)
    others = []
    for topic_index, topic in enumerate(topics):
        topic_ids.append(topic.id)
        for phrase in topic.phrases:
            words = [word for word in re.split(r"[\s\-]+", phrase.strip().lower()) if word]
            if words and all(word.isascii() and word.isalnum() for word in words):
                longest = max(words, key=len)
                by_word[longest].append(TopicPhrase(topic_index, frozenset(words), _folded_pattern(words)))
            else:
                others.append(TopicPhrase(topic_index, frozenset(), _phrase_pattern(phrase)))
    return TopicMatcher(tuple(topic_ids), {word: tuple(phrases) for word, phrases in by_word.items()}, tuple(others))


def match_topics(paper: Paper, matcher: TopicMatcher) -> tuple[str, ...]:
    """The topics with a phrase in the title or abstract, in the taxonomy's order."""
    text = f"{paper.title}\n{paper.abstract or ''}"
    folded = fold_case(text)
    found = {phrase.topic_index for phrase in matcher.other_phrases if phrase.pattern.search(text)}
    for word, phrases in matcher.phrases_by_word.items():
        if word not in folded:
            continue
        for phrase in phrases:
            if phrase.topic_index not in found and all(w in folded for w in phrase.words) and phrase.pattern.search(folded):
                found.add(phrase.topic_index)
    return tuple(topic_id for index, topic_id in enumerate(matcher.topic_ids) if index in found)


# ---------------------------------------------------------------- the library


def _newest_first_key(paper: Paper) -> tuple[int, int, str, str]:
    return -(paper.year or 0), -(paper.month or 0), paper.title.casefold(), paper.id


@dataclass
class LibraryMemo:
    """What ``build_library`` worked out about names and texts, kept between builds (in the build
    cache) because it depends on nothing else: each printed name's spelling key and person id
    (before people.yaml is consulted), and the topics matched in a title and abstract under one
    taxonomy. Results are the same with or without it."""

    # (given, family) -> (name_key, own id); a tuple hashes faster than a Name
    names: dict[tuple[str | None, str], tuple[str, str]] = dataclasses.field(default_factory=dict)
    topics_signature: str = ""  # the taxonomy ``matched`` was made with
    matched: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)  # digest of title+abstract ->
    unmerged_inputs: str = ""  # what ``likely_unmerged_people`` last looked at, and what it found
    unmerged: tuple[Problem, ...] = ()
    changed: bool = False  # something was added or dropped: worth saving

    def keep_only(self, names: set[tuple[str | None, str]], texts: set[str]) -> None:
        """Forget names and texts no paper has any more, so the memo does not grow forever."""
        if len(names) != len(self.names) or len(texts) != len(self.matched):
            self.names = {name: self.names[name] for name in names if name in self.names}
            self.matched = {text: self.matched[text] for text in texts if text in self.matched}
            self.changed = True


def build_library(
    papers: Mapping[str, Paper], venues: VenueCatalog, people: Mapping[str, Person], topics: Mapping[str, Topic],
    memo: LibraryMemo | None = None,
) -> Library:
    people = dict(people)
    memo = memo if memo is not None else LibraryMemo()
    # A person with a disambiguator shares their name with someone else, so their spellings claim nobody.
    by_spelling = {name_key(variant): person.id for person in people.values() if not person.disambiguator
                   for variant in (person.name, *person.variants)}
    matcher = topic_matcher(topics.values())
    signature = repr(sorted(topics.items()))
    if memo.topics_signature != signature:
        memo.topics_signature, memo.matched, memo.changed = signature, {}, True
    known_names, matched = memo.names, memo.matched
    person_by_name: dict[tuple[str | None, str], str] = {}  # most names are printed on several papers

    def person_of(name: Name) -> str:
        spelling = (name.given, name.family)
        person_id = person_by_name.get(spelling)
        if person_id is None:
            known = known_names.get(spelling)
            if known is None:
                known = known_names[spelling] = (name_key(name), person_id_for(name))
                memo.changed = True
            person_id = person_by_name[spelling] = by_spelling.get(known[0]) or known[1]
        return person_id

    resolved: dict[str, Paper] = {}
    texts: set[str] = set()
    for paper_id in sorted(papers):
        paper = papers[paper_id]
        authors = []
        for author in paper.authors:
            person_id = author.person_id or person_of(author.name)
            if person_id not in people:
                people[person_id] = Person(person_id, author.name)
            authors.append(AuthorRef(author.name, person_id))
        topic_ids = tuple(t for t in paper.topic_ids if t in topics)
        if not topic_ids:
            text = digest(paper.title, paper.abstract or "")  # the texts themselves would double the memo
            texts.add(text)
            topic_ids = matched.get(text)  # type: ignore[assignment]
            if topic_ids is None:
                topic_ids = matched[text] = match_topics(paper, matcher)
                memo.changed = True
        resolved[paper_id] = with_fields(paper, authors=tuple(authors), topic_ids=topic_ids)
    memo.keep_only(set(person_by_name), texts)

    by_person, by_venue, by_topic, by_year = defaultdict(list), defaultdict(list), defaultdict(list), defaultdict(list)
    for paper in resolved.values():
        for author in paper.authors:
            by_person[author.person_id].append(paper.id)
        if paper.venue_id:
            by_venue[paper.venue_id].append(paper.id)
        for topic_id in paper.topic_ids:
            by_topic[topic_id].append(paper.id)
        if paper.year:
            by_year[paper.year].append(paper.id)

    # One ranking, newest first, that every index keeps (a paper is in several indexes).
    rank = {paper.id: position for position, paper in enumerate(sorted(resolved.values(), key=_newest_first_key))}

    def index(groups: dict) -> dict:
        return {key: tuple(sorted(set(ids), key=rank.__getitem__)) for key, ids in sorted(groups.items())}

    return Library(
        papers=resolved,
        venues=venues,
        people={pid: people[pid] for pid in sorted(people) if pid in by_person},
        topics=dict(topics),
        papers_by_person=index(by_person),
        papers_by_venue=index(by_venue),
        papers_by_topic=index(by_topic),
        papers_by_year=index(by_year),
    )


# ---------------------------------------------------------------- likely duplicates


def _given_tokens(given: str | None) -> list[str]:
    return _LETTERS.findall(unidecode(given).lower()) if given else []


def _given_compatible(a: str | None, b: str | None) -> bool:
    """"Yi" ~ "Yi Ren", "J." ~ "Jane", "Hai-Tao" ~ "Haitao"; "Yi" !~ "Yu"."""
    if not a or not b:
        return False
    return _tokens_compatible(_given_tokens(a), _given_tokens(b))


def _tokens_compatible(tokens_a: list[str], tokens_b: list[str]) -> bool:
    if "".join(tokens_a) == "".join(tokens_b):
        return True
    shorter, longer = sorted((tokens_a, tokens_b), key=len)
    return all(s == l or (len(s) == 1 and l.startswith(s)) for s, l in zip(shorter, longer)) and bool(shorter)


def _candidate_pairs(tokens: list[list[str]]) -> list[tuple[int, int]]:
    """Index pairs (i < j) that can be compatible, in order: the same letters, the same first word,
    or one first word that is an initial. Everything else differs in its first word."""
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    initials = []
    for index, words in enumerate(tokens):
        groups[("letters", "".join(words))].append(index)
        if words and len(words[0]) > 1:
            groups[("first", words[0])].append(index)
        else:
            initials.append(index)
    pairs = {(i, j) for members in groups.values() for n, i in enumerate(members) for j in members[n + 1 :]}
    pairs.update((min(i, j), max(i, j)) for i in initials for j in range(len(tokens)) if i != j)
    return sorted(pairs)


def likely_unmerged_people(library: Library, people_file: str, memo: LibraryMemo | None = None) -> list[Problem]:
    """Pairs of people with the same family name and compatible given names, for a person to decide."""
    if memo is None:
        return _likely_unmerged_people(library, people_file)
    people = library.people
    inputs = digest(people_file, *(f"{p.id}\t{p.name.given}\t{p.name.family}\t{p.disambiguator}\t"
                                   f"{library.papers_by_person[p.id][:2]}" for p in people.values()))
    if memo.unmerged_inputs != inputs:
        memo.unmerged_inputs, memo.unmerged = inputs, tuple(_likely_unmerged_people(library, people_file))
        memo.changed = True
    return list(memo.unmerged)


def _likely_unmerged_people(library: Library, people_file: str) -> list[Problem]:
    # Compatible given names start with the same letter, so only people sharing the family name and
    # that initial are compared (a large corpus has thousands of people named Wang), and among them
    # only those whose first given names can match.
    by_family: dict[tuple[str, str], list[Person]] = defaultdict(list)
    for person in library.people.values():
        initial = name_key(Name(None, person.name.given or ""))[:1]
        by_family[(name_key(Name(None, person.name.family)), initial)].append(person)
    problems = []
    for family in sorted(by_family):
        group = by_family[family]
        tokens = [_given_tokens(person.name.given) for person in group]
        for i, j in _candidate_pairs(tokens):
            first, second = group[i], group[j]
            if first.disambiguator or second.disambiguator:
                continue  # people.yaml already says these are different people
            if first.name.given and second.name.given and _tokens_compatible(tokens[i], tokens[j]):
                papers = ", ".join(library.papers_by_person[first.id][:2] + library.papers_by_person[second.id][:2])
                problems.append(Problem(
                    people_file, None,
                    f"'{first.name.as_first_last()}' and '{second.name.as_first_last()}' may be one person "
                    f"({papers}); list one as a variant of the other",
                ))
    return problems
