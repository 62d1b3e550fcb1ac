"""Persistence: the analysed index as versioned JSON, never pickle.

The corpus folder is the source of truth. The saved index records a
fingerprint of the corpus files and of the analyzer; when either no longer
matches, or the file is damaged, the index is rebuilt from the corpus.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

from retrieval.analysis import Analyzer
from retrieval.articles import Article, corpus_files, iter_corpus
from retrieval.errors import CorpusError, IndexStoreError
from retrieval.index import CorpusIndex
from retrieval.passages import Passage
from retrieval.scoring import BM25Params

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
INDEX_FILE = "index.json.gz"


# The modules whose code decides what is indexed: a saved index made by other
# code is rebuilt rather than trusted.
_PIPELINE = (
    "analysis", "articles", "cleaning", "irregular", "passages", "sentences", "speakers",
    "stopwords", "store",
)  # fmt: skip


def pipeline_digest() -> str:
    """A digest of the code that turns articles into indexed passages."""
    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for name in _PIPELINE:
        digest.update((here / f"{name}.py").read_bytes())
    return digest.hexdigest()


def corpus_fingerprint(folder: Path, analyzer: Analyzer) -> str:
    """Names, sizes and modification times of the corpus files, the analyzer and its code."""
    digest = hashlib.sha256(json.dumps(analyzer.describe(), sort_keys=True).encode())
    digest.update(pipeline_digest().encode())
    for path in corpus_files(folder):
        stat = path.stat()
        digest.update(f"{path.name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def open_index(
    corpus: Path, index_dir: Path | None, analyzer: Analyzer, params: BM25Params
) -> CorpusIndex:
    """The saved index when it matches the corpus, else one rebuilt (and saved)."""
    if not corpus.is_dir():
        raise CorpusError(f"{corpus}: corpus folder not found")
    fingerprint = corpus_fingerprint(corpus, analyzer)
    if index_dir is not None:
        loaded = _load(index_dir / INDEX_FILE, fingerprint, analyzer, params)
        if loaded is not None:
            return loaded
    index = CorpusIndex.build(iter_corpus(corpus), analyzer, params)
    if not index.articles:
        raise CorpusError(f"{corpus}: no readable article in the corpus folder")
    if index_dir is not None:
        save(index, index_dir, fingerprint)
    return index


def save(index: CorpusIndex, index_dir: Path, fingerprint: str) -> None:
    """Write the index atomically: a temporary file, fsync, then rename."""
    passages_by_article: dict[str, list[dict[str, Any]]] = {}
    for passage in index.passages:
        record = asdict(passage)
        del record["article_id"]
        record["terms"] = index.passage_terms(index.article(passage.article_id), passage)
        del record["ordinal"]
        passages_by_article.setdefault(passage.article_id, []).append(record)
    document = {
        "format_version": FORMAT_VERSION,
        "fingerprint": fingerprint,
        "analyzer": index.analyzer.describe(),
        "problems": index.problems,
        "articles": [
            {"article": asdict(a), "passages": passages_by_article.get(a.id, [])}
            for a in index.articles
        ],
    }
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=index_dir, prefix=".index-", delete=False) as tmp:
            try:
                with gzip.GzipFile(fileobj=tmp, mode="wb", compresslevel=5, mtime=0) as gz:
                    gz.write(json.dumps(document, ensure_ascii=False).encode("utf-8"))
                tmp.flush()
                os.fsync(tmp.fileno())
            except BaseException:
                os.unlink(tmp.name)
                raise
        os.replace(tmp.name, index_dir / INDEX_FILE)
    except OSError as exc:
        raise IndexStoreError(
            f"{index_dir}: cannot write the index ({exc.strerror or exc})"
        ) from None


def _load(
    path: Path, fingerprint: str, analyzer: Analyzer, params: BM25Params
) -> CorpusIndex | None:
    if not path.exists():
        return None
    try:
        with gzip.open(path, "rt", encoding="utf-8") as stream:
            document = json.load(stream)
        if document.get("format_version") != FORMAT_VERSION:
            log.info("index %s has another format version: rebuilding", path)
            return None
        if document.get("fingerprint") != fingerprint:
            log.info("index %s no longer matches the corpus: rebuilding", path)
            return None
        index = CorpusIndex(analyzer, params)
        index.problems = list(document.get("problems", []))
        for entry in document["articles"]:
            article = Article(**entry["article"])
            records = entry["passages"]
            terms = [r.pop("terms") for r in records]
            passages = [
                Passage(article_id=article.id, ordinal=n, **_tuples(r))
                for n, r in enumerate(records)
            ]
            index.add_article(article, terms=terms, passages=passages)
        return index
    except (OSError, EOFError, ValueError, KeyError, TypeError) as exc:
        log.warning("index %s is damaged (%s): rebuilding from the corpus", path, exc)
        return None


def _tuples(record: dict[str, Any]) -> dict[str, Any]:
    if record.get("attribution") is not None:
        record["attribution"] = tuple(record["attribution"])
    return record
