"""Removal in place: a deletion file beside the segment, scores still rank-bm25's over the
live passages, removed articles nowhere to be seen, merges that drop them."""

from __future__ import annotations

import itertools
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import rank_bm25

from retrieval.cli import main
from retrieval.index.live import LiveSet
from retrieval.index.scoring import BM25Params, BM25Scorer
from retrieval.index.segment import analyze
from retrieval.intake.inputs import expand
from retrieval.retriever import Retriever
from retrieval.settings import load_settings
from retrieval.storage.store import MANIFEST, Manifest
from tests.ingesting import snapshot, story
from tests.test_scoring import REFERENCE, random_corpus

QUERIES = (
    ["harbour"],
    ["railway", "council"],
    ["ford", "mayor"],
    ["museum", "stori", "detail"],
    ["stori"],
    ["crack", "video", "leav"],
)


def live_scorer(
    model: str, corpus: list[list[str]], cuts: list[int], gone: set[int], **params: float
) -> BM25Scorer:
    """Our scorer over the corpus in blocks split at ``cuts``, with the ``gone`` documents
    marked deleted."""
    scorer = BM25Scorer(BM25Params(model=model, **params))
    bounds = [0, *cuts, len(corpus)]
    for start, end in itertools.pairwise(bounds):
        block_docs = corpus[start:end]
        scorer.add(block_docs)
        mask = np.array([start + n not in gone for n in range(end - start)], dtype=np.bool_)
        if not mask.all():
            block = scorer.blocks[-1]
            scorer.set_live(len(scorer.blocks) - 1, LiveSet(block, mask, block_docs.__getitem__))
    return scorer


