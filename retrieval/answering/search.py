"""Search: rank passages for a question, decide whether to answer, merge duplicates."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from retrieval.answering.answer import Answer, Result
from retrieval.answering.excerpts import (
    held_weight,
    make_excerpt,
    paragraph_around,
    rest_of_paragraph,
)
from retrieval.answering.query import (
    Query,
    analyze_query,
    answerable,
    check_question,
    judged_share,
    searches_a_name,
    written_as_name,
)
from retrieval.answering.ranking import rank
from retrieval.answering.shown import ShownText
from retrieval.index.corpus_index import CorpusIndex
from retrieval.index.filtering import Selection, select
from retrieval.storage.neighbours import PassageRef
from retrieval.text.analysis import normalize
from retrieval.text.answer_types import Asked, asked
from retrieval.text.article import Source
from retrieval.text.cleaning import plain_text
from retrieval.text.filters import Filters

# How many top passages are looked at to fill top-k after merging duplicates.
POOL_FACTOR = 8
# Word-set overlap (Jaccard) above which two passages count as the same.
NEAR_DUPLICATE = 0.85
# A quotation this long, word for word in two passages, makes them the same quote.
SAME_QUOTE_CHARS = 40
# What a follow-up's context (the earlier question) counts for, beside its own words.
CONTEXT_WEIGHT = 0.5
_QUOTED = re.compile(rf"[\"“]([^\"“”]{{{SAME_QUOTE_CHARS},}})[\"”]")


@dataclass(frozen=True)
class SearchOptions:
    """What a search returns and when it declines to answer."""

    top_k: int = 3
    target_chars: int = 300
    max_chars: int = 400
    min_coverage: float = 0.45
    fuzzy: bool = True
    max_question_chars: int = 300


def search(
    index: CorpusIndex,
    question: str,
    options: SearchOptions,
    context: str = "",
    filters: Filters | None = None,
    shown: Sequence[str] = (),
) -> Answer:
    """The best excerpts for a question, or none when the articles don't answer it.

    ``context``, an earlier question a follow-up leans on, helps rank passages at half
    the weight of the question's own words; whether to answer, and the excerpts, stay
    the question's own. ``filters`` limit the articles answered from; passages score as
    over the whole index. ``shown``, excerpts already shown ("what else?"), are not
    shown again: each passage's excerpt is chosen from what they leave out, and a passage
    with nothing else to show gives way to the next. A question over
    ``options.max_question_chars`` raises QuestionTooLong first.
    """
    check_question(question, options.max_question_chars)
    # Markup pasted with a question (a link's tag around a name) is not its words.
    text = plain_text(question)
    chosen = select(index, filters) if filters else None
    scorer = index.scorer
    query = _analyze(index, text, options)
    articles, passages = _searched(index, chosen)
    empty = Answer(
        question, (), articles, passages, query.terms, filters=filters or None, chat=query.chat
    )
    if not answerable(query, scorer) or not searches_a_name(query) or not articles:
        return empty
    floor = options.min_coverage * judged_share(query.weights)
    ranking = query
    if context:
        ranking = with_context(query, _analyze(index, context, options))
        # Context words add to what a passage covers, never to what it must cover.
        floor *= sum(query.weights.values()) / sum(ranking.weights.values())
    allowed = chosen.mask if chosen else None
    candidates = rank(index, ranking, options.top_k * POOL_FACTOR, allowed)
    if query.lone_word is not None:
        analyzer, term = index.analyzer, query.terms[0]
        candidates = [
            c for c in candidates if written_as_name(index.passage_text(c.passage), term, analyzer)
        ]
    if not candidates or max(c.coverage for c in candidates) < floor:
        return empty
    seen = ShownText(shown)
    asks = asked(text)
    results: list[Result] = []
    cut_from: list[tuple[int, int]] = []  # the span of the article each result shows
    # False: only a passage shown before, with new words none of which were asked for.
    relevant: list[bool] = []
    kept: list[tuple[set[str], set[str]]] = []
    quoted: set[tuple[str, int]] = set()
    for candidate in candidates:
        if candidate.coverage < floor / 2:
            continue
        fingerprint = passage_fingerprint(index.passage_text(candidate.passage))
        duplicate = near_duplicate(fingerprint, kept)
        if duplicate is not None:
            sources = passage_sources(index, candidate.passage, chosen)
            merged = _merge_sources(results[duplicate].sources, sources)
            results[duplicate] = _with_sources(results[duplicate], merged)
            continue
        if sum(relevant) == options.top_k:
            continue
        sources = passage_sources(index, candidate.passage, chosen)
        here = ShownText(r.excerpt for r in results)
        passage = index.passages[candidate.passage]
        article = index.article(passage.article_id)
        paragraph = (article.id, paragraph_around(article.text, passage.start, passage.end)[0])
        excerpt = make_excerpt(
            article.text,
            passage,
            query.weights,
            index.analyzer,
            options.target_chars,
            options.max_chars,
            asks,
            seen,
            # A second passage of a paragraph already quoted shows its own part of it.
            anywhere=paragraph not in quoted,
            beside=here,
        )
        if not excerpt.new:
            continue
        if here.covers(excerpt.text):
            # The answer's other excerpts already show these words.
            continue
        kept.append(fingerprint)
        quoted.add(paragraph)
        result = Result(
            excerpt=excerpt.text,
            score=round(candidate.score, 6),
            sources=sources,
            highlights=excerpt.highlights,
            speaker=passage.speaker,
            ref=PassageRef.of(article, passage),
        )
        results.append(result)
        cut_from.append(excerpt.span)
        relevant.append(excerpt.relevant)
    order = [n for n, asked_for in enumerate(relevant) if asked_for]
    order += [n for n, asked_for in enumerate(relevant) if not asked_for]
    ordered = [results[n] for n in order]
    if ordered and not shown:
        rest = _rest_of_best(index, cut_from[order[0]], ordered, query.weights, options, asks)
        if rest is not None:
            ordered.insert(*rest)
    found = tuple(ordered[: options.top_k])
    return Answer(question, found, articles, passages, query.terms, filters=filters or None)


def _rest_of_best(
    index: CorpusIndex,
    shown: tuple[int, int],
    ordered: Sequence[Result],
    weights: Mapping[str, float],
    options: SearchOptions,
    asks: Asked | None,
) -> tuple[int, Result] | None:
    """The rest of the best excerpt's paragraph, and its place among the answer's excerpts.

    An excerpt shows about half of a long paragraph, and the answer is often in the part
    it leaves out (``shown`` is the span it shows). The rest is worth the best excerpt's
    score in the measure that it holds as much of the question, and takes its place
    among the others by that worth.
    """
    best = ordered[0]
    if best.ref is None:
        return None
    article = index.article(best.ref.article_id)
    rest = rest_of_paragraph(
        article.text, shown, weights, index.analyzer, options.target_chars, options.max_chars, asks
    )
    if rest is None or ShownText(r.excerpt for r in ordered).covers(rest.text):
        return None
    held = held_weight(rest.text, weights, index.analyzer)
    worth = best.score * held / max(held, held_weight(best.excerpt, weights, index.analyzer))
    at = next((n for n, r in enumerate(ordered) if n and r.score < worth), len(ordered))
    result = replace(best, excerpt=rest.text, score=round(worth, 6), highlights=rest.highlights)
    return at, result


def _analyze(index: CorpusIndex, text: str, options: SearchOptions) -> Query:
    return analyze_query(
        text,
        index.analyzer,
        index.scorer,
        fuzzy=options.fuzzy,
        surfaces=index.surfaces,
        longest_word=index.longest_surface,
    )


def with_context(query: Query, context: Query) -> Query:
    """The query with the context's other words at half the weight of its own: BM25 counts
    the query's own terms twice, and a context word counts half toward coverage."""
    extra = {t: w * CONTEXT_WEIGHT for t, w in context.weights.items() if t not in query.weights}
    terms = query.terms * 2 + tuple(t for t in context.terms if t in extra)
    return replace(query, terms=terms, weights={**query.weights, **extra})


