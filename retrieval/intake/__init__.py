"""Article intake: what `add` is given becomes articles, then corpus files and segments.

Holds the input readers (files, folders, JSONL, URLs), safe downloading and fetching,
HTML extraction, ingest (adding and removing under the index lock), and following feeds
(parsing, relevance to the corpus, updates; their state is kept by the state room's
FeedStore, handed in, as this room may not import it).
May import ``retrieval.index``, ``retrieval.text`` and the foundation; not answering.
"""
