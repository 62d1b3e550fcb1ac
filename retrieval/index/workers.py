"""Analysing many articles at once, in worker processes when there are cores to spare.

Only bulk work (a rebuild, an add of thousands of articles) starts processes;
a small add is analysed in the caller's process. Results come back in the
order the articles were given, so the index is the same either way.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor

from retrieval.index.segment import Analyzed, analyze
from retrieval.text.analysis import Analyzer
from retrieval.text.article import Article

# Fewer articles than this are not worth a process's start-up.
PARALLEL_MIN = 200
_CHUNK = 50
_PARENT_CHECK_SECONDS = 1.0

_worker_analyzer: Analyzer | None = None

Job = Sequence[tuple[str | None, Article]]


def cpu_workers(setting: int) -> int:
    """The number of processes to use: the setting, or one per available core when it is 0."""
    if setting > 0:
        return setting
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class Pending:
    """Articles being analysed: call it for the results (waiting for them, or, in this
    process, doing the work); ``ready`` says whether that can start without waiting."""

    def __init__(
        self,
        results: Callable[[], list[Analyzed]],
        futures: Sequence[Future[list[Analyzed]]] = (),
    ) -> None:
        self._results = results
        self._futures = futures

    def ready(self) -> bool:
        return all(future.done() for future in self._futures)

    def __call__(self) -> list[Analyzed]:
        return self._results()


class Analysis:
    """Articles handed out for analysis; ``submit`` returns a way to wait for the results."""

    def __init__(self, analyzer: Analyzer, workers: int) -> None:
        self.analyzer = analyzer
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

    def submit(self, articles: Job, as_stored: bool = False) -> Pending:
        """Start analysing (see ``segment.analyze`` for ``as_stored``)."""
        if self.workers <= 1 or len(articles) < PARALLEL_MIN:
            return Pending(lambda: [analyze(a, self.analyzer, f, as_stored) for f, a in articles])
        pool = self._start()
        futures: list[Future[list[Analyzed]]] = [
            pool.submit(_analyze_chunk, articles[i : i + _CHUNK], as_stored)
            for i in range(0, len(articles), _CHUNK)
        ]
        return Pending(lambda: [a for future in futures for a in future.result()], futures)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def __enter__(self) -> Analysis:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _start(self) -> ProcessPoolExecutor:
        if self._pool is None:
            a = self.analyzer
            self._pool = ProcessPoolExecutor(
                self.workers,
                mp_context=multiprocessing.get_context(_start_method()),
                initializer=_start_worker,
                initargs=(a.stemmer_name, a.use_stopwords, os.getpid()),
            )
        return self._pool


def analyze_all(
    items: Iterable[tuple[str | None, Article]],
    analyzer: Analyzer,
    workers: int,
    done: Callable[[int], None] | None = None,
) -> list[Analyzed]:
    """Articles analysed in the order given; ``done`` hears the count after each chunk.

    Articles are handed to the workers in chunks as they are read, so reading
    them and analysing them overlap.
    """
    analyzed: list[Analyzed] = []

    def collect(pending: Pending) -> None:
        before = len(analyzed)
        analyzed.extend(pending())
        if done is not None and len(analyzed) > before:
            done(len(analyzed))

    chunk: list[tuple[str | None, Article]] = []
    with Analysis(analyzer, workers) as analysis:
        waiting: deque[Pending] = deque()
        for item in items:
            chunk.append(item)
            if len(chunk) >= PARALLEL_MIN:
                waiting.append(analysis.submit(chunk))
                chunk = []
                while waiting and waiting[0].ready():
                    collect(waiting.popleft())
        waiting.append(analysis.submit(chunk))
        while waiting:
            collect(waiting.popleft())
    return analyzed


def _start_method() -> str:
    """Fork when this process runs one thread (the command line), else spawn.

    A forked worker needs no start-up and never re-runs the caller's script
    (spawn re-imports it, which a script without a ``__main__`` guard does not
    survive); but forking a process with other threads running (the bot) can
    copy a lock some thread holds, so then the workers are spawned. Either
    way they are this process's own children.
    """
    methods = multiprocessing.get_all_start_methods()
    if threading.active_count() == 1 and "fork" in methods:
        return "fork"
    return "spawn"


def _start_worker(stemmer: str | None, stopwords: bool, parent: int) -> None:
    global _worker_analyzer
    _worker_analyzer = Analyzer(stemmer, stopwords)
    threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()


def _exit_with(parent: int) -> None:
    """End this worker when the process that started it is gone (killed, say).

    A worker whose parent was killed would otherwise wait forever to hand over
    a result nobody reads.
    """
    while True:
        time.sleep(_PARENT_CHECK_SECONDS)
        if os.getppid() != parent:
            os._exit(1)


def _analyze_chunk(articles: Job, as_stored: bool) -> list[Analyzed]:
    assert _worker_analyzer is not None
    return [analyze(article, _worker_analyzer, file, as_stored) for file, article in articles]
