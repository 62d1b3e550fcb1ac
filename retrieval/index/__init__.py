"""The index: segments of arrays, postings, and BM25 over them.

Holds array files and segments, postings, the scorer, the in-memory CorpusIndex and
the analysis workers. It knows nothing of folders on disk beyond one segment file.
May import ``retrieval.text`` and the foundation; never storage, intake or above.
"""
