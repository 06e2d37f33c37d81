"""Scale benchmark: import, full build, floor, no-op and one-edit rebuilds at several corpus sizes.

    python benchmarks/bench_build.py [--sizes 1000,10000,all] [--corpus PATH] [--scratch DIR]

For each size, an evenly spread slice of the ACL Anthology (../shared/corpus, when it is beside
the project) is imported into a scratch content folder, then built from scratch, then the floor
(benchmarks/floor.py: load the same records, write the same files with trivial templates) runs,
then the build runs again with nothing changed, then once more after one record's title was edited.
Every step is a fresh process. "CPU s" is the user and system time of a step's whole process
tree (its workers and Pagefind included): on this machine's two cores, a build of W seconds has
at most 2 W of it. "search CPU s" is what Pagefind alone takes to index the build's search
documents again (one run per index, as the build runs it), the part of a build that only
Pagefind could make cheaper. Memory is the largest proportional set size (PSS) of the whole
process tree, sampled at least every 100 ms and never for more than 1% of the time (reading
PSS is costly on a large process, and it runs on a core the step needs): the build's forked
workers share most of their pages with it, and PSS counts a shared page once, split among its
sharers, where a sum of resident sizes would count it in every process. "build MiB" is the full
build's; "other MiB" the largest of the other steps. Scratch output goes to /dev/shm when it exists.
"""

from __future__ import annotations

import argparse
import lzma
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's generator, not an installed one
from generator import search

CORPUS = ROOT.parent / "shared" / "corpus" / "acl-anthology.bib.xz"
SCRATCH = Path("/dev/shm/bibsite-bench") if Path("/dev/shm").is_dir() else Path("/tmp/bibsite-bench")
BIBSITE = [sys.executable, "-m", "generator"]
# What one paper takes in the scratch folder: its record, its files in the site, the build cache
# (measured: 7.5 GB for the whole Anthology's site and cache).
SCRATCH_BYTES_PER_PAPER = 75_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,all")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--scratch", type=Path, default=SCRATCH)
    args = parser.parse_args()
    if not args.corpus.exists():
        print(f"no corpus at {args.corpus}; nothing to measure")
        return
    entries = _entries(args.corpus)
    header = (f"{'papers':>7} {'import s':>9} {'build s':>8} {'CPU s':>6} {'floor s':>8} {'ratio':>6} "
              f"{'search CPU s':>12} {'no-op s':>8} {'1-edit s':>9} {'CPU s':>6} {'build MiB':>9} {'other MiB':>9} "
              f"{'files':>8} {'rewritten':>9}")
    print(header, flush=True)
    for size in args.sizes.split(","):
        count = len(entries) if size == "all" else int(size)
        empty_scratch(args.scratch, count)
        print(_measure(entries, count, args.scratch / str(count)), flush=True)
    shutil.rmtree(args.scratch, ignore_errors=True)


def empty_scratch(scratch: Path, papers: int) -> None:
    """The scratch folder emptied of the last size's files, and a warning if it has too little room left
    for ``papers``: a full /dev/shm is memory taken from the build, and the kernel then kills a step."""
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True, exist_ok=True)
    free, needed = shutil.disk_usage(scratch).free, papers * SCRATCH_BYTES_PER_PAPER
    if free < needed:
        print(f"warning: {scratch} has {free / 2**30:.1f} GiB free; {papers:,} papers need about "
              f"{needed / 2**30:.1f} GiB there (on /dev/shm, memory the build also needs)", file=sys.stderr, flush=True)


def _entries(corpus: Path) -> list[str]:
    opener = lzma.open if corpus.suffix == ".xz" else open
    with opener(corpus, "rt", encoding="utf-8") as file:
        text = file.read()
    return re.split(r"\n(?=@)", text[text.index("\n@") + 1:])


