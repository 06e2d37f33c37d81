"""Related papers: for every paper, the few others that share its authors, topics and words.

The score of a pair of papers is a sum over what they share:

- each shared person adds ``AUTHOR_WEIGHT / (1 + log10(papers by that person))``: 0.46 for
  someone with two papers, 0.3 with ten, 0.2 with a hundred;
- each shared topic adds ``TOPIC_WEIGHT`` (0.1);
- the cosine similarity of their texts, times ``TEXT_WEIGHT`` (1.0). A text is the title (counted
  twice) and the abstract, as TF-IDF weighted words (``1 + log tf`` times ``log(N / df)``), minus
  stop words, with a plural ``s`` taken off. Papers on the same question typically reach 0.2 to
  0.5, near duplicates 0.8 and more; one shared rare word, 0.1 or so.

So two shared authors and a topic (0.5 and more, for authors with up to a hundred papers) outrank
a pair that shares a word or two, but a paper that says nearly the same thing can outrank a shared
author. Ties are broken by paper id.

Every shared thing is a *feature*: one paper's side of it is ``sqrt(weight)`` (for words, the
normalised TF-IDF weight), so a pair's score is the dot product of the two feature vectors. The
vectors are the rows of a sparse matrix, and the work is two sparse products, so a corpus of
100,000 papers takes seconds and little memory:

1. Candidates: the product of the matrix with itself over *rare* features (on at most
   ``MAX_POSTINGS`` papers) gives every pair that shares one, with that part of its score. A
   common word, a broad topic or a very prolific author proposes no candidates: the pairs they
   make would be most of all pairs, and say little.
2. The best ``max(20, SHORTLIST_FACTOR * limit)`` candidates of each paper (ties by id) get the
   rest of their score, from the features that are not rare, and the top ``limit`` are kept.

A word on more than ``COMMON_WORD_SHARE`` of the papers (and more than ``MAX_POSTINGS``) counts
in the length of a text but is never compared: it says little about what a paper is about.
A paper that shares nothing rare with any other gets no related papers. In a small library (no
feature on more than ``MAX_POSTINGS`` papers) every score is exact.
"""

from __future__ import annotations

import hashlib
import math
import re
from array import array
from collections import Counter
from typing import TYPE_CHECKING

from .model import Library

if TYPE_CHECKING:
    import numpy as np
    from scipy.sparse import csr_matrix

AUTHOR_WEIGHT = 0.6
TOPIC_WEIGHT = 0.1
TEXT_WEIGHT = 1.0
TITLE_REPEAT = 2  # a title word counts as this many occurrences

MAX_POSTINGS = 250  # a feature on more papers proposes no candidates
COMMON_WORD_SHARE = 0.05  # a word on more than this share of papers (and MAX_POSTINGS) is not compared
SHORTLIST_FACTOR = 4  # candidates rescored with every feature: limit * this (at least 20)
BLOCK_ROWS = 1024  # papers whose candidates are worked out at once (memory: ~1,000 candidates each)

