"""Context beyond the passage: paragraphs scored whole, and their passages ranked by them."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

import retrieval.answering.ranking.ranker as ranking
from retrieval.answering.query import Query, analyze_query, judged_share
from retrieval.answering.ranking.context import in_context, paragraph_of, with_title
from retrieval.index.grouped import group_scores
from retrieval.index.scoring import Scored
from retrieval.retriever import Retriever
from retrieval.settings import load_settings
from retrieval.text.article import Article
from tests.corpora import retriever_over
from tests.test_scoring import ours, random_corpus, reference

# One long paragraph, cut into passages: who repaired the lamp is in its first
# sentences, where the lighthouse stands in its last.
LIGHTHOUSE = (
    "The keeper Mara Quill repaired the great lamp during the winter of 1921. She worked "
    "alone for weeks, carrying oil and tools up the narrow stair every morning before dawn. "
    "The work was slow and the weather was bitter, with ice on every rail and rope. Her "
    "logbook records each day of the work in a small and careful hand. Villagers brought "
    "her bread and news when the boats could cross. The lighthouse stands on Gull Rock, a "
    "bare island of granite two miles from the harbour, and its light had been dark since "
    "the autumn storms.\n\nThe sea was calm that spring."
)
FESTIVAL = "Crowds came to the Gull Rock lighthouse festival, where a lamp display drew families."


@pytest.mark.parametrize("model", ["okapi", "plus", "l"])
@pytest.mark.parametrize("seed", range(4))
def test_a_group_scores_as_rank_bm25_scores_its_passages_joined(model: str, seed: int) -> None:
    rng = random.Random(seed)
    corpus = random_corpus(rng, 40, 30)
    groups = [[0], [3, 4], [10, 11, 12], [39]]
    query = rng.choices([f"w{i}" for i in range(35)], k=4)
    # rank-bm25 with the corpus's statistics, asked about the joined passages.
    expected = reference(model, corpus)
    joined = [[t for p in group for t in corpus[p]] for group in groups]
    expected.doc_freqs = [Counter(doc) for doc in joined]
    expected.doc_len = [len(doc) for doc in joined]
    expected.corpus_size = len(joined)
    got = group_scores(ours(model, corpus, cuts=(7, 20)), query, groups)
    assert got.tolist() == pytest.approx(expected.get_scores(query).tolist(), rel=1e-12)
    assert any(len(set(query) & set(doc)) for doc in joined)


def lighthouse(tmp_path: Path) -> Retriever:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.md").write_text(f"---\ntitle: The old light\n---\n{LIGHTHOUSE}\n")
    (corpus / "b.md").write_text(f"---\ntitle: Festival\n---\n{FESTIVAL}\n")
    settings = load_settings().with_paths(corpus=corpus, index=tmp_path / "index")
    return Retriever.from_settings(settings)


def test_paragraph_of_gives_the_passages_cut_from_one_paragraph(tmp_path: Path) -> None:
    index = lighthouse(tmp_path).index
    spans = [(p.article_id, p.start) for p in index.passages]
    # The long paragraph is two passages, the short one after it and the festival one each.
    assert [a for a, _ in spans] == ["a", "a", "a", "b"]
    assert [paragraph_of(index, p) for p in range(4)] == [[0, 1], [0, 1], [2], [3]]


def test_a_passage_ranks_with_its_paragraph(tmp_path: Path) -> None:
    # Alone, the festival passage matches more of the question than either piece
    # of the paragraph; taken with its paragraph, the lighthouse's piece wins.
    answer = lighthouse(tmp_path).ask("Who repaired the lamp of the Gull Rock lighthouse?")
    assert answer.results[0].sources[0].title == "The old light"
    assert any(r.sources[0].title == "Festival" for r in answer.results)


def test_an_excerpt_runs_on_into_the_rest_of_its_paragraph(tmp_path: Path) -> None:
    # "carrying oil" ends the first passage of the paragraph, "the boats could
    # cross" begins the second: the excerpt takes both, marked cut where it is. "She
    # worked alone" points back to the sentence naming her, which answers "who".
    answer = lighthouse(tmp_path).ask("Who carried oil up the stair when the boats could cross?")
    first = answer.results[0].excerpt
    assert "carrying oil" in first and "the boats could cross" in first
    assert first.startswith("The keeper Mara Quill") and first.endswith("could cross.…")
    assert len(first) <= 400 and first.strip("…") in LIGHTHOUSE
    # Each passage of the paragraph may choose the same words: they are shown once.
    excerpts = [r.excerpt for r in answer.results]
    assert len(excerpts) == len(set(excerpts))
    assert sum("carrying oil" in e for e in excerpts) == 1


@pytest.mark.parametrize(
    ("question", "names"),
    [
        (
            "When did Nikola Tesla emigrate to the United States?",
            [("nikola", "tesla"), ("unit", "state")],
        ),
        ("Did Alex Jones pay?", [("alex", "jone")]),
        # The question's first word is no part of a name; a comma ends one.
        ("Tesla emigrated when?", []),
        ("What did Ford, Kelly and Nunziata say?", []),
        ("Who spoke after Kelly?", []),
    ],
)
def test_a_question_reads_each_name_of_several_words(
    tmp_path: Path, question: str, names: list[tuple[str, ...]]
) -> None:
    index = lighthouse(tmp_path).index
    query = analyze_query(question, index.analyzer, index.scorer, fuzzy=False)
    assert list(query.names) == names


TESLA = {
    "museum": "The Nikola Tesla Museum in Belgrade keeps the letters Tesla wrote in the "
    "United States.",
    "emigrated": "Tesla emigrated to the United States in 1884 to work for Edison.",
    "coils": "Tesla built coils in his laboratory in New York, and Tesla patented them.",
    "painter": "The painter Nikola Petrov showed his work in Belgrade last spring.",
    "harbour": "Fishing boats returned to the harbour early because of the storm.",
    "bakery": "A new bakery opened on the main street, selling bread and pastries.",
    "library": "The library reopened with a new reading room and a garden.",
    "ferry": "The ferry to the island runs twice a day in summer.",
}


def test_a_name_of_several_words_scores_as_its_best_part(tmp_path: Path) -> None:
    index = retriever_over(tmp_path, TESLA).index
    top = index.scorer.top(["nikola", "tesla", "emigr"], 10)
    assert len(top) == 4  # the passages with Nikola, Tesla or emigrated

    def alone(terms: list[str]) -> list[float]:
        """The passages' scores in context, for these terms only."""
        own = group_scores(index.scorer, terms, [[t.passage] for t in top])
        return in_context(
            index, terms, [Scored(t.passage, float(s)) for t, s in zip(top, own, strict=True)]
        )

    named = in_context(index, ["nikola", "tesla", "emigr"], top, [("nikola", "tesla")])
    parts = [alone([t, "emigr"]) for t in ("nikola", "tesla")]
    # "Nikola Tesla" in the museum counts as its rarer word, not as both.
    assert named == pytest.approx([max(a, b) for a, b in zip(*parts, strict=True)])
    plain = in_context(index, ["nikola", "tesla", "emigr"], top)
    assert sum(x != pytest.approx(y) for x, y in zip(named, plain, strict=True)) == 1