def _searched(index: CorpusIndex, chosen: Selection | None) -> tuple[int, int]:
    """How many articles and passages a search draws from."""
    if chosen is None:
        return index.article_count, index.passage_count
    return len(chosen.articles), chosen.passage_count


def passage_sources(
    index: CorpusIndex, passage: int, chosen: Selection | None = None
) -> tuple[Source, ...]:
    """Every article that carries the passage's words (only those ``chosen``, if given)."""
    seen: dict[str, Source] = {}
    for same in index.same_passages(passage):
        source = index.source_of(same)
        if chosen is None or chosen.has(source):
            seen.setdefault(source.id, source)
    return tuple(seen.values())


def _merge_sources(first: tuple[Source, ...], more: tuple[Source, ...]) -> tuple[Source, ...]:
    ids = {s.id for s in first}
    return first + tuple(s for s in more if s.id not in ids)


def _with_sources(result: Result, sources: tuple[Source, ...]) -> Result:
    return replace(result, sources=sources)


def passage_fingerprint(text: str) -> tuple[set[str], set[str]]:
    """A passage's set of words and its long quotations, for spotting copies."""
    words = set(re.findall(r"\w+", normalize(text)))
    quotes = {" ".join(re.findall(r"\w+", normalize(q))) for q in _QUOTED.findall(text)}
    return words, quotes


def near_duplicate(
    fingerprint: tuple[set[str], set[str]], kept: list[tuple[set[str], set[str]]]
) -> int | None:
    """The position of a kept passage that is a copy of this one (wire copy, same quote)."""
    words, quotes = fingerprint
    for position, (other_words, other_quotes) in enumerate(kept):
        if quotes & other_quotes:
            return position
        union = len(words | other_words)
        if union and len(words & other_words) / union >= NEAR_DUPLICATE:
            return position
    return None
