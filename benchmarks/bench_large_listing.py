"""Import a ~50 MB arXiv-style listing and a ~50 MB .bib: does a large file survive?

    python benchmarks/bench_large_listing.py [--mb 50] [--timeout 1800]

Both files are generated deterministically (invented titles and names) in /dev/shm when it
exists, else in a temporary folder. Each import runs in a fresh process
(``generator.importer.import_sources`` into a scratch content folder holding a copy of
content/venues.yaml), so its peak resident memory is its own. The table gives file size,
entries read, wall seconds, peak RSS and the import account.

``make_listing`` and ``make_bibtex`` are also used by tests/test_bibtex_robustness.py.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = Path("/dev/shm") if Path("/dev/shm").is_dir() else None

_ONSETS = ["b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "dr", "kl", "st", "tr", "sk"]
_VOWELS = ["a", "e", "i", "o", "u", "ai", "ou", "ei"]
_CODAS = ["", "", "n", "r", "s", "l", "m", "nd", "rt"]
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
# Invented booktitles the shipped venues.yaml recognizes, and a few it does not.
_BOOKTITLES = [
    "Proceedings of the {year} Conference on Empirical Methods in Natural Language Processing",
    "Proceedings of the 61st Annual Meeting of the Association for Computational Linguistics (Volume 1: Long Papers)",
    "Findings of the Association for Computational Linguistics: EMNLP {year}",
    "Proceedings of the Third Workshop on Invented Studies",
    "Proceedings of the Imaginary Symposium on Made-up Systems",
]


class Words:
    """Deterministic invented words and names."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        vocabulary = set()
        while len(vocabulary) < 3000:
            vocabulary.add(self._word(self.random.randint(2, 4)))
        self.vocabulary = sorted(vocabulary)
        self.families = sorted({self._word(self.random.randint(2, 3)).capitalize() for _ in range(6000)})
        self.givens = sorted({self._word(self.random.randint(1, 3)).capitalize() for _ in range(1500)})

    def _word(self, syllables: int) -> str:
        pick = self.random.choice
        return "".join(pick(_ONSETS) + pick(_VOWELS) + pick(_CODAS) for _ in range(syllables))

    def words(self, count: int) -> list[str]:
        return self.random.choices(self.vocabulary, k=count)

    def title(self, serial: int) -> str:
        # The serial, spelled as a word, keeps titles distinct however many are drawn.
        words = self.words(self.random.randint(5, 9))
        words.insert(self.random.randrange(len(words)), self._serial_word(serial))
        return " ".join(words).capitalize()

    def _serial_word(self, serial: int) -> str:
        letters = []
        serial += 1
        while serial:
            serial, digit = divmod(serial, 20)
            letters.append(_ONSETS[digit] + _VOWELS[digit % len(_VOWELS)])
        return "".join(letters)

    def name(self) -> tuple[str, str]:
        return self.random.choice(self.givens), self.random.choice(self.families)

    def abstract(self, serial: int) -> str:
        sentences = []
        for _ in range(self.random.randint(4, 7)):
            sentences.append(" ".join(self.words(self.random.randint(10, 22))).capitalize() + ".")
        sentences[0] = f"{self._serial_word(serial).capitalize()} {sentences[0]}"
        return " ".join(sentences)


def make_listing(path: Path, target_bytes: int, seed: int = 1) -> int:
    """An author's listing page of about ``target_bytes``; the owner is an author of every entry."""
    words = Words(seed)
    owner = " ".join(words.name())
    entries = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(f"Alert button\nPicture for {owner}\n\n{owner}\n\nAlert button\n\n")
        while out.tell() < target_bytes:
            title = words.title(entries)
            authors = [" ".join(words.name()) for _ in range(words.random.randint(1, 5))]
            authors.insert(words.random.randrange(len(authors) + 1), owner)
            date = f"{words.random.choice(_MONTHS)} {words.random.randint(1, 28):02d}, {words.random.randint(2015, 2024)}"
            out.write(f"{title}\n\n{date}\n{', '.join(authors)}\n\n")
            for figure in range(words.random.randint(0, 3)):
                out.write(f"Figure {figure + 1} for {title}\n")
            out.write(f"\n{words.abstract(entries)}\n\n")
            if words.random.random() < 0.5:
                out.write(f"* {words.random.randint(4, 30)} pages, {words.random.randint(1, 9)} figures\n")
            out.write("Viaarxiv icon\n\n")
            entries += 1
    return entries