def _measure(entries: list[str], count: int, scratch: Path) -> str:
    shutil.rmtree(scratch, ignore_errors=True)
    content = scratch / "content"
    (content / "papers").mkdir(parents=True)
    for name in ("venues.yaml", "topics.yaml", "site.yaml"):
        shutil.copy(ROOT / "content" / name, content)
    step = max(1, len(entries) // count)
    source = scratch / "slice.bib"
    source.write_text("\n".join(entries[::step][:count]) + "\n", encoding="utf-8")

    import_seconds, import_peak, _, _ = run([*BIBSITE, "import", str(source), "--content", str(content)])
    build = [*BIBSITE, "build", "--content", str(content), "--out", str(scratch / "site"),
             "--templates", str(ROOT / "templates"), "--static", str(ROOT / "static"),
             "--cache-dir", str(scratch / "cache")]
    build_seconds, build_peak, output_of_build, build_cpu = run([*build, "--clean"])
    search_cpu = _search_cpu(scratch / "cache" / "search")
    floor_seconds, floor_peak, _, _ = run([sys.executable, str(ROOT / "benchmarks" / "floor.py"), str(content),
                                           str(scratch / "site"), str(scratch / "floor")])
    shutil.rmtree(scratch / "floor", ignore_errors=True)
    noop_seconds, noop_peak, _, _ = run(build)
    _edit_one_title(content / "papers")
    edit_seconds, edit_peak, output, edit_cpu = run(build)
    rewritten = re.search(r"\((\d+) of", output)
    papers = len(os.listdir(content / "papers"))
    other_peak = max(import_peak, floor_peak, noop_peak, edit_peak)
    return (f"{papers:>7} {import_seconds:>9.1f} {build_seconds:>8.1f} {build_cpu:>6.0f} {floor_seconds:>8.1f} "
            f"{build_seconds / floor_seconds:>6.2f} {search_cpu:>12.1f} {noop_seconds:>8.2f} {edit_seconds:>9.2f} "
            f"{edit_cpu:>6.1f} {build_peak:>9.0f} {other_peak:>9.0f} "
            f"{files_built(output_of_build):>8} {rewritten.group(1) if rewritten else '?':>9}")


def files_built(output: str) -> str:
    """The number of files a build says the site holds, from its report."""
    found = re.search(r"\((\d+) files\)", output)
    return found.group(1) if found else "?"


def _edit_one_title(folder: Path) -> None:
    """Put a word in front of one record's title, as a person editing the YAML would."""
    path = sorted(folder.iterdir())[len(os.listdir(folder)) // 2]
    text = path.read_text(encoding="utf-8")
    edited = re.sub(r"^title: (['\"]?)", lambda m: f"title: {m.group(1)}Revised ", text, count=1, flags=re.MULTILINE)
    path.write_text(edited, encoding="utf-8")


def _search_cpu(documents: Path) -> float:
    """CPU seconds Pagefind takes to index every folder of search documents the build keeps, one after another."""
    before = _children_cpu()
    with tempfile.TemporaryDirectory(dir=documents.parent) as scratch:
        for folder in sorted(documents.iterdir()):
            problems = search.index_documents(folder, Path(scratch) / folder.name)
            if problems:
                raise SystemExit("\n".join(map(str, problems)))
    return _children_cpu() - before


def _children_cpu() -> float:
    """User and system seconds of every finished child (and their own children) so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(command: list[str]) -> tuple[float, float, str, float]:
    """Wall seconds, peak proportional set size (MiB) of the process tree, the standard output, and the
    CPU seconds of the process tree."""
    cpu_before = _children_cpu()
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    peak = [0]
    sampler = threading.Thread(target=_sample_tree, args=(process, peak), daemon=True)
    sampler.start()
    output, _ = process.communicate()
    seconds = time.perf_counter() - started
    sampler.join()
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{output}")
    return seconds, peak[0] / 1024, output, _children_cpu() - cpu_before


def _sample_tree(process: subprocess.Popen, peak: list[int]) -> None:
    while process.poll() is None:
        began = time.perf_counter()
        peak[0] = max(peak[0], sum(_pss_kib(pid) for pid in _tree(process.pid)))
        # Reading PSS walks every page of every process (on a core the run needs, and holding it up
        # meanwhile): wait a hundred times as long as the reading took, so that sampling costs the
        # run about 1% (often while the processes are small, every few seconds once they are large).
        time.sleep(max(0.1, 100 * (time.perf_counter() - began)))


def _tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry))
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, ()))
    return found


def _pss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


if __name__ == "__main__":
    main()
