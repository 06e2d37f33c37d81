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
normalised TF-IDF weight), so a pair's score is the dot product of the two feature vectors. This
makes the work per paper bounded, which is what keeps a corpus of 100,000 papers to seconds:

1. Candidates come from an inverted index, rarest feature first. A feature on more than
   ``MAX_POSTINGS`` papers (a common word, a broad topic, a very prolific author) proposes no
   candidates, and a paper stops reading postings after ``POSTINGS_BUDGET`` entries.
2. The best ``max(20, SHORTLIST_FACTOR * limit)`` candidates then get the contributions of the
   features that were not read (common words, topics, prolific authors, features past the
   budget), and the top ``limit`` are kept.

A word on more than ``COMMON_WORD_SHARE`` of the papers (and more than ``MAX_POSTINGS``) counts
in the length of a text but is never compared: it says little about what a paper is about.
A paper that shares nothing with any other gets no related papers. In a small library (no feature
on more than ``MAX_POSTINGS`` papers, few postings) every score is exact.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from operator import itemgetter

from .model import Library
from .parallel import parallel_map

AUTHOR_WEIGHT = 0.6
TOPIC_WEIGHT = 0.1
TEXT_WEIGHT = 1.0
TITLE_REPEAT = 2  # a title word counts as this many occurrences

MAX_POSTINGS = 250  # a feature on more papers proposes no candidates
POSTINGS_BUDGET = 300  # postings read per paper, at most
COMMON_WORD_SHARE = 0.05  # a word on more than this share of papers (and MAX_POSTINGS) is not compared
SHORTLIST_FACTOR = 4  # candidates rescored with every feature: limit * this (at least 20)

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


_TF = [0.0] + [1 + math.log(count) for count in range(1, 64)]  # sublinear term frequency


def _paper_vectors(library: Library, ids: list[str]) -> tuple[list[dict[int, float]], list[int]]:
    """Each paper's features, numbered, with its side of the weight; and each feature's paper count.

    Features are words, ``p:<person id>`` and ``t:<topic id>`` (a word never holds ``:``).
    """
    number: dict[str, int] = {}
    stems: dict[str, int] = {}  # word as found -> feature number of its stem
    frequency: list[int] = []
    all_counts: list[dict[int, int]] = []
    for paper_id in ids:
        paper = library.papers[paper_id]
        found = _WORD.findall(paper.title.casefold()) * TITLE_REPEAT
        if paper.abstract:
            found += _WORD.findall(paper.abstract.casefold())
        counts: dict[int, int] = {}
        for word, count in Counter(found).items():
            f = stems.get(word)
            if f is None:
                if word in _STOPWORDS:
                    f = stems[word] = -1
                else:
                    f = stems[word] = number.setdefault(_stem(word), len(number))
                    if f == len(frequency):
                        frequency.append(0)
            if f >= 0:
                counts[f] = counts.get(f, 0) + count
        for f in counts:
            frequency[f] += 1
        all_counts.append(counts)

    total = len(ids)
    idf = [math.log(total / df) if df else 0.0 for df in frequency]
    too_common = max(MAX_POSTINGS, COMMON_WORD_SHARE * total)
    text_scale = math.sqrt(TEXT_WEIGHT)
    topic_side = math.sqrt(TOPIC_WEIGHT)

    def numbered(key: str, df: int) -> int:
        f = number.setdefault(key, len(number))
        if f == len(frequency):
            frequency.append(df)
        return f

    people = {
        person_id: (numbered(f"p:{person_id}", len(paper_ids)),
                    math.sqrt(AUTHOR_WEIGHT / (1 + math.log10(max(1, len(paper_ids))))))
        for person_id, paper_ids in sorted(library.papers_by_person.items())
    }
    topics = {topic_id: numbered(f"t:{topic_id}", len(paper_ids)) for topic_id, paper_ids in sorted(library.papers_by_topic.items())}

    vectors: list[dict[int, float]] = []
    for paper_id, counts in zip(ids, all_counts, strict=True):
        paper = library.papers[paper_id]
        weights = {
            f: (_TF[count] if count < len(_TF) else 1 + math.log(count)) * idf[f] for f, count in counts.items()
        }
        norm = math.hypot(*weights.values()) or 1.0
        scale = text_scale / norm
        # A word on this paper alone, or on too many, still counts in the norm but is not compared.
        vector = {f: w * scale for f, w in weights.items() if 1 < frequency[f] <= too_common}
        for author in paper.authors:
            if author.person_id in people:
                f, side = people[author.person_id]
                vector[f] = side
        for topic_id in paper.topic_ids:
            if topic_id in topics:
                vector[topics[topic_id]] = topic_side
        vectors.append(vector)
    return vectors, frequency


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


def related_papers(library: Library, limit: int = 5, workers: int | None = 1) -> dict[str, tuple[str, ...]]:
    """For every paper id, up to ``limit`` related paper ids, most related first.

    Never the paper itself, never twice; an empty tuple when nothing relates. The result is the
    same whatever the order of ``library.papers``, and whatever the number of ``workers``
    (processes sharing the papers; None: one per core).
    """
    ids = sorted(library.papers)
    if limit <= 0:
        return {paper_id: () for paper_id in ids}
    vectors, frequency = _paper_vectors(library, ids)
    postings: dict[int, tuple[list[int], list[float]]] = {}
    for index, vector in enumerate(vectors):
        for f, w in vector.items():
            if 1 < frequency[f] <= MAX_POSTINGS:
                papers, weights = postings.setdefault(f, ([], []))
                papers.append(index)
                weights.append(w)

    shortlist_size = max(20, limit * SHORTLIST_FACTOR)
    by_score = itemgetter(1)

    def most_related(index: int) -> tuple[str, ...]:
        vector = vectors[index]
        rare = sorted((frequency[f], f) for f in vector if 1 < frequency[f] <= MAX_POSTINGS)
        unread = {f: w for f, w in vector.items() if frequency[f] > MAX_POSTINGS}
        scores: dict[int, float] = {}
        get = scores.get
        budget = POSTINGS_BUDGET
        for df, f in rare:
            if df > budget:
                unread[f] = vector[f]
                continue
            budget -= df
            side = vector[f]
            papers, weights = postings[f]
            for other, w in zip(papers, weights):
                scores[other] = get(other, 0.0) + side * w
        scores.pop(index, None)
        if not scores:
            return ()
        # Equal scores keep the order they were first reached in: postings are in id order.
        ranked = sorted(scores.items(), key=by_score, reverse=True)[:shortlist_size]
        final = []
        for other, score in ranked:
            get_other = vectors[other].get
            for f, side in unread.items():
                score += side * get_other(f, 0.0)
            final.append((-round(score, 9), other))
        final.sort()
        return tuple(ids[other] for _, other in final[:limit])

    return dict(zip(ids, parallel_map(most_related, range(len(ids)), workers)))
