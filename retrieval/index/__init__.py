"""The index: segments of arrays, postings, and BM25 over them.

Holds array files and segments, postings, the scorer, live sets (the passages of
removed articles, left out of every statistic), the in-memory CorpusIndex, the
analysis workers and the progress steps long work reports. It knows nothing of
folders on disk beyond one segment file.
May import ``retrieval.text`` and the foundation; never storage, intake or above.
"""
