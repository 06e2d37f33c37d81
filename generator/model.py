"""The domain model: names, papers, venues, problems. No I/O happens here.

Records refer to each other by id. Validation happens at the edges (readers,
store); constructors stay cheap and trust their arguments.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from operator import attrgetter
from typing import Any, TypeVar

_Class = TypeVar("_Class", bound=type)


def _pickled_by_fields(cls: _Class) -> _Class:
    """Pickle as a call with the field values: loading a cache of 100,000 papers then skips the
    generic dataclass ``__setstate__``, which looks up the fields again for every object."""
    values = attrgetter(*(f.name for f in fields(cls)))
    cls.__reduce__ = lambda self: (cls, values(self))  # type: ignore[method-assign,assignment]
    return cls


def with_fields(record: Any, **changes: Any) -> Any:
    """``dataclasses.replace`` for the classes above, without its checks: several times faster, which
    counts when every paper of a large library is resolved on every build."""
    cls, values = record.__reduce__()
    names = _FIELD_NAMES.get(cls) or _FIELD_NAMES.setdefault(cls, tuple(f.name for f in fields(cls)))
    changed = list(values)
    for name, value in changes.items():
        changed[names.index(name)] = value
    return cls(*changed)


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}

# BibTeX entry types a record may carry; ``misc`` covers preprints.
ENTRY_TYPES = (
    "inproceedings",
    "article",
    "misc",
    "proceedings",
    "book",
    "incollection",
    "inbook",
    "phdthesis",
    "mastersthesis",
    "techreport",
    "unpublished",
)


def is_web_url(url: str) -> bool:
    """Only http(s) addresses ever become links: never javascript:, data: or other schemes."""
    return url.lower().startswith(("http://", "https://"))


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with the input, reported as ``path:line: message``."""

    path: str
    line: int | None
    message: str
    is_rejection: bool = False  # True when an entry was read but could not be kept

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Name:
    """One spelling of a personal name. ``family`` includes particles (``van der Berg``)."""

    given: str | None
    family: str

    def as_first_last(self) -> str:
        return f"{self.given} {self.family}" if self.given else self.family

    def as_last_first(self) -> str:
        return f"{self.family}, {self.given}" if self.given else self.family


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class AuthorRef:
    """A name as printed on one paper, plus the person it resolves to (if known)."""

    name: Name
    person_id: str | None = None


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Source:
    """Where a record, or part of it, was read from."""

    file: str
    line: int
    format: str
    key: str | None = None  # the entry's own key, for BibTeX sources

    def sort_key(self) -> tuple[str, int, str, str]:
        return (self.file, self.line, self.format, self.key or "")


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Paper:
    """One publication. Field order here is the order of keys in its YAML file."""

    id: str
    type: str
    title: str
    authors: tuple[AuthorRef, ...] = ()
    year: int | None = None
    month: int | None = None
    venue_id: str | None = None
    track: str | None = None
    booktitle: str | None = None
    journal: str | None = None
    volume: str | None = None
    number: str | None = None
    pages: str | None = None
    editors: tuple[Name, ...] = ()
    publisher: str | None = None
    address: str | None = None
    doi: str | None = None
    url: str | None = None
    arxiv: str | None = None
    abstract: str | None = None
    is_abstract_truncated: bool = False
    note: str | None = None
    links: Mapping[str, str] = field(default_factory=dict)
    topic_ids: tuple[str, ...] = ()
    extra: Mapping[str, str] = field(default_factory=dict)
    sources: tuple[Source, ...] = ()

    @property
    def is_preprint(self) -> bool:
        return self.type == "misc" and self.venue_id in (None, "arxiv")


@dataclass(frozen=True, slots=True)
class Venue:
    """A publication venue and the patterns that recognise it in free text."""

    id: str
    short: str
    name: str
    kind: str = "conference"  # conference | journal | workshop | preprint
    patterns: tuple[re.Pattern[str], ...] = ()
    # For series numbered by meeting ("the 61st Annual Meeting"): year = base + ordinal.
    ordinal_year_base: int | None = None

    @property
    def entry_type(self) -> str:
        return {"journal": "article", "preprint": "misc"}.get(self.kind, "inproceedings")


@dataclass(frozen=True, slots=True)
class Track:
    """A volume or track within a venue (long papers, demos, findings...)."""

    id: str
    patterns: tuple[re.Pattern[str], ...]


@dataclass(frozen=True, slots=True)
class VenueCatalog:
    venues: tuple[Venue, ...] = ()
    tracks: tuple[Track, ...] = ()

    def get(self, venue_id: str) -> Venue | None:
        for venue in self.venues:
            if venue.id == venue_id:
                return venue
        return None


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One entry as a reader found it: the reader's own field names, strings and lists."""

    path: str
    line: int
    format: str
    fields: Mapping[str, Any]

    def with_fields(self, **changes: Any) -> RawRecord:
        merged = dict(self.fields)
        for key, value in changes.items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = value
        return RawRecord(self.path, self.line, self.format, merged)


@dataclass(frozen=True, slots=True)
class Unresolved:
    """An entry that could not become a record (an abstract nobody could match)."""

    file: str
    line: int
    text: str


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Person:
    """One identity, shown on one page whatever spelling a paper printed."""

    id: str
    name: Name  # the canonical spelling
    variants: tuple[Name, ...] = ()
    orcid: str | None = None
    homepage: str | None = None
    affiliation: str | None = None
    # Tells apart two people printed with one name ("University of Oslo"). Such a person claims no
    # spelling: only records naming them with `person:` are theirs.
    disambiguator: str | None = None

    @property
    def display_name(self) -> str:
        name = self.name.as_first_last()
        return f"{name} ({self.disambiguator})" if self.disambiguator else name


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Topic:
    id: str
    name: str
    description: str | None = None
    phrases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Library:
    """Everything a build reads, with its indexes built once. Values in indexes are paper ids,
    newest first."""

    papers: Mapping[str, Paper]
    venues: VenueCatalog
    people: Mapping[str, Person]
    topics: Mapping[str, Topic]
    papers_by_person: Mapping[str, tuple[str, ...]]
    papers_by_venue: Mapping[str, tuple[str, ...]]
    papers_by_topic: Mapping[str, tuple[str, ...]]
    papers_by_year: Mapping[int, tuple[str, ...]]
    # The records as stored (before people and topics were resolved), for showing a record's YAML.
    records: Mapping[str, Paper] = field(default_factory=dict)
    # Paper id -> the members of its confirmed version group (content/versions.yaml), the one to cite first.
    versions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