LISI = {
    "friend": "Police investigated the mayor's friend and driver, Alexander Lisi, for months.",
    "charged": "Lisi was charged with extortion after the police raid last fall.",
    "court": "Lisi appeared in court on Tuesday, where his lawyer spoke briefly.",
    "council": "The council met on Tuesday and voted on the budget for the harbour.",
    "bakery": "A new bakery opened on the main street, selling bread and pastries.",
}


@pytest.mark.parametrize(("once", "first"), [(True, "charged"), (False, "friend")])
def test_a_name_of_several_words_covers_the_question_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, once: bool, first: str
) -> None:
    if not once:
        monkeypatch.setattr(ranking, "_names_once", lambda query, has, covered: covered)
    found = retriever_over(tmp_path, LISI).ask("What is Alexander Lisi charged with?")
    # "Alexander Lisi" is one person: naming him in full is no more of the question.
    assert found.results[0].sources[0].title == first


# The title names the lighthouse; the paragraph on its repair never does. Another
# article repeats the lighthouse's name but says nothing of a repair.
TITLED = {
    "Gull Rock lighthouse": "Visitors can climb the tower on weekends in summer.\n\n"
    "The keeper repaired the great lamp in the winter of 1921, working alone for weeks.",
    "Harbour diary": "From the harbour the Gull Rock lighthouse is a white speck at night.",
    "Bakery": "A new bakery opened on the main street, selling bread and pastries.",
    "Library": "The library reopened with a new reading room and a garden.",
    "Ferry": "The ferry to the island runs twice a day in summer.",
}


