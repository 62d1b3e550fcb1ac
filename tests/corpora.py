"""Small corpora for tests: a retriever over a few articles written to ``tmp_path``."""

from __future__ import annotations

from pathlib import Path

from retrieval.retriever import Retriever
from retrieval.settings import load_settings


def retriever_over(tmp_path: Path, articles: dict[str, str]) -> Retriever:
    """A retriever over one article per entry, titled with its key, indexed under tmp_path."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in articles.items():
        (corpus / f"{name}.md").write_text(f"---\ntitle: {name}\n---\n{text}\n", encoding="utf-8")
    settings = load_settings().with_paths(corpus=corpus, index=tmp_path / "index")
    return Retriever.from_settings(settings)
