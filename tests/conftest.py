"""Shared test setup: the `--update-golden` option and a helper that builds a content folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from generator import store
from generator.build import BuildReport, build_site
from generator.config import load_config
from generator.library import build_library
from generator.model import Library

REPO = Path(__file__).resolve().parents[1]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/golden/ from a build of tests/sample_site/ instead of comparing with it",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


BuildInto = Callable[[Path, Path], BuildReport]


@pytest.fixture
def build_into() -> BuildInto:
    """``build_into(content_dir, output_dir)``: the project's templates and static files, no base URL."""

    def build(content_dir: Path, output_dir: Path) -> BuildReport:
        config, problems = load_config(content_dir, output_dir, REPO / "templates", REPO / "static", base_url=None)
        assert problems == [], problems
        return build_site(config)

    return build


@pytest.fixture(scope="session")
def shipped_library() -> Library:
    """The Library of the shipped content/, as a build sees it."""
    content = REPO / "content"
    catalog, _ = store.load_venues(content)
    people, _ = store.load_people(content)
    topics, _ = store.load_topics(content)
    return build_library(store.load_papers(content).papers, catalog, people, topics)
