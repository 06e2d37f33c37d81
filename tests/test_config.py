"""load_config: defaults without site.yaml; bad settings reported as `file: key: problem`, defaults kept."""

from __future__ import annotations

from pathlib import Path

from generator.config import SiteConfig, load_config


def load(content: Path) -> tuple[SiteConfig, list[str]]:
    config, problems = load_config(content, Path("out"), Path("templates"), Path("static"))
    return config, [str(problem) for problem in problems]


def test_defaults_without_site_yaml(tmp_path: Path) -> None:
    config, problems = load(tmp_path)
    assert problems == []
    assert config == SiteConfig(content_dir=tmp_path, output_dir=Path("out"))
    assert config.title == "Publications" and config.language == "en"


def test_reads_settings(tmp_path: Path) -> None:
    (tmp_path / "site.yaml").write_text(
        "title: Papers of the Example Lab\nlanguage: de\nowner: Example Lab\n"
        "repository_url: https://example.org/lab/papers\ndescription: null\n",
        encoding="utf-8",
    )
    config, problems = load(tmp_path)
    assert problems == []
    assert (config.title, config.language, config.owner) == ("Papers of the Example Lab", "de", "Example Lab")
    assert config.repository_url == "https://example.org/lab/papers"
    assert config.description is None


def test_reports_bad_settings_and_keeps_defaults(tmp_path: Path) -> None:
    site = tmp_path / "site.yaml"
    site.write_text("title: 42\ncolour: blue\nbase_url: example.org\nlanguage: en\n", encoding="utf-8")
    config, problems = load(tmp_path)
    assert problems == [
        f"{site}: title: must be non-empty text, not int 42",
        f"{site}: colour: unknown setting (known: title, description, owner, base_url, repository_url, language, related_papers)",
        f"{site}: base_url: 'example.org' is not a URL starting with http:// or https://",
    ]
    assert (config.title, config.base_url, config.language) == ("Publications", None, "en")


def test_reports_invalid_yaml_with_its_line(tmp_path: Path) -> None:
    site = tmp_path / "site.yaml"
    site.write_text("title: ok\nlanguage: [en\n", encoding="utf-8")
    config, problems = load(tmp_path)
    assert len(problems) == 1 and problems[0].startswith(f"{site}:3: not valid YAML")
    assert config.title == "Publications"
