"""How feed entries' relevance to a story separates articles on it from the rest.

The story is a folder of articles (the seeds, say). Each of its articles is scored
against the others (leave one out: an article on the story that the corpus lacks),
and the first --articles articles of a JSONL(.gz) news corpus against the whole story
(articles on other things, mostly). Then the same news articles against the story with
--background more news articles added to it (from further down the file), to see how the
figures move when the corpus is larger. Prints the scores' quantiles and the share of
each set at or over some thresholds (``feeds.min_relevance``).
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from retrieval import Retriever, expand, load_settings
from retrieval.intake.relevance import Relevance
from retrieval.storage.corpus import read_article_file

THRESHOLDS = (0.4, 0.5, 0.6, 0.7)


def news(path: Path, skip: int, count: int) -> Iterator[dict[str, str]]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as lines:
        for number, line in enumerate(lines):
            if number >= skip + count:
                return
            if number >= skip:
                yield json.loads(line)


def retriever(folder: Path, story: list[Path], extra: Path | None) -> Retriever:
    (folder / "corpus").mkdir(parents=True)
    for file in story:
        shutil.copy(file, folder / "corpus" / file.name)
    settings = load_settings().with_paths(corpus=folder / "corpus", index=folder / "index")
    found = Retriever.from_settings(settings, allow_empty=True)
    if extra is not None:
        found.add(expand([str(extra)], settings.fetch))
    return found


def summary(name: str, scores: list[float]) -> str:
    ranked = sorted(scores)

    def at(share: float) -> float:
        return ranked[min(len(ranked) - 1, int(share * len(ranked)))]

    over = ", ".join(
        f">= {t:g}: {sum(s >= t for s in scores) / len(scores):.0%}" for t in THRESHOLDS
    )
    return (
        f"{name} ({len(scores)}): median {at(0.5):.2f}, p90 {at(0.9):.2f}, "
        f"max {ranked[-1]:.2f}; {over}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--story", type=Path, required=True, help="folder of the story's articles")
    parser.add_argument("--corpus", type=Path, required=True, help="a JSONL(.gz) news corpus")
    parser.add_argument("--articles", type=int, default=600, help="news articles scored")
    parser.add_argument("--background", type=int, default=3000, help="news articles added")
    args = parser.parse_args()
    story = sorted(p for p in args.story.iterdir() if p.suffix in (".txt", ".md"))
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        own = []
        for number, left in enumerate(story):
            others = [p for p in story if p != left]
            judge = Relevance(retriever(root / f"loo{number}", others, None).index)
            own.append(judge.of(read_article_file(left).text) or 0.0)
        print("story articles against the others: " + ", ".join(map(_two, own)))
        texts = [a["text"] for a in news(args.corpus, 0, args.articles)]
        judge = Relevance(retriever(root / "story", story, None).index)
        print(summary("news against the story", [judge.of(t) or 0.0 for t in texts]))
        extra = root / "background.jsonl"
        with extra.open("w", encoding="utf-8") as out:
            for article in news(args.corpus, args.articles, args.background):
                out.write(json.dumps(article) + "\n")
        big = retriever(root / "big", story, extra)
        judge = Relevance(big.index)
        label = f"news against the story and {big.index.article_count - len(story)} more"
        print(summary(label, [judge.of(t) or 0.0 for t in texts]))
        loo = []
        for left in story:
            article = read_article_file(left)
            big.remove(article.id)  # in place: the story's other articles and the news stay
            loo.append(Relevance(big.index).of(article.text) or 0.0)
            big.add(expand([str(left)], load_settings().fetch))
        print("story articles against the others and the news: " + ", ".join(map(_two, loo)))


def _two(score: float) -> str:
    return f"{score:.2f}"


if __name__ == "__main__":
    main()
