"""The on-disk index: the corpus folder, the segments built from it, and BM25 over them.

Holds the corpus folder's readers, array files and segments, postings, the scorer,
the in-memory CorpusIndex, the store and manifest, the lock and the analysis workers.
May import ``retrieval.text`` and the foundation; never intake, answering or above.
"""