@pytest.mark.parametrize(
    ("titled", "first"), [(True, "Gull Rock lighthouse"), (False, "Harbour diary")]
)
def test_a_passage_counts_the_question_words_its_title_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, titled: bool, first: str
) -> None:
    if not titled:
        monkeypatch.setattr(ranking, "with_title", lambda *args: None)
    answer = retriever_over(tmp_path, TITLED).ask("Repairs to the lamp of the Gull Rock lighthouse")
    assert answer.results[0].sources[0].title == first


def test_a_title_adds_only_the_words_a_passage_lacks(tmp_path: Path) -> None:
    index = retriever_over(tmp_path, TITLED).index
    terms = index.analyzer.terms("gull rock lighthouse lamp")
    assert len(terms) == 4 and all(index.scorer.has_term(t) for t in terms)
    top = index.scorer.top(terms, 10)
    weights = {t: 1.0 + n for n, t in enumerate(terms)}
    docs = np.array([t.passage for t in top], dtype=np.int64)
    has = {t: index.scorer.contains(t, docs) for t in terms}
    scores = [0.0] * len(top)
    with_title(index, weights, top, has, scores)
    by_title = {index.source_of(t.passage).title: s for t, s in zip(top, scores, strict=True)}
    # The lamp's passage lacks the three words its title holds; the harbour's holds them
    # itself, and its title none. (The tower's passage holds no word of the question.)
    assert by_title == {
        "Gull Rock lighthouse": pytest.approx(1.0 + 2.0 + 3.0),
        "Harbour diary": 0.0,
    }


def test_title_terms_follow_the_articles_through_adds_and_removals(tmp_path: Path) -> None:
    retriever = retriever_over(tmp_path, TITLED)

    def every_passage_reads_its_own_title() -> None:
        index = retriever.index
        for number in index.live_articles():
            source = index.source_at(number)
            expected = tuple(dict.fromkeys(index.analyzer.terms(source.title or "")))
            for passage in index.passages_of(source.id):
                assert index.title_terms(passage) == expected, source.id

    every_passage_reads_its_own_title()
    retriever.remove("Ferry")
    # The same id again, under another title; then others, one add at a time.
    retriever.add([Article(id="Ferry", title="Night crossing", text="The last boat sails late.")])
    every_passage_reads_its_own_title()
    for n in range(12):
        retriever.add([Article(id=f"extra-{n}", title=f"Harbour note {n}", text=f"Note {n}.")])
        if n % 4 == 0:
            retriever.remove(f"extra-{n}")
        every_passage_reads_its_own_title()
    retriever.add([Article(id="untitled", text="A text with no title at all.")])
    every_passage_reads_its_own_title()
    assert retriever.index.title_terms(retriever.index.passages_of("untitled")[0]) == ()


@pytest.mark.parametrize(("terms", "covered", "factor"), [(4, 2, 2.0), (16, 4, 2.0), (16, 8, 3.0)])
def test_coverage_in_ranking_is_of_the_judged_terms(
    tmp_path: Path, terms: int, covered: int, factor: float
) -> None:
    # A passage covering half of a short question's weight is raised by 1 + 2 * 0.5; of a
    # long question, half of what its eight weightiest terms weigh raises it as much.
    index = lighthouse(tmp_path).index
    weights = {f"t{n}": 1.0 for n in range(terms)}
    query = Query(" ".join(weights), tuple(weights), weights, (), {})
    judged = judged_share(weights)
    score = ranking._score(index, query, None, 1.0, float(covered), "", False, None, judged)
    assert score == pytest.approx(factor)
