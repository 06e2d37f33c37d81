"""The floor: the least a Python + Jinja build of the same site can cost.

    python benchmarks/floor.py CONTENT_DIR BUILT_SITE OUT_DIR

Loads every record in CONTENT_DIR/papers with yaml-rs, as the build does (no validation, no model),
then writes every file BUILT_SITE holds (the search bundle aside) at the same path in OUT_DIR:
paper pages, listing pages and indexes rendered by one trivial Jinja template each, and the
.bib/.json/.ris files as one formatted string per record. One process, nothing cached,
nothing else: whatever a real build does beyond this is its overhead.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import time
from pathlib import Path

import jinja2
import yaml_rs

PAGE = jinja2.Template(
    """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head><body>
<nav><a href="../../index.html">Home</a></nav><main><h1>{{ title }}</h1>
{% if paper %}<p>{% for a in paper.authors %}<a href="../../authors/x/index.html">{{ a.given }} {{ a.family }}</a>{% endfor %}</p>
<p>{{ paper.venue }} {{ paper.year }}</p><p>{{ paper.abstract }}</p><pre>{{ paper.title }}</pre>{% endif %}
<ul>{% for p in papers %}<li><a href="../../papers/{{ p.id }}/index.html">{{ p.title }}</a>
{% for a in p.authors %}{{ a.family }}, {% endfor %}{{ p.year }}</li>{% endfor %}</ul></main></body></html>
""",
    autoescape=True,
)


def main() -> None:
    content, built, out = (Path(arg) for arg in sys.argv[1:4])
    # Which papers each listing page shows is read from the real site before the clock starts.
    listed_on = {path: _linked_papers(built / path) for path in _site_files(built)
                 if path.endswith(".html") and not path.startswith("papers/")}
    started = time.perf_counter()
    papers = {}
    folder = content / "papers"
    for name in sorted(os.listdir(folder)):
        with open(folder / name, encoding="utf-8") as file:
            record = yaml_rs.loads(file.read())
        papers[record["id"]] = record
    shutil.rmtree(out, ignore_errors=True)
    files = 0
    for path in _site_files(built):
        parts = path.split("/")
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if parts[0] == "papers" and len(parts) == 3 and parts[1] in papers:
            record = papers[parts[1]]
            if path.endswith(".html"):
                text = PAGE.render(title=record["title"], paper=record, papers=())
            else:
                text = _entry(record)
        elif path.endswith(".html"):
            text = PAGE.render(title=path, paper=None, papers=[papers[i] for i in listed_on[path] if i in papers])
        else:  # a bundle: an author's, a venue's or everything
            owner = "/".join(parts[:2]) + "/index.html"
            ids = listed_on.get(owner) or (sorted(papers) if len(parts) == 1 else ())
            text = "".join(_entry(papers[i]) for i in ids if i in papers)
        _write(str(target), text.encode("utf-8"))
        files += 1
    print(f"{time.perf_counter() - started:.2f} s, {files} files")


def _write(target: str, data: bytes) -> None:
    """As the build writes a file: one os.open, one os.write (Python's file objects cost as much)."""
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    try:
        os.write(descriptor, data)
    finally:
        os.close(descriptor)


def _entry(record: dict) -> str:
    return f"@misc{{{record['id']},\n  title = {{{record['title']}}},\n  abstract = {{{record.get('abstract')}}}\n}}\n"


def _linked_papers(page: Path) -> list[str]:
    return list(dict.fromkeys(re.findall(r"papers/([^/\"]+)/index\.html", page.read_text(encoding="utf-8"))))


def _site_files(built: Path) -> list[str]:
    return sorted(
        p.relative_to(built).as_posix() for p in built.rglob("*") if p.is_file() and "pagefind" not in p.parts
    )


if __name__ == "__main__":
    main()