_WORD = re.compile(r"[^\W\d_][^\W_]+")
# Function words and the vocabulary of every abstract; TF-IDF would weigh them down anyway, but
# dropping them early saves work.
_STOPWORD_TEXT = """a about above after again against all also although among an and any are as at be because been
before being between both but by can could did do does doing done during each either et etc few for
from further had has have having here how however if in into is it its itself just may might more
most much must no nor not now of off often on once only or other our ours out over own per rather
same several she should since so some such than that the their them then there these they this
those through thus to too under until up upon us use used uses using very via was we were what when
where whether which while who whom why will with within without would yet you your paper papers
propose proposed proposes present presents show shows shown approach approaches method methods
result results work new based"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def _stem(word: str) -> str:
    """Plural ``s`` off: "models" and "model" are one word ("process", "corpus", "analysis" stay)."""
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _feature_matrices(library: Library, ids: list[str]) -> tuple[csr_matrix, csr_matrix]:
    """Each paper's features, with its side of the weight, as two sparse matrices (a row per paper,
    a column per feature): the rare features (on 2 to ``MAX_POSTINGS`` papers), and the others.

    Features are word stems, then people, then topics. Python only reads the words; the weights
    are worked out on whole arrays.
    """
    import numpy as np
    from scipy.sparse import csr_matrix, hstack

    stems: dict[str, int] = {}  # word as found -> column of its stem (-1: a stop word)
    columns: dict[str, int] = {}  # stem -> column
    word_columns, word_counts, ends = array("q"), array("q"), array("q", [0])
    for paper_id in ids:
        paper = library.papers[paper_id]
        found = _WORD.findall(paper.title.casefold()) * TITLE_REPEAT
        if paper.abstract:
            found += _WORD.findall(paper.abstract.casefold())
        counts = Counter(found)
        found_columns = list(map(stems.get, counts))
        if None in found_columns:  # words not seen before
            for position, word in enumerate(counts):
                if found_columns[position] is None:
                    column = -1 if word in _STOPWORDS else columns.setdefault(_stem(word), len(columns))
                    found_columns[position] = stems[word] = column
        word_columns.extend(found_columns)
        word_counts.extend(counts.values())
        ends.append(len(word_columns))

    shape = (len(ids), len(columns))
    found_at = np.frombuffer(word_columns, dtype=np.int64)
    is_word = found_at >= 0
    # Rows are in paper order already: the matrix is made row by row (CSR), not from coordinates, which
    # would take several more arrays as long as every word found. Two words with one stem ("model",
    # "models") are two entries of a row, which sum_duplicates adds up.
    words_before = np.concatenate(([0], np.cumsum(is_word)))
    row_starts = words_before[np.frombuffer(ends, dtype=np.int64)]
    counts = csr_matrix((np.frombuffer(word_counts, dtype=np.int64)[is_word].astype(np.float64),
                         found_at[is_word], row_starts), shape=shape)
    del word_columns, word_counts, found_at, is_word, words_before  # as long as every word found
    counts.sum_duplicates()
    frequency = np.bincount(counts.indices, minlength=shape[1])
    idf = np.log(len(ids) / np.maximum(frequency, 1))
    weights, counts = counts, None  # the counts become the weights in place
    weights.data = (1 + np.log(weights.data)) * idf[weights.indices]  # sublinear term frequency times IDF
    norms = np.sqrt(np.asarray(weights.multiply(weights).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    # Scaled by the whole text's length, then a word on this paper alone, or on too many, is dropped.
    text = csr_matrix(weights.multiply(math.sqrt(TEXT_WEIGHT) / norms[:, None]))
    del weights
    too_common = max(MAX_POSTINGS, COMMON_WORD_SHARE * len(ids))
    is_compared = (frequency > 1) & (frequency <= too_common)
    text, text_frequency = text[:, np.flatnonzero(is_compared)], frequency[is_compared]

    # People and topics: one column each, the same side for every paper that has it.
    tags = _TagColumns({paper_id: row for row, paper_id in enumerate(ids)})
    for _, paper_ids in sorted(library.papers_by_person.items()):
        tags.add(paper_ids, math.sqrt(AUTHOR_WEIGHT / (1 + math.log10(max(1, len(paper_ids))))))
    for _, paper_ids in sorted(library.papers_by_topic.items()):
        tags.add(paper_ids, math.sqrt(TOPIC_WEIGHT))
    tagged = csr_matrix((tags.sides, (tags.rows, tags.columns)), shape=(len(ids), len(tags.frequency)))

    rare_text = text_frequency <= MAX_POSTINGS
    tag_frequency = np.array(tags.frequency, dtype=np.int64)
    rare_tags = (tag_frequency > 1) & (tag_frequency <= MAX_POSTINGS)
    rare = hstack((text[:, np.flatnonzero(rare_text)], tagged[:, np.flatnonzero(rare_tags)]), format="csr")
    rest = hstack((text[:, np.flatnonzero(~rare_text)], tagged[:, np.flatnonzero(tag_frequency > MAX_POSTINGS)]),
                  format="csr")
    return rare, rest


class _TagColumns:
    """People and topics as columns of a sparse matrix, in coordinate form: a column per tag, holding
    its ``side`` on the rows of its papers, once each."""

    def __init__(self, row_of: dict[str, int]) -> None:
        self._row_of = row_of
        self.rows: list[int] = []
        self.columns: list[int] = []
        self.sides: list[float] = []
        self.frequency: list[int] = []  # papers per column

    def add(self, paper_ids: tuple[str, ...], side: float) -> None:
        column = len(self.frequency)
        found = sorted({self._row_of[paper_id] for paper_id in paper_ids if paper_id in self._row_of})
        self.rows.extend(found)
        self.columns.extend([column] * len(found))
        self.sides.extend([side] * len(found))
        self.frequency.append(len(found))


def inputs_digest(library: Library, limit: int) -> str:
    """A digest of everything ``related_papers`` reads: each paper's id, title, abstract, people
    and topics, and the limit. Equal digests mean equal results, so most edits (a DOI, pages, a
    venue, a year) need no new related papers."""
    hasher = hashlib.blake2b(f"{limit}\0".encode(), digest_size=16)
    for paper_id in sorted(library.papers):
        paper = library.papers[paper_id]
        people = "\t".join(author.person_id or "" for author in paper.authors)
        hasher.update(f"{paper_id}\0{paper.title}\0{paper.abstract}\0{people}\0{paper.topic_ids}\0"
                      .encode("utf-8", "surrogatepass"))
    return hasher.hexdigest()


def related_papers(library: Library, limit: int = 5) -> dict[str, tuple[str, ...]]:
    """For every paper id, up to ``limit`` related paper ids, most related first.

    Never the paper itself, never twice; an empty tuple when nothing relates. The result is the
    same whatever the order of ``library.papers``.
    """
    ids = sorted(library.papers)
    if limit <= 0 or not ids:
        return {paper_id: () for paper_id in ids}
    import numpy as np  # here, not at the top: a build that relates nothing never loads them

    rare, rest = _feature_matrices(library, ids)
    rare_by_feature = rare.T.tocsr()
    shortlist = max(20, limit * SHORTLIST_FACTOR)
    related: dict[str, tuple[str, ...]] = {}
    for start in range(0, len(ids), BLOCK_ROWS):
        candidates = rare[start:start + BLOCK_ROWS] @ rare_by_feature  # each pair's score over rare features
        rows, others, scores = _shortlists(candidates, start, shortlist)
        # The rest of each shortlisted pair's score: what the two share beyond rare features.
        scores += np.asarray(rest[rows].multiply(rest[others]).sum(axis=1)).ravel()
        # Best first; equal scores (to 9 places, so that summing order never matters) by id.
        order = np.lexsort((others, -np.round(scores, 9), rows))
        rows, others = rows[order], others[order]
        firsts = np.searchsorted(rows, np.arange(start, start + candidates.shape[0] + 1))
        for row in range(start, start + candidates.shape[0]):
            first, end = firsts[row - start], firsts[row - start + 1]
            related[ids[row]] = tuple(ids[other] for other in others[first:min(end, first + limit)].tolist())
    return related


def _shortlists(candidates: csr_matrix, start: int, size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each row's best ``size`` candidates by score, ties by id, never the paper itself: the rows
    (numbered from ``start``), the candidates and their scores, as three arrays."""
    import numpy as np

    lengths = np.diff(candidates.indptr)
    rows = np.repeat(np.arange(start, start + candidates.shape[0]), lengths)
    columns, values = candidates.indices, candidates.data
    chosen = [np.flatnonzero(np.repeat(lengths <= size + 1, lengths) & (columns != rows))]  # few: all but itself
    ends = candidates.indptr.tolist()
    for local in np.flatnonzero(lengths > size + 1).tolist():
        first, end = ends[local], ends[local + 1]
        vals = np.where(columns[first:end] == start + local, -1.0, values[first:end])  # every other score is > 0
        threshold = np.partition(vals, len(vals) - size)[len(vals) - size]
        best = np.flatnonzero(vals >= threshold)
        if len(best) > size:  # ties at the threshold: the lowest ids among them
            tied = best[vals[best] == threshold]
            tied = tied[np.argsort(columns[first + tied], kind="stable")][:size - (len(best) - len(tied))]
            best = np.concatenate((best[vals[best] > threshold], tied))
        chosen.append(best + first)
    picked = np.concatenate(chosen)
    return rows[picked], columns[picked].astype(np.int64), values[picked]
