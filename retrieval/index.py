"""The index: a corpus's articles, their passages, passage terms and the BM25 scorer."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from retrieval.analysis import Analyzer, normalize
from retrieval.articles import Article
from retrieval.errors import ArticleError
from retrieval.passages import Passage, split_article
from retrieval.scoring import BM25Params, BM25Scorer

log = logging.getLogger(__name__)


def text_digest(text: str) -> str:
    """What makes two articles the same: their cleaned text."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


@dataclass
class CorpusIndex:
    """Everything a search needs, built from articles or loaded from disk."""

    analyzer: Analyzer
    params: BM25Params
    articles: list[Article] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    scorer: BM25Scorer = field(init=False)
    # The corpus file each article came from, and each article's text digest.
    files: dict[str, str] = field(default_factory=dict)
    by_digest: dict[str, str] = field(default_factory=dict)
    # Every word as written in the corpus, to tell names from their stems.
    surfaces: set[str] = field(default_factory=set)
    # Passages with the same words (wire copy, a quote repeated) share a group.
    groups: list[int] = field(default_factory=list)
    _article_pos: dict[str, int] = field(default_factory=dict)
    # Each article's passages, as a range of passage positions (they are contiguous).
    _passage_range: dict[str, range] = field(default_factory=dict)
    # Terms of passages analysed here, kept until they are saved.
    _unsaved_terms: dict[int, list[str]] = field(default_factory=dict)
    _group_of_key: dict[str, int] = field(default_factory=dict)
    _group_members: dict[int, list[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.scorer = BM25Scorer(self.params)

    @classmethod
    def build(
        cls,
        items: Iterable[tuple[str, Article | ArticleError]],
        analyzer: Analyzer,
        params: BM25Params,
    ) -> CorpusIndex:
        """Analyse every (file name, article) in order; failures are recorded in ``problems``."""
        index = cls(analyzer, params)
        for file, item in items:
            if isinstance(item, ArticleError):
                index.problems.append(str(item))
                log.warning("skipped: %s", item)
                continue
            index.add_article(item, file=file)
        return index

    def add_article(
        self,
        article: Article,
        terms: list[list[str]] | None = None,
        passages: list[Passage] | None = None,
        file: str | None = None,
    ) -> int:
        """Add one article (its passages and terms may be given); return its passage count."""
        if article.id in self._article_pos:
            self.problems.append(f"{article.id}: duplicate article id, later copy skipped")
            log.warning("duplicate article id %s: later copy skipped", article.id)
            return 0
        if file is not None:
            self.files[article.id] = file
        self.by_digest.setdefault(text_digest(article.text), article.id)
        if passages is None:
            passages = split_article(article)
        offset = len(self.passages)
        if terms is None:
            terms = [self.passage_terms(article, p) for p in passages]
            self._unsaved_terms.update(enumerate(terms, start=offset))
        self._article_pos[article.id] = len(self.articles)
        self._passage_range[article.id] = range(offset, offset + len(passages))
        self.articles.append(article)
        self.surfaces |= self.analyzer.surfaces(article.text)
        for n, passage in enumerate(passages):
            self.passages.append(passage)
            self._assign_group(offset + n, article.text[passage.start : passage.end])
        self.scorer.add(terms)
        return len(passages)

    def passage_terms(self, article: Article, passage: Passage) -> list[str]:
        """The indexed terms of a passage: its own words and its context's."""
        text = passage.text(article.text)
        context = passage.context(article.text)
        return self.analyzer.terms(f"{text}\n{context}" if context else text)

    def terms_of(self, passage: int) -> list[str]:
        """A passage's indexed terms (for saving): analysed again unless still at hand."""
        terms = self._unsaved_terms.pop(passage, None)
        if terms is None:
            p = self.passages[passage]
            terms = self.passage_terms(self.article(p.article_id), p)
        return terms

    def passages_of(self, article_id: str) -> range:
        """The positions of an article's passages."""
        return self._passage_range[article_id]

    def has_article(self, article_id: str) -> bool:
        return article_id in self._article_pos

    def article(self, article_id: str) -> Article:
        return self.articles[self._article_pos[article_id]]

    def article_of(self, passage: int) -> Article:
        return self.article(self.passages[passage].article_id)

    def passage_text(self, passage: int) -> str:
        p = self.passages[passage]
        return self.article(p.article_id).text[p.start : p.end]

    def same_passages(self, passage: int) -> list[int]:
        """Every passage with the same words as this one, this one included."""
        return self._group_members[self.groups[passage]]

    def _assign_group(self, position: int, text: str) -> None:
        key = " ".join(re.findall(r"\w+", normalize(text)))
        group = self._group_of_key.setdefault(key, len(self._group_of_key))
        self.groups.append(group)
        self._group_members.setdefault(group, []).append(position)
