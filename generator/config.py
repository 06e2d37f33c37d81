"""Site settings: ``SiteConfig``, read from content/site.yaml.

Every setting has a default, so content without site.yaml still builds. A bad
setting is reported as ``file: key: problem`` and its default is used instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .model import Problem

SITE_FILE = "site.yaml"

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_URL = (re.compile(r"^https?://\S+$"), "a URL starting with http:// or https://")
_LANGUAGE = (re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$"), "a language tag such as en or zh-Hans")


@dataclass(frozen=True, slots=True)
class SiteConfig:
    title: str = "Publications"
    description: str | None = "A list of publications with their authors, venues and years."
    owner: str | None = None
    base_url: str | None = None
    repository_url: str | None = None
    language: str = "en"
    related_papers: int = 5  # how many related papers each paper page lists; 0 for none
    content_dir: Path = Path("content")
    output_dir: Path = Path("site")
    templates_dir: Path = Path("templates")
    static_dir: Path = Path("static")


# The settings site.yaml may hold: whether null is allowed, and the pattern (and its description) a value must match.
_SETTINGS: dict[str, tuple[bool, tuple[re.Pattern[str], str] | None]] = {
    "title": (False, None),
    "description": (True, None),
    "owner": (True, None),
    "base_url": (True, _URL),
    "repository_url": (True, _URL),
    "language": (False, _LANGUAGE),
}
# Settings that are whole numbers: the smallest and largest value allowed.
_NUMBERS: dict[str, tuple[int, int]] = {"related_papers": (0, 50)}


def load_config(
    content_dir: Path, output_dir: Path, templates_dir: Path, static_dir: Path, base_url: str | None = None
) -> tuple[SiteConfig, list[Problem]]:
    """The site's settings and the problems found in site.yaml (each replaced by its default).

    ``base_url``, when given (``--base-url``), wins over site.yaml's.
    """
    path = content_dir / SITE_FILE
    data, problems = _read_site_file(path)
    settings: dict[str, Any] = {}
    for key, value in data.items():
        problem = _check_setting(str(key), value)
        if problem:
            problems.append(Problem(str(path), None, f"{key}: {problem}"))
        else:
            settings[str(key)] = value
    if base_url is not None:
        problem = _check_setting("base_url", base_url)
        if problem:
            problems.append(Problem("--base-url", None, problem))
        else:
            settings["base_url"] = base_url
    if settings.get("base_url") and not settings["base_url"].endswith("/"):
        settings["base_url"] += "/"  # a folder: page paths are appended to it
    config = SiteConfig(
        **settings,
        content_dir=content_dir,
        output_dir=output_dir,
        templates_dir=templates_dir,
        static_dir=static_dir,
    )
    return config, problems


def _read_site_file(path: Path) -> tuple[dict[Any, Any], list[Problem]]:
    if not path.exists():
        return {}, []
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        return {}, [Problem(str(path), line, f"not valid YAML: {getattr(error, 'problem', error)}")]
    except (OSError, UnicodeDecodeError) as error:
        return {}, [Problem(str(path), None, f"cannot read: {error}")]
    if data is None:
        return {}, []
    if not isinstance(data, dict):
        return {}, [
            Problem(str(path), None, f"settings must be a mapping of keys to values, not {type(data).__name__}")
        ]
    return data, []


def _check_setting(key: str, value: Any) -> str | None:
    """What is wrong with one setting, or None."""
    if key in _NUMBERS:
        low, high = _NUMBERS[key]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            return f"must be a whole number from {low} to {high}, not {value!r}"
        return None
    if key not in _SETTINGS:
        return f"unknown setting (known: {', '.join([*_SETTINGS, *_NUMBERS])})"
    is_nullable, form = _SETTINGS[key]
    if value is None:
        return None if is_nullable else "must be set, not left empty"
    if not isinstance(value, str) or not value.strip():
        return f"must be non-empty text, not {type(value).__name__} {value!r}"
    if form and not form[0].match(value):
        return f"{value!r} is not {form[1]}"
    return None
