"""YAML <-> model. One hand-editable file per paper, plus venues.yaml and unresolved.yaml.

Papers are written with keys in model order, defaults left out, block style and
UTF-8. A file is rewritten only when its bytes change. Loading validates every
record against ``schema/paper.schema.json`` and reports ``file: field: problem``.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema_rs
import yaml
import yaml_rs

from .model import AuthorRef, Name, Paper, Person, Problem, Source, Topic, Track, Unresolved, Venue, VenueCatalog
from .names import is_reserved_name, parse_name, slug

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

PAPERS_DIR = "papers"
VENUES_FILE = "venues.yaml"
UNRESOLVED_FILE = "unresolved.yaml"

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BaseDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_BaseDumper):  # type: ignore[misc,valid-type]
    """Block style; multi-paragraph text as a literal block so it reads as written."""


def _represent_str(dumper: yaml.SafeDumper, text: str) -> yaml.Node:
    style = "|" if "\n" in text and not any(line != line.strip() for line in text.split("\n")) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _represent_str)


_WIDTH = 100  # the emitter folds a line at the first single space past this column


def dump_yaml(data: Any) -> str:
    """Block-style YAML. Records of the usual shape are written here, byte for byte as PyYAML
    writes them (its representer costs more than all the rest of an import's writing); PyYAML
    writes whatever else, and the strings whose quoting is not settled below."""
    emitted: list[str] = []
    try:
        if _emit_node(data, 0, 0, False, emitted):
            return "".join(emitted)
    except _NotSimple:
        pass
    return _dump_with_pyyaml(data)


def _dump_with_pyyaml(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=_WIDTH, default_flow_style=False)


class _NotSimple(Exception):
    """A value the emitter below leaves to PyYAML."""


_STR_TAG = "tag:yaml.org,2002:str"
_RESOLVER = yaml.resolver.Resolver()
# Characters libyaml writes as they are with allow_unicode: printable, and not a line break.
_UNSAFE_CHARACTER = re.compile("[^\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]")
# What keeps a string from being a plain scalar in block context (PyYAML's analyze_scalar): an
# indicator first, `: ` or ` #` inside, a trailing `:`, spaces at either end, a document marker.
_NOT_PLAIN = re.compile(r"\A(?:[-?:](?: |\Z)|[#,\[\]{}&*!|>'\"%@`]|---|\.\.\.| )|: |:\Z| #| \Z")
_LONE_SPACE = re.compile(r"(?<! ) (?! )")
# First characters of the strings PyYAML's resolver may read as something else (null, bool, int, float...).
_RESOLVABLE_START = frozenset(key for key in _RESOLVER.yaml_implicit_resolvers if key)


def _emit_node(data: Any, indent: int, column: int, in_sequence: bool, out: list[str]) -> bool:
    """Append ``data`` as a block node whose first line is already written up to ``column``.

    ``indent`` is where the node's own lines start (PyYAML's indentless sequences in
    mappings included). Returns False where PyYAML would write a flow node.
    """
    if isinstance(data, dict):
        if not data:
            return False
        first = True
        for key, value in data.items():
            if not isinstance(key, str):
                raise _NotSimple
            if not first or not in_sequence:
                if out:
                    out.append(" " * indent)
                column = indent
            first = False
            key_text = _scalar(key, column, indent + 2, is_key=True)
            out.append(key_text)
            out.append(":")
            _emit_value(value, indent, column + len(key_text) + 1, out)
        return True
    if isinstance(data, list):
        if not data:
            return False
        first = True
        for item in data:
            if (not first or not in_sequence) and out:
                out.append(" " * indent)
            first = False
            out.append("- ")
            if isinstance(item, list):
                raise _NotSimple
            if isinstance(item, dict):
                if not _emit_node(item, indent + 2, indent + 2, True, out):
                    raise _NotSimple
            else:
                out.append(_scalar(item, indent + 2, indent + 2))
                out.append("\n")
        return True
    raise _NotSimple


def _emit_value(value: Any, indent: int, column: int, out: list[str]) -> None:
    """A mapping value after ``key:`` (``column`` is just past the colon)."""
    if isinstance(value, dict):
        out.append("\n")
        if not _emit_node(value, indent + 2, indent + 2, False, out):
            raise _NotSimple
    elif isinstance(value, list):
        out.append("\n")
        if not _emit_node(value, indent, indent, False, out):
            raise _NotSimple
    else:
        out.append(" ")
        out.append(_scalar(value, column + 1, indent + 2))
        out.append("\n")


def _scalar(value: Any, column: int, indent: int, is_key: bool = False) -> str:
    """A scalar as PyYAML writes it starting at ``column``; continuation lines at ``indent``."""
    if type(value) is str:
        if "\n" in value:
            return _literal(value, indent, is_key)
        if len(value) < 64 or is_key:  # names, venues, keys, sources: written the same wherever they fit
            written = _short_scalar(value, is_key)
            if is_key or column + len(written) <= _WIDTH:  # a key is never broken
                return written
        if _is_plain(value, is_key):
            return _fold(value, column, indent, quoted=False)
        return _fold(value.replace("'", "''"), column + 1, indent, quoted=True, start="'")
    if value is True or value is False:
        return "true" if value else "false"
    if type(value) is int:
        return str(value)
    raise _NotSimple


@lru_cache(maxsize=1 << 14)
def _short_scalar(value: str, is_key: bool) -> str:
    """A short string on one line: plain if it can be, else single-quoted."""
    if _is_plain(value, is_key):
        return value
    return "'" + value.replace("'", "''") + "'"


def _is_plain(value: str, is_key: bool) -> bool:
    """Whether PyYAML writes the string plain; raises _NotSimple where it would double-quote it."""
    # libyaml writes a key of more than 128 bytes as a complex key (`? key`): PyYAML does it here.
    if not value or _UNSAFE_CHARACTER.search(value) or (is_key and len(value.encode()) > 120):
        raise _NotSimple
    return not _NOT_PLAIN.search(value) and (
        value[0] not in _RESOLVABLE_START or _RESOLVER.resolve(yaml.ScalarNode, value, (True, False)) == _STR_TAG
    )


def _fold(text: str, column: int, indent: int, quoted: bool, start: str = "") -> str:
    """Break lines as the emitter does: at a lone space reached past the width.

    A quoted scalar (``text`` already has its quotes doubled) never breaks at its first or
    last character; the closing quote is added here.
    """
    end = "'" if quoted else ""
    if column + len(text) <= _WIDTH:
        return start + text + end
    pieces = [start]
    line_start = 0
    while True:
        # The column before the space at index i is column + i - line_start.
        found = _LONE_SPACE.search(text, max(line_start, line_start + _WIDTH + 1 - column, 1 if quoted else 0))
        if found is None or (quoted and found.start() == len(text) - 1):
            break
        pieces.append(text[line_start : found.start()])
        pieces.append("\n" + " " * indent)
        line_start, column = found.end(), indent
    pieces.append(text[line_start:])
    pieces.append(end)
    return "".join(pieces)


def _literal(text: str, indent: int, is_key: bool) -> str:
    """A multi-line string ``_represent_str`` asks to write as a literal block (``|-``)."""
    lines = text.split("\n")
    if is_key or _UNSAFE_CHARACTER.search(text.replace("\n", " ")) or not lines[0] or not lines[-1]:
        raise _NotSimple
    if any(line != line.strip() for line in lines):
        raise _NotSimple  # not a literal block: PyYAML quotes it
    margin = " " * indent
    return "|-\n" + "\n".join(margin + line if line else "" for line in lines)


# ---------------------------------------------------------------- papers


def _name_to_dict(name: Name, person_id: str | None = None) -> dict[str, str]:
    data = {"given": name.given} if name.given else {}
    data["family"] = name.family
    if person_id:
        data["person"] = person_id
    return data


def paper_to_dict(paper: Paper) -> dict[str, Any]:
    """The record as it is written: model order, empty values left out."""
    data: dict[str, Any] = {
        "id": paper.id,
        "type": paper.type,
        "title": paper.title,
        "authors": [_name_to_dict(a.name, a.person_id) for a in paper.authors],
        "year": paper.year,
        "month": paper.month,
        "venue": paper.venue_id,
        "track": paper.track,
        "booktitle": paper.booktitle,
        "journal": paper.journal,
        "volume": paper.volume,
        "number": paper.number,
        "pages": paper.pages,
        "editors": [_name_to_dict(name) for name in paper.editors],
        "publisher": paper.publisher,
        "address": paper.address,
        "doi": paper.doi,
        "url": paper.url,
        "arxiv": paper.arxiv,
        "abstract": paper.abstract,
        "abstract_truncated": True if paper.is_abstract_truncated else None,
        "note": paper.note,
        "links": dict(sorted(paper.links.items())),
        "topics": list(paper.topic_ids),
        "extra": dict(sorted(paper.extra.items())),
        "sources": [_source_to_dict(source) for source in paper.sources],
    }
    return {key: value for key, value in data.items() if value not in (None, [], {})}


def _source_to_dict(source: Source) -> dict[str, Any]:
    data: dict[str, Any] = {"file": source.file, "line": source.line, "format": source.format}
    if source.key:
        data["key"] = source.key
    return data


def dump_paper(paper: Paper) -> str:
    return dump_yaml(paper_to_dict(paper))


def _schema() -> dict[str, Any]:
    return json.loads(resources.files("generator").joinpath("schema/paper.schema.json").read_text("utf-8"))


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    from jsonschema import Draft202012Validator  # here: only a record that fails needs it (50 ms to import)

    return Draft202012Validator(_schema())


@lru_cache(maxsize=1)
def _deciding_validator() -> Any:
    # jsonschema-rs decides (a valid record, the common case, costs a few microseconds); jsonschema
    # then explains only the records that fail, with every error and its field.
    return jsonschema_rs.validator_for(_schema())


def _is_valid(data: dict) -> bool:
    try:
        return _deciding_validator().is_valid(data)
    except ValueError:  # a value JSON has no type for (a YAML date, a number as key): jsonschema judges it
        return False


def _deciding_errors(data: dict) -> list:
    try:
        return list(_deciding_validator().iter_errors(data))
    except ValueError:
        return []


def validate_paper_dict(data: Any, label: str) -> list[Problem]:
    if not isinstance(data, dict):
        return [Problem(label, None, f"a paper record must be a mapping of fields, not {type(data).__name__}")]
    problems = []
    if not _is_valid(data):
        errors = sorted(_validator().iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
        for error in errors:
            field = ".".join(str(part) for part in error.absolute_path) or "record"
            message = error.message
            if error.validator == "additionalProperties" and field == "record":
                message = message.replace("Additional properties are not allowed", "unknown field(s)")
            problems.append(Problem(label, None, f"{field}: {message}"))
        if not errors:  # a pattern's `$`: Python's re lets it match before a final line break, the schema's regex does not
            for error in _deciding_errors(data):
                field = ".".join(str(part) for part in error.instance_path) or "record"
                problems.append(Problem(label, None, f"{field}: {error.message}"))
    if isinstance(data.get("id"), str) and is_reserved_name(data["id"]):
        problems.append(Problem(label, None, f"id: {data['id']!r} is a name Windows reserves for devices"))
    return problems


def paper_from_dict(data: dict[str, Any]) -> Paper:
    """Build a Paper from a record that passed validation."""
    return Paper(
        id=data["id"],
        type=data["type"],
        title=data["title"],
        authors=tuple(AuthorRef(Name(a.get("given"), a["family"]), a.get("person")) for a in data.get("authors", ())),
        year=data.get("year"),
        month=data.get("month"),
        venue_id=data.get("venue"),
        track=data.get("track"),
        booktitle=data.get("booktitle"),
        journal=data.get("journal"),
        volume=data.get("volume"),
        number=data.get("number"),
        pages=data.get("pages"),
        editors=tuple(Name(e.get("given"), e["family"]) for e in data.get("editors", ())),
        publisher=data.get("publisher"),
        address=data.get("address"),
        doi=data.get("doi"),
        url=data.get("url"),
        arxiv=data.get("arxiv"),
        abstract=data.get("abstract"),
        is_abstract_truncated=bool(data.get("abstract_truncated")),
        note=data.get("note"),
        links=dict(data.get("links", {})),
        topic_ids=tuple(data.get("topics", ())),
        extra=dict(data.get("extra", {})),
        sources=tuple(Source(s["file"], s["line"], s["format"], s.get("key")) for s in data.get("sources", ())),
    )


def load_paper(text: str, label: str = "<record>") -> tuple[Paper | None, list[Problem]]:
    fast = _read_valid_record(text, label)
    if fast is not None:
        return paper_from_dict(fast), []
    try:
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        return None, [Problem(label, line, f"not valid YAML: {getattr(error, 'problem', error)}")]
    problems = validate_paper_dict(data, label)
    if problems:
        return None, problems
    return paper_from_dict(data), []


def _read_valid_record(text: str, label: str) -> dict[str, Any] | None:
    """The record as yaml-rs reads it (six times as fast as PyYAML's C loader), if it is valid; else None.

    yaml-rs reads YAML 1.2 and PyYAML 1.1: they read every record the store writes alike, and may differ
    only on hand-written plain values (``yes``, ``0o17``, ``1e3``, a repeated key) and on the characters
    YAML 1.1 alone counts as line breaks (checked here). A record that does not
    read as valid here is read again by PyYAML, whose reading, and problems, stand.
    """
    if "\x85" in text or "\u2028" in text or "\u2029" in text:  # line breaks in YAML 1.1, characters in 1.2
        return None
    try:
        data = yaml_rs.loads(text)
    except Exception:  # noqa: BLE001 -- any refusal (syntax, a repeated key, a tag) is PyYAML's to explain
        return None
    return data if isinstance(data, dict) and not validate_paper_dict(data, label) else None


@dataclass(frozen=True)
class LoadedPapers:
    papers: dict[str, Paper]
    problems: list[Problem]
    # paper id -> digest of the record as stored, where the loader already knows it (see records.py)
    digests: dict[str, str] = field(default_factory=dict)


def load_papers(content_dir: Path) -> LoadedPapers:
    """Every record under content/papers/, validated; bad ones are reported, not loaded."""
    papers: dict[str, Paper] = {}
    problems: list[Problem] = []
    for path in sorted((content_dir / PAPERS_DIR).glob("*.yaml")):
        paper, paper_problems = load_record_file(path)
        problems.extend(paper_problems)
        if paper is not None:
            papers[paper.id] = paper
    return LoadedPapers(papers, problems)


def load_record_file(path: Path) -> tuple[Paper | None, list[Problem]]:
    """One record file, validated, and its id checked against the file name."""
    label = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return None, [Problem(label, None, f"cannot read: {error}")]
    paper, problems = load_paper(text, label)
    if paper is not None and paper.id != path.stem:
        return None, [*problems, Problem(label, None, f"id: {paper.id!r} differs from the file name {path.stem!r}")]
    return paper, problems


def paper_path(content_dir: Path, paper_id: str) -> Path:
    return content_dir / PAPERS_DIR / f"{paper_id}.yaml"


def write_if_changed(path: Path | str, text: str) -> bool:
    """Write ``text`` unless the file already holds exactly these bytes. True if written.

    Plain ``os`` calls on strings: an import writes a hundred thousand records through here.
    """
    data = text.encode("utf-8")
    path = os.fspath(path)
    try:
        with open(path, "rb") as file:
            if file.read() == data:
                return False
    except FileNotFoundError:
        pass
    folder, name = os.path.split(path)
    temporary = os.path.join(folder, f".{name}.tmp")
    try:
        _write_bytes(temporary, data)
    except FileNotFoundError:  # the folder is made once, not checked before every write
        os.makedirs(folder, exist_ok=True)
        _write_bytes(temporary, data)
    os.replace(temporary, path)
    return True


def _write_bytes(path: str, data: bytes) -> None:
    with open(path, "wb") as file:
        file.write(data)


def save_paper(content_dir: Path, paper: Paper) -> bool:
    return save_paper_dict(content_dir, paper_to_dict(paper))


def save_paper_dict(content_dir: Path, data: dict[str, Any]) -> bool:
    """Write a record given as ``paper_to_dict`` gives it (a caller that validated it has it already)."""
    return write_if_changed(os.path.join(content_dir, PAPERS_DIR, f"{data['id']}.yaml"), dump_yaml(data))


# ---------------------------------------------------------------- venues


def load_venues(content_dir: Path) -> tuple[VenueCatalog, list[Problem]]:
    path = content_dir / VENUES_FILE
    label = str(path)
    if not path.exists():
        return VenueCatalog(), []
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        return VenueCatalog(), [Problem(label, None, f"cannot read venues: {error}")]
    if not isinstance(data, dict):
        return VenueCatalog(), [Problem(label, None, "must be a mapping with 'venues' and 'tracks' lists")]
    problems: list[Problem] = []
    venues = []
    for index, item in enumerate(data.get("venues") or []):
        try:
            venues.append(
                Venue(
                    id=_checked_id(item["id"]),
                    short=item.get("short", item["id"]),
                    name=item.get("name", item.get("short", item["id"])),
                    kind=item.get("kind", "conference"),
                    patterns=_compile(item.get("patterns", ())),
                    ordinal_year_base=item.get("ordinal_year_base"),
                )
            )
        except (KeyError, TypeError, ValueError, AttributeError, re.error) as error:
            problems.append(Problem(label, None, f"venues[{index}]: {error}"))
    tracks = []
    for index, item in enumerate(data.get("tracks") or []):
        try:
            tracks.append(Track(_checked_id(item["id"]), _compile(item.get("patterns", ()))))
        except (KeyError, TypeError, ValueError, AttributeError, re.error) as error:
            problems.append(Problem(label, None, f"tracks[{index}]: {error}"))
    return VenueCatalog(tuple(venues), tuple(tracks)), problems


def _checked_id(value: Any) -> str:
    """An id that becomes a URL segment and a folder name must be a slug."""
    if not isinstance(value, str) or slug(value) != value:
        raise ValueError(f"id {value!r} must be a slug (lower-case letters, digits and -)")
    return value


def _compile(patterns: Any) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(pattern, re.IGNORECASE) for pattern in patterns)


# ---------------------------------------------------------------- unresolved entries

_UNRESOLVED_HEADER = (
    "# Entries import could not turn into records: abstracts that matched no paper.\n"
    "# To resolve one, write content/papers/<id>.yaml for it (with this abstract) and\n"
    "# import again; the entry then merges into that record and leaves this list.\n"
)


def load_unresolved(content_dir: Path) -> list[Unresolved]:
    path = content_dir / UNRESOLVED_FILE
    if not path.exists():
        return []
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader) or []
    return [Unresolved(item["file"], item["line"], item["text"]) for item in data]


def save_unresolved(content_dir: Path, entries: list[Unresolved]) -> bool:
    path = content_dir / UNRESOLVED_FILE
    if not entries:
        if path.exists():
            path.unlink()
            return True
        return False
    items = [{"file": e.file, "line": e.line, "text": e.text} for e in entries]
    return write_if_changed(path, _UNRESOLVED_HEADER + dump_yaml(items))


# ---------------------------------------------------------------- people and topics

PEOPLE_FILE = "people.yaml"
TOPICS_FILE = "topics.yaml"
_PERSON_KEYS = {"id", "name", "variants", "orcid", "homepage", "affiliation", "disambiguator"}
_TOPIC_KEYS = {"id", "name", "description", "phrases"}


def _read_list(path: Path) -> tuple[list[Any], list[Problem]]:
    if not path.exists():
        return [], []
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader) or []
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        return [], [Problem(str(path), None, f"cannot read: {error}")]
    if not isinstance(data, list):
        return [], [Problem(str(path), None, "must be a list of entries")]
    return data, []


def _name_from(value: Any) -> Name:
    if isinstance(value, str):
        return parse_name(value)
    if isinstance(value, dict) and isinstance(value.get("family"), str):
        return Name(value.get("given"), value["family"])
    raise ValueError(f"not a name: {value!r}")


def _load_registry(path: Path, kind: str, keys: set[str], make: Callable[[dict[str, Any]], Any]) -> tuple[dict, list[Problem]]:
    """A YAML list of entries with ids: each made by ``make``; bad ones reported as ``kind[i]: problem``."""
    items, problems = _read_list(path)
    entries: dict[str, Any] = {}
    for index, item in enumerate(items):
        where = f"{kind}[{index}]"
        try:
            unknown = set(item) - keys
            if unknown:
                problems.append(Problem(str(path), None, f"{where}: unknown field(s) {sorted(unknown)}"))
            entry = make(item)
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            problems.append(Problem(str(path), None, f"{where}: {error}"))
            continue
        if entry.id in entries or slug(entry.id) != entry.id:
            problems.append(Problem(str(path), None, f"{where}: id {entry.id!r} is used twice or is not a slug"))
            continue
        entries[entry.id] = entry
    return entries, problems


def _make_person(item: dict[str, Any]) -> Person:
    name = _name_from(item["name"])
    return Person(
        id=item.get("id") or slug(name.as_first_last()),
        name=name,
        variants=tuple(_name_from(v) for v in item.get("variants") or ()),
        orcid=item.get("orcid"),
        homepage=item.get("homepage"),
        affiliation=item.get("affiliation"),
        disambiguator=_optional_text(item, "disambiguator"),
    )


def _optional_text(item: dict[str, Any], key: str) -> str | None:
    value = item.get(key)
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise ValueError(f"{key}: must be text, not {value!r}")
    return value.strip() if value else None


def _make_topic(item: dict[str, Any]) -> Topic:
    return Topic(item["id"], item["name"], item.get("description"), tuple(item.get("phrases") or ()))


def load_people(content_dir: Path) -> tuple[dict[str, Person], list[Problem]]:
    """content/people.yaml: each person's canonical name, variants, ORCID, homepage, affiliation."""
    return _load_registry(content_dir / PEOPLE_FILE, "people", _PERSON_KEYS, _make_person)


def load_topics(content_dir: Path) -> tuple[dict[str, Topic], list[Problem]]:
    """content/topics.yaml: id, name, description and the phrases that indicate each topic."""
    return _load_registry(content_dir / TOPICS_FILE, "topics", _TOPIC_KEYS, _make_topic)
