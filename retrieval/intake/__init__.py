"""Article intake: what `add` is given becomes articles, then corpus files and segments.

Holds the input readers (files, folders, JSONL, URLs), safe fetching, HTML extraction
and ingest (adding and removing under the index lock).
May import ``retrieval.index``, ``retrieval.text`` and the foundation; not answering.
"""
