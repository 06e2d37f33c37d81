"""Time `bibsite import` on the example listings, resolved against the shipped extract and,
when it is beside the project, the whole ACL Anthology; then import the whole Anthology itself.

    python benchmarks/bench_import.py

Each run is a fresh process writing into a scratch content folder (on /dev/shm when it
exists); the tables give wall seconds and peak memory. An import shares large files between
processes (forked children), so memory is given for all of them together (the peak of their
summed proportional set size, sampled every 50 ms for 10 s then every 5 s, on Linux) and for the largest one alone.
"""

from __future__ import annotations

import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "acl-anthology.bib.xz"
SCRATCH = Path("/dev/shm") if Path("/dev/shm").is_dir() else None


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants (Linux /proc)."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        found.append(todo.pop())
        todo.extend(parents.get(found[-1], ()))
    return found


def _kib(path: Path, key: str) -> int:
    try:
        for line in path.read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def run_measured(command: list[str]) -> tuple[float, float, float, subprocess.CompletedProcess]:
    """Run ``command``: wall seconds, peak MiB of the process tree together, peak MiB of its largest process."""
    started = time.perf_counter()
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT) as process:
        total_peak = 0
        single_peak = 0
        if Path("/proc/self/smaps_rollup").exists():
            while process.poll() is None:
                pids = _tree(process.pid)
                total_peak = max(total_peak, sum(_kib(Path(f"/proc/{pid}/smaps_rollup"), "Pss:") for pid in pids))
                single_peak = max([single_peak] + [_kib(Path(f"/proc/{pid}/status"), "VmHWM:") for pid in pids])
                # Reading PSS walks every page of a large process and holds it up meanwhile: often while
                # runs are short, then every 5 s, so that the sampling does not slow down what it measures.
                time.sleep(0.05 if time.perf_counter() - started < 10 else 5.0)
        stdout, stderr = process.communicate()
    seconds = time.perf_counter() - started
    single_peak = max(single_peak, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    result = subprocess.CompletedProcess(command, process.returncode, stdout, stderr)
    return seconds, max(total_peak, single_peak) / 1024, single_peak / 1024, result


def _summary(result: subprocess.CompletedProcess) -> str:
    return result.stdout.strip().splitlines()[1].strip() if result.stdout else result.stderr[-200:]


def run_import(reference: Path) -> tuple[float, float, float, str]:
    with tempfile.TemporaryDirectory(dir=SCRATCH) as scratch:
        content = Path(scratch) / "content"
        content.mkdir()
        shutil.copy(ROOT / "content" / "venues.yaml", content)
        raw = sorted(str(p) for p in (ROOT / "content" / "raw").glob("*"))
        command = [sys.executable, "-m", "generator", "import", *raw, "--content", str(content),
                   "--resolve-with", str(reference)]
        seconds, total, single, result = run_measured(command)
    return seconds, total, single, _summary(result)


def import_corpus(corpus: Path) -> tuple[float, float, float, int, str]:
    """The whole bibliography as a source: every entry becomes a record."""
    with tempfile.TemporaryDirectory(dir=SCRATCH) as scratch:
        content = Path(scratch) / "content"
        content.mkdir()
        for name in ("venues.yaml", "topics.yaml", "site.yaml"):
            shutil.copy(ROOT / "content" / name, content)
        command = [sys.executable, "-m", "generator", "import", str(corpus), "--content", str(content)]
        seconds, total, single, result = run_measured(command)
        records = sum(1 for _ in (content / "papers").glob("*.yaml"))
    return seconds, total, single, records, _summary(result)


def main() -> None:
    references = [ROOT / "content" / "reference" / "acl-anthology-seeds.bib"]
    if CORPUS.exists():
        references.append(CORPUS)
    print(f"{'reference':<28} {'seconds':>8} {'peak MiB':>9} {'largest':>8}  result")
    for reference in references:
        seconds, total, single, summary = run_import(reference)
        print(f"{reference.name:<28} {seconds:>8.1f} {total:>9.0f} {single:>8.0f}  {summary}")
    if CORPUS.exists():
        print(f"\n{'source':<28} {'seconds':>8} {'peak MiB':>9} {'largest':>8} {'records':>8}  result")
        seconds, total, single, records, summary = import_corpus(CORPUS)
        print(f"{CORPUS.name:<28} {seconds:>8.1f} {total:>9.0f} {single:>8.0f} {records:>8}  {summary}")
    else:
        print(f"\n{CORPUS} is not there: the whole-corpus import is skipped")


if __name__ == "__main__":
    main()