def make_bibtex(path: Path, target_bytes: int, seed: int = 2) -> int:
    """A .bib of about ``target_bytes``: @string macros, LaTeX accents, and crossrefs to @proceedings."""
    words = Words(seed)
    entries = 0
    crossref = None
    with path.open("w", encoding="utf-8") as out:
        out.write("% Generated by benchmarks/bench_large_listing.py; every name and title is invented.\n\n")
        out.write('@string{imag = "Proceedings of the Imaginary Conference on Invented Results"}\n\n')
        while out.tell() < target_bytes:
            year = words.random.randint(2015, 2024)
            volume_key = None
            if entries % 50 == 0:  # a volume, then papers that point at it
                volume_key = f"vol{entries}"
                editors = " and ".join(f"{family}, {given}" for given, family in (words.name() for _ in range(2)))
                out.write(
                    f"@proceedings{{{volume_key},\n  title = imag # {{ {year}: {words.title(entries)}}},\n"
                    f"  editor = {{{editors}}},\n  publisher = {{Invented Press}},\n  address = {{Nowhere}},\n"
                    f"  year = {year},\n  month = {_MONTHS[words.random.randrange(12)].lower()},\n}}\n\n"
                )
                entries += 1
                crossref = volume_key
            given, family = words.name()
            authors = [f"{family}, {given}"] + [" ".join(words.name()) for _ in range(words.random.randint(0, 5))]
            if entries % 7 == 0:
                authors[0] = f"Dupr{{\\'e}}-{family}, {given}"
            fields = [
                f"  title = {{{words.title(entries)}}}",
                f"  author = {{{' and '.join(authors)}}}",
            ]
            if entries % 3 == 0 and crossref:
                fields.append(f"  crossref = {{{crossref}}}")
            else:
                booktitle = words.random.choice(_BOOKTITLES).format(year=year)
                fields += [f"  booktitle = {{{booktitle}}}", f"  year = {{{year}}}"]
            fields += [
                f"  pages = {{{words.random.randint(1, 400)}--{words.random.randint(401, 800)}}}",
                f"  doi = {{10.99999/invented.{entries}}}",
                f"  url = {{https://example.org/papers/{entries}}}",
                f"  abstract = {{{words.abstract(entries)}}}",
            ]
            out.write(f"@inproceedings{{paper{entries},\n" + ",\n".join(fields) + "\n}\n\n")
            entries += 1
    return entries


def import_one(path: Path) -> dict:
    """Import ``path`` into a scratch content folder, in this process."""
    from generator.importer import import_sources

    with tempfile.TemporaryDirectory(dir=SCRATCH) as scratch:
        content = Path(scratch) / "content"
        content.mkdir()
        shutil.copy(ROOT / "content" / "venues.yaml", content)
        started = time.perf_counter()
        report = import_sources([path], content)
        seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "entries": report.entries_read,
        "adds_up": report.adds_up,
        "account": "; ".join(line.strip() for line in report.account()),
        "problems": len(report.problems),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=50.0, help="size of each generated file in MB (default 50)")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds one import may take (default 1800)")
    parser.add_argument("--only", choices=["listing", "bib"], help="generate and import only one of the two files")
    parser.add_argument("--import-one", type=Path, help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    if args.import_one:
        print(json.dumps(import_one(args.import_one)))
        return
    with tempfile.TemporaryDirectory(dir=SCRATCH) as scratch:
        makers = {"listing": (make_listing, "large-listing.txt"), "bib": (make_bibtex, "large.bib")}
        files, generated = [], []
        for kind, (make, name) in makers.items():
            if args.only in (None, kind):
                files.append(Path(scratch) / name)
                generated.append(make(files[-1], int(args.mb * 1e6)))
        print(f"{'file':<18} {'MB':>6} {'entries':>8} {'seconds':>8} {'peak MiB':>9}  account")
        for path, count in zip(files, generated):
            size = path.stat().st_size / 1e6
            try:
                result = subprocess.run(
                    [sys.executable, __file__, "--import-one", str(path)],
                    capture_output=True, text=True, cwd=ROOT, timeout=args.timeout, check=False,
                )
            except subprocess.TimeoutExpired:
                print(f"{path.name:<18} {size:>6.1f} {count:>8} {'>' + str(int(args.timeout)):>8} {'?':>9}  timed out")
                continue
            if result.returncode != 0:
                print(f"{path.name:<18} {size:>6.1f} {count:>8}  failed: {result.stderr.strip()[-300:]}")
                continue
            row = json.loads(result.stdout.strip().splitlines()[-1])
            mark = "" if row["adds_up"] else "  DOES NOT ADD UP"
            print(f"{path.name:<18} {size:>6.1f} {row['entries']:>8} {row['seconds']:>8.1f} {row['peak_mib']:>9.0f}"
                  f"  {row['account']}; {row['problems']} warnings{mark}")


if __name__ == "__main__":
    main()