@pytest.mark.parametrize("model", ["okapi", "plus", "l"])
@pytest.mark.parametrize("seed", range(8))
def test_scorer_over_live_passages_is_rank_bm25_over_them(model: str, seed: int) -> None:
    rng = random.Random(seed)
    corpus = random_corpus(rng, docs=rng.randint(6, 120), vocabulary=rng.randint(3, 50))
    cuts = sorted({rng.randint(1, len(corpus) - 1) for _ in range(rng.randint(0, 3))})
    # The first documents go too: the terms they introduce move to a later first appearance,
    # which changes the order of Okapi's idf sum.
    gone = {0, 1, *rng.sample(range(len(corpus)), len(corpus) // 3)}
    live = [doc for n, doc in enumerate(corpus) if n not in gone]
    params = {"k1": rng.choice([0.5, 1.2, 1.5]), "b": rng.choice([0.0, 0.75, 1.0])}
    expected_model = REFERENCE[model](live, **params)
    scorer = live_scorer(model, corpus, cuts, gone, **params)
    positions = [n for n in range(len(corpus)) if n not in gone]
    assert scorer.size == len(live) and scorer.avgdl == expected_model.avgdl
    assert scorer.vocabulary() == list(expected_model.idf)
    for _ in range(10):
        query = rng.choices([f"w{i}" for i in range(55)], k=rng.randint(1, 6))
        expected = expected_model.get_scores(query)
        np.testing.assert_array_equal(scorer.all_scores(query), expected)
        matching = scorer.matching(query)
        assert not gone & set(matching.tolist())
        best = sorted(range(len(live)), key=lambda d: (-expected[d], d))
        wanted = [positions[d] for d in best if positions[d] in set(matching.tolist())][:5]
        assert [t.passage for t in scorer.top(query, 5)] == wanted


def stories(folder: Path, numbers: range) -> list[Path]:
    folder.mkdir(exist_ok=True)
    paths = []
    for n in numbers:
        path = folder / f"s{n:02d}.md"
        path.write_text(f"---\ntitle: Story {n}\n---\n{story(n)}", encoding="utf-8")
        paths.append(path)
    return paths


def live_tokens(retriever: Retriever) -> list[list[str]]:
    """The terms of every live passage, analysed afresh from the articles in index order."""
    analyzer = retriever.index.analyzer
    return [terms for a in retriever.index.articles for terms in analyze(a, analyzer).terms]


def assert_rank_bm25_over_live(retriever: Retriever) -> None:
    params = retriever.index.params
    reference = rank_bm25.BM25Okapi(
        live_tokens(retriever), k1=params.k1, b=params.b, epsilon=params.epsilon
    )
    scorer = retriever.index.scorer
    for query in QUERIES:
        np.testing.assert_array_equal(scorer.all_scores(query), reference.get_scores(query))


def assert_same_as_rebuilt(retriever: Retriever, config: Path, fresh: Path) -> None:
    rebuilt = Retriever.from_settings(load_settings(config).with_paths(index=fresh))
    assert [a.id for a in retriever.index.articles] == [a.id for a in rebuilt.index.articles]
    assert retriever.articles() == rebuilt.articles()
    for query in QUERIES:
        np.testing.assert_array_equal(
            retriever.index.scorer.all_scores(query), rebuilt.index.scorer.all_scores(query)
        )
    for question in ("Which story is about the museum?", "Who urged Ford to take a leave?"):
        assert retriever.ask(question, top_k=5) == rebuilt.ask(question, top_k=5)


def manifest(index_dir: Path) -> Manifest:
    return Manifest.read(index_dir / MANIFEST)


def test_remove_writes_only_a_deletion_file_and_the_manifest(
    ready: tuple[Path, Path, Path],
) -> None:
    config, corpus, index_dir = ready
    before = snapshot(index_dir)
    assert main(["remove", "001_5b0c9ae72aa1523b", "--config", str(config)]) == 0
    after = snapshot(index_dir)
    changed = {Path(p).name for p in set(before) | set(after) if before.get(p) != after.get(p)}
    segment = manifest(index_dir).segments[0]
    assert changed == {MANIFEST, f"{Path(segment).stem}.1.del"}
    assert manifest(index_dir).deletions == {segment: f"{Path(segment).stem}.1.del"}
    assert not (corpus / "001_5b0c9ae72aa1523b.txt").exists()
    retriever = Retriever.from_settings(load_settings(config))
    assert [a.id for a in retriever.index.articles] == [
        "000_03c183abf8fbc849",
        "002_cf84cce25d965179",
    ]


def test_removes_and_adds_score_exactly_as_rank_bm25_over_live_passages(
    ready: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    config, _, index_dir = ready
    retriever = Retriever.from_settings(load_settings(config))
    fetch = load_settings(config).fetch
    retriever.add(expand([str(p) for p in stories(tmp_path / "a", range(8))], fetch))
    steps = [
        ("remove", "000_03c183abf8fbc849"),  # the first article: its terms first appeared there
        ("remove", "s02"),
        ("add", "b"),
        ("remove", "s09"),
        ("remove", "s01"),
        ("add", "c"),
    ]
    numbers = iter([range(8, 12), range(12, 14)])
    for action, what in steps:
        if action == "remove":
            retriever.remove(what)
        else:
            paths = stories(tmp_path / what, next(numbers))
            assert len(retriever.add(expand([str(p) for p in paths], fetch)).added) == len(paths)
        assert_rank_bm25_over_live(retriever)
    assert manifest(index_dir).deletions
    assert_same_as_rebuilt(retriever, config, tmp_path / "fresh")


def test_a_removed_article_can_be_added_back(
    ready: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    config, corpus, index_dir = ready
    kept = tmp_path / "kept.txt"
    kept.write_bytes((corpus / "002_cf84cce25d965179.txt").read_bytes())
    retriever = Retriever.from_settings(load_settings(config))
    segments = manifest(index_dir).segments
    removed = retriever.remove("002_cf84cce25d965179")
    assert removed.file == "002_cf84cce25d965179.txt" and removed.passages > 0
    assert manifest(index_dir).segments == segments  # in place: no segment rewritten
    assert "002_cf84cce25d965179" not in [info.source.id for info in retriever.articles()]
    report = retriever.add(expand([str(kept)], load_settings(config).fetch))
    assert [a.id for a in report.added] == ["kept"] and report.refused == []
    assert_rank_bm25_over_live(retriever)
    assert_same_as_rebuilt(retriever, config, tmp_path / "fresh")


def test_removed_passages_are_in_no_answer_or_source(
    ready: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    config, corpus, _ = ready
    text = (corpus / "001_5b0c9ae72aa1523b.txt").read_text(encoding="utf-8")
    # A wire copy: the same passages under another id, so every excerpt has two sources.
    copy = tmp_path / "wire.txt"
    copy.write_text(text.replace("Ford", "Ford", 1) + "\n\nA wire note.\n", encoding="utf-8")
    retriever = Retriever.from_settings(load_settings(config))
    assert retriever.add(expand([str(copy)], load_settings(config).fetch)).added
    question = "Who urged Ford to take a leave?"
    ids = {s.id for r in retriever.ask(question, top_k=10).results for s in r.sources}
    assert "001_5b0c9ae72aa1523b" in ids
    retriever.remove("001_5b0c9ae72aa1523b")
    for reader in (retriever, Retriever.from_settings(load_settings(config))):
        # Its passages are still in the segment, marked deleted, and yet nowhere to be seen.
        assert "001_5b0c9ae72aa1523b" in {a["id"] for a in reader.index.segments[0].articles}
        answer = reader.ask(question, top_k=10)
        assert answer.results
        assert "001_5b0c9ae72aa1523b" not in {s.id for r in answer.results for s in r.sources}
        assert "001_5b0c9ae72aa1523b" not in {i.source.id for i in reader.articles()}
    assert not any("5b0c9ae72aa1523b" in p.name for p in corpus.iterdir())


def test_a_merge_drops_removed_articles_and_a_merged_segment_takes_removals(
    ready: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    config, _, index_dir = ready
    retriever = Retriever.from_settings(load_settings(config))
    fetch = load_settings(config).fetch
    for batch in range(10):
        paths = stories(tmp_path / f"b{batch}", range(3 * batch, 3 * batch + 3))
        retriever.add(expand([str(p) for p in paths], fetch))
        if batch == 0:
            retriever.remove("s01")
            first = manifest(index_dir).segments[1]
            assert first in manifest(index_dir).deletions
            assert_rank_bm25_over_live(retriever)
    # The tenth add merged the ten trailing segments: the removed article is gone for good.
    saved = manifest(index_dir)
    assert len(saved.segments) == 2 and saved.deletions == {}
    assert sorted(p.name for p in index_dir.glob("seg-*")) == sorted(saved.segments)
    merged = retriever.index.segments[1]
    assert merged.article_count == 29 and "s01" not in {a["id"] for a in merged.articles}
    retriever.remove("s05")
    assert saved.segments[1] in manifest(index_dir).deletions
    assert_rank_bm25_over_live(retriever)
    assert_same_as_rebuilt(retriever, config, tmp_path / "fresh")


def test_a_segment_mostly_removed_is_rewritten_without_them(
    ready: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    config, _, index_dir = ready
    retriever = Retriever.from_settings(load_settings(config))
    fetch = load_settings(config).fetch
    retriever.add(expand([str(p) for p in stories(tmp_path / "a", range(4))], fetch))
    for article_id in ("s00", "s01"):
        retriever.remove(article_id)
    saved = manifest(index_dir)
    assert saved.deletions == {}
    assert [s.article_count for s in retriever.index.segments] == [3, 2]
    assert not list(index_dir.glob("*.del"))
    assert_rank_bm25_over_live(retriever)
    assert_same_as_rebuilt(retriever, config, tmp_path / "fresh")


def test_a_deletion_file_a_killed_remove_left_unnamed_goes_at_the_next_remove(
    ready: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    config, _, index_dir = ready
    retriever = Retriever.from_settings(load_settings(config))
    retriever.add(
        expand([str(p) for p in stories(tmp_path / "a", range(6))], load_settings(config).fetch)
    )
    segment = Path(manifest(index_dir).segments[1]).stem
    (index_dir / f"{segment}.7.del").write_text("{}", encoding="utf-8")  # never named
    retriever.remove("s02")
    assert [p.name for p in index_dir.glob("*.del")] == [f"{segment}.1.del"]
    assert manifest(index_dir).deletions == {f"{segment}.seg": f"{segment}.1.del"}


def test_a_damaged_deletion_file_means_a_rebuild_without_the_article(
    ready: tuple[Path, Path, Path], caplog: pytest.LogCaptureFixture
) -> None:
    config, _, index_dir = ready
    assert main(["remove", "001_5b0c9ae72aa1523b", "--config", str(config)]) == 0
    (deletions,) = index_dir.glob("*.del")
    deletions.write_text(deletions.read_text().replace('"articles": [1]', '"articles": [0]'))
    retriever = Retriever.from_settings(load_settings(config))
    assert "checksum" in caplog.text and "rebuilding" in caplog.text
    assert [a.id[:3] for a in retriever.index.articles] == ["000", "002"]


def test_a_reader_in_another_process_sees_the_removal_at_its_next_question(
    ready: tuple[Path, Path, Path],
) -> None:
    config = ready[0]
    command = ["ask", "-", "--json", "--top-k", "10", "--log", "info", "--config", str(config)]
    reader = subprocess.Popen(
        [sys.executable, "-m", "retrieval.cli", *command],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
    )
    assert reader.stdin is not None and reader.stdout is not None

    def sources() -> set[str]:
        assert reader.stdin is not None and reader.stdout is not None
        reader.stdin.write("Who urged Ford to take a leave?\n")
        reader.stdin.flush()
        answer = json.loads(reader.stdout.readline())
        return {s["id"] for r in answer["results"] for s in r["sources"]}

    try:
        assert "001_5b0c9ae72aa1523b" in sources()
        assert main(["remove", "001_5b0c9ae72aa1523b", "--config", str(config)]) == 0
        after = sources()
        assert after and "001_5b0c9ae72aa1523b" not in after
    finally:
        reader.stdin.close()
        assert reader.wait(timeout=60) == 0
    # It read the deletion file, not the whole index again.
    assert reader.stderr is not None and "reloaded the index" not in reader.stderr.read()


def test_two_removes_at_once_both_land_in_one_deletion_file(
    ready: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    config, corpus, index_dir = ready
    retriever = Retriever.from_settings(load_settings(config))
    paths = stories(tmp_path / "a", range(6))
    retriever.add(expand([str(p) for p in paths], load_settings(config).fetch))
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    removes = [
        subprocess.Popen(
            [sys.executable, "-m", "retrieval.cli", "remove", article, "--config", str(config)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        for article in ("s01", "s03")
    ]
    assert [process.wait(timeout=60) for process in removes] == [0, 0]
    saved = manifest(index_dir)
    segment = saved.segments[1]
    listed = json.loads((index_dir / saved.deletions[segment]).read_text(encoding="utf-8"))
    assert sorted(listed["ids"]) == ["s01", "s03"]
    assert len(list(index_dir.glob("*.del"))) == 1
    assert not list(corpus.glob("*_s01.md")) and not list(corpus.glob("*_s03.md"))
    retriever.refresh()
    assert [a.id for a in retriever.index.articles][3:] == ["s00", "s02", "s04", "s05"]
    assert_rank_bm25_over_live(retriever)
