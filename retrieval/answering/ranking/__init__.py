"""Ranking: BM25's best passages for a question, scored again with what a bag of words misses.

``context`` scores a passage together with its paragraph, ``rerank`` holds the
signals BM25 misses (names, coverage, answers of the asked type, phrases), and
``ranker`` combines them into each candidate passage's score.
"""

from retrieval.answering.ranking.ranker import Candidate, rank

__all__ = ["Candidate", "rank"]
