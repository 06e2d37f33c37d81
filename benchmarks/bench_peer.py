"""Peer benchmark: bibsite beside Hugo, on the same synthetic corpus, in one run.

    python benchmarks/bench_peer.py [--sizes 1000,10000,100000] [--hugo-bench PATH] [--scratch DIR]

``hugo_bench.py`` (in ../shared/bench beside the project, when it is there) makes a synthetic
corpus of N papers (names with diacritics, ~150-word abstracts) and writes it twice: as a Hugo
site (a page per paper, author and venue, a ``.bib`` per paper, plain one-line templates) and as
one ``.bib`` file. It then times Debian's Hugo building that site (a fresh process, output on
/dev/shm). bibsite imports the same ``.bib`` and builds its whole site from it, from nothing: the
same kinds of pages with their real templates, plus topic and year pages, charts, related papers,
CSL-JSON and RIS beside each ``.bib``, bundles, feeds, a sitemap and the search index.

Hugo's memory is its peak resident size (one process, from ``/usr/bin/time``); bibsite's is the
peak proportional set size of its process tree, as in bench_build.py. "CPU s" is user and system
time (for bibsite, of every process it ran). Scratch output goes to /dev/shm when it exists.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

from bench_build import ROOT, SCRATCH, empty_scratch, files_built, run

HUGO_BENCH = ROOT.parent / "shared" / "bench" / "hugo_bench.py"
BIBSITE = [sys.executable, "-m", "generator"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--hugo-bench", type=Path, default=HUGO_BENCH)
    parser.add_argument("--scratch", type=Path, default=SCRATCH.with_name("bibsite-peer"))
    args = parser.parse_args()
    if not args.hugo_bench.is_file():
        print(f"no {args.hugo_bench}; nothing to compare with")
        return
    if not shutil.which("hugo"):
        print("Hugo is not installed (Debian: apt-get install hugo); nothing to compare with")
        return
    print(f"{'papers':>7} {'Hugo s':>7} {'CPU s':>6} {'Hugo MiB':>8} {'Hugo files':>10}   "
          f"{'import s':>8} {'build s':>7} {'CPU s':>6} {'build MiB':>9} {'files':>8}", flush=True)
    for size in args.sizes.split(","):
        empty_scratch(args.scratch, int(size))
        try:
            print(_measure(int(size), args.hugo_bench, args.scratch), flush=True)
        finally:
            shutil.rmtree(args.scratch, ignore_errors=True)


def _measure(papers: int, hugo_bench: Path, scratch: Path) -> str:
    corpus = scratch / "corpus.bib"
    printed = subprocess.run(
        [sys.executable, str(hugo_bench), str(papers), "--no-yaml", "--bib-file", str(corpus),
         "--site-dir", str(scratch / "hugo-site"), "--dest", str(scratch / "hugo-public"), "--json"],
        capture_output=True, text=True, check=True).stdout
    hugo = json.loads(printed.strip().splitlines()[-1])["runs"][0]
    if hugo.get("rc") != 0:
        raise SystemExit(f"Hugo failed on {papers} papers:\n{hugo.get('stderr_tail', '')}")
    shutil.rmtree(scratch / "hugo-site")

    content = scratch / "content"
    (content / "papers").mkdir(parents=True)
    for name in ("venues.yaml", "topics.yaml", "site.yaml"):
        shutil.copy(ROOT / "content" / name, content)
    import_seconds, _, _, _ = run([*BIBSITE, "import", str(corpus), "--content", str(content)])
    build_seconds, build_peak, output, build_cpu = run(
        [*BIBSITE, "build", "--content", str(content), "--out", str(scratch / "site"),
         "--templates", str(ROOT / "templates"), "--static", str(ROOT / "static"),
         "--cache-dir", str(scratch / "cache"), "--clean"])
    hugo_files = sum(hugo["outputs"].values())
    return (f"{papers:>7} {hugo['wall_s']:>7.1f} {hugo['user_s'] + hugo['sys_s']:>6.0f} {hugo['peak_rss_mib']:>8.0f} "
            f"{hugo_files:>10}   {import_seconds:>8.1f} {build_seconds:>7.1f} {build_cpu:>6.0f} {build_peak:>9.0f} "
            f"{files_built(output):>8}")


if __name__ == "__main__":
    main()
