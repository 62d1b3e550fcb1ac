"""Following feeds: each update fetches the feeds that are due and takes in their new
entries that are about the story, through the normal add path.

An entry's page is fetched and extracted as `storybot add URL` does (the same safety
and limits); it is left out when the corpus already has its address or its text, or
when its relevance to the corpus (``relevance``) is under ``feeds.min_relevance``; every
entry left out is reported with why. Requests are conditional (a 304 means nothing
new); a feed that fails is retried after a delay that doubles with each failure in a
row. The feeds' state is kept by a ledger (``retrieval.state.feeds.FeedStore``), which
this room may not import: it is given one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from typing import Generic, Protocol, TypeVar

from retrieval.errors import ArticleError, FeedError
from retrieval.index.corpus_index import CorpusIndex
from retrieval.intake.download import Validators
from retrieval.intake.feeds import FeedItem, fetch_feed
from retrieval.intake.ingest import AddReport
from retrieval.intake.relevance import Relevance
from retrieval.settings import FeedSettings, FetchSettings
from retrieval.text.article import Article, Source, checked

log = logging.getLogger(__name__)

# An entry whose page could not be fetched or read is tried again at this many updates.
MAX_ATTEMPTS = 3
# The longest wait before a failing feed is tried again.
MAX_BACKOFF = timedelta(days=1)
# Outcomes of an entry: stored, and shown in the report.
ADDED, ALREADY, OFF_TOPIC, REFUSED, LATER = "added", "already", "off-topic", "refused", "later"


class FeedState(Protocol):
    """What the follower reads of a stored feed."""

    @property
    def url(self) -> str: ...
    @property
    def etag(self) -> str | None: ...
    @property
    def last_modified(self) -> str | None: ...
    @property
    def failures(self) -> int: ...
    @property
    def next_fetch(self) -> str | None: ...


R = TypeVar("R", bound=FeedState)


class FeedLedger(Protocol[R]):
    """Where the followed feeds are kept (the state database's FeedStore)."""

    def follow(self, url: str, title: str | None, now: str) -> bool: ...
    def unfollow(self, url: str) -> bool: ...
    def get(self, url: str) -> R | None: ...
    def all(self) -> list[R]: ...
    def outcomes(self, url: str, keys: Sequence[str]) -> dict[str, tuple[str, int]]: ...
    def record(
        self,
        url: str,
        *,
        fetched_at: str,
        status: str,
        error: str | None = ...,
        etag: str | None = ...,
        last_modified: str | None = ...,
        failures: int = ...,
        next_fetch: str | None = ...,
        title: str | None = ...,
        added: int = ...,
        items: Iterable[tuple[str, str, int]] = ...,
    ) -> bool: ...
    def close(self) -> None: ...


class Corpus(Protocol):
    """What the follower adds to: the Retriever."""

    @property
    def index(self) -> CorpusIndex: ...
    def refresh(self) -> bool: ...
    def add(self, items: Iterable[Article | ArticleError]) -> AddReport: ...


@dataclass(frozen=True)
class ItemReport:
    """One entry an update looked at, what became of it and why."""

    link: str | None
    title: str | None
    outcome: str  # added, already, off-topic, refused, later
    reason: str | None = None
    relevance: float | None = None
    article: Source | None = None  # the article added (or the corpus's copy's id)


@dataclass
class FeedUpdate:
    """One feed's update: its status (ok, not modified, error, not due) and its entries."""

    url: str
    status: str
    title: str | None = None
    error: str | None = None
    next_fetch: str | None = None
    items: list[ItemReport] = field(default_factory=list)

    def of(self, outcome: str) -> list[ItemReport]:
        return [item for item in self.items if item.outcome == outcome]


@dataclass(frozen=True)
class Followed:
    """A feed just followed (``new``: it was not followed before)."""

    url: str
    title: str | None
    items: int
    new: bool


class FeedFollower(Generic[R]):
    """Follows feeds for a corpus: follow, unfollow, list and update them."""

    def __init__(
        self,
        ledger: FeedLedger[R],
        corpus: Corpus,
        settings: FeedSettings,
        fetch: FetchSettings,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.ledger = ledger
        self.corpus = corpus
        self.settings = settings
        self.fetch = fetch
        self.clock = clock or (lambda: datetime.now(timezone.utc))

    def follow(self, url: str) -> Followed:
        """Follow a feed once it is fetched and read as one (FeedError if it is not).

        A web page that names its feed stands for it: the feed is followed.
        """
        found = fetch_feed(url.strip(), self.fetch, discover=True)
        new = self.ledger.follow(found.url, found.title, _stamp(self.clock()))
        return Followed(found.url, found.title, len(found.items), new)

    def unfollow(self, url: str) -> None:
        """Stop following a feed; FeedError if it is not followed."""
        if not self.ledger.unfollow(url.strip()):
            raise FeedError(f"{url.strip()}: not a followed feed (storybot feeds lists them)")

    def close(self) -> None:
        """Close the ledger (the state database)."""
        self.ledger.close()

    def feeds(self) -> list[R]:
        """The followed feeds, with their last fetch, status and articles taken."""
        return self.ledger.all()

    def update_feeds(self, force: bool = False) -> list[FeedUpdate]:
        """Fetch each feed that is due (every one with ``force``) and take in what is new."""
        return [self.update_feed(feed, force) for feed in self.ledger.all()]

    def update_feed(self, feed: FeedState, force: bool = False) -> FeedUpdate:
        now = self.clock()
        if not force and feed.next_fetch and feed.next_fetch > _stamp(now):
            return FeedUpdate(feed.url, "not due", next_fetch=feed.next_fetch)
        validators = Validators(feed.etag, feed.last_modified)
        try:
            found = fetch_feed(feed.url, self.fetch, validators)
        except FeedError as exc:
            return self._failed(feed, now, str(exc))
        if found.not_modified:
            v = found.validators
            self.ledger.record(
                feed.url, fetched_at=_stamp(now), status="not modified",
                etag=v.etag, last_modified=v.last_modified,
            )  # fmt: skip
            return FeedUpdate(feed.url, "not modified")
        update = FeedUpdate(feed.url, "ok", found.title)
        settled = self._take(feed.url, found.items, update)
        v = found.validators
        stored = self.ledger.record(
            feed.url, fetched_at=_stamp(now), status="ok", etag=v.etag,
            last_modified=v.last_modified, title=found.title,
            added=len(update.of(ADDED)), items=settled,
        )  # fmt: skip
        if not stored:
            log.info("%s was unfollowed during its update", feed.url)
        return update

    def _failed(self, feed: FeedState, now: datetime, error: str) -> FeedUpdate:
        failures = feed.failures + 1
        wait = timedelta(minutes=self.settings.interval_minutes) * 2 ** (failures - 1)
        next_fetch = _stamp(now + min(wait, MAX_BACKOFF))
        self.ledger.record(
            feed.url, fetched_at=_stamp(now), status="error", error=error,
            etag=feed.etag, last_modified=feed.last_modified, failures=failures,
            next_fetch=next_fetch,
        )  # fmt: skip
        log.info("feed %s failed (%d in a row): %s", feed.url, failures, error)
        return FeedUpdate(feed.url, "error", error=error, next_fetch=next_fetch)

    def _take(
        self, url: str, items: list[FeedItem], update: FeedUpdate
    ) -> list[tuple[str, str, int]]:
        """Take in a feed's new entries; (key, outcome, attempts) of those dealt with."""
        unique = list({item.key: item for item in reversed(items)}.values())[::-1]
        known = self.ledger.outcomes(url, [item.key for item in unique])
        fresh = [item for item in unique if _open(known.get(item.key))]
        cap = self.settings.max_items_per_update
        taken, later = _newest(fresh, cap)
        for item in later:
            why = f"left for the next update (over feeds.max_items_per_update, {cap})"
            update.items.append(ItemReport(item.link, item.title, LATER, why))
        self.corpus.refresh()
        batch = _Batch(self.corpus.index)
        settled: list[tuple[str, str, int]] = []
        for item in reversed(taken):  # oldest first: added in the order they were published
            attempts = known.get(item.key, ("", 0))[1] + 1
            report = batch.judge(item, self.fetch, self.settings.min_relevance)
            if report is not None:
                update.items.append(report)
                settled.append((item.key, report.outcome, attempts))
        for item, report in batch.add(self.corpus):
            update.items.append(report)
            settled.append((item.key, report.outcome, 1))
        return settled


class _Batch:
    """The entries of one feed update on their way in, checked against one index."""

    def __init__(self, index: CorpusIndex) -> None:
        self.relevance = Relevance(index)
        self.urls = {_source.url: _source.id for _source in _sources(index) if _source.url}
        self.pending: list[tuple[FeedItem, Article, float | None]] = []

    def judge(self, item: FeedItem, fetch: FetchSettings, floor: float) -> ItemReport | None:
        """Why the entry is left out (its report), or None once it is pending addition."""
        if item.link is None:
            return ItemReport(None, item.title, REFUSED, "the entry has no link")
        if item.link in self.urls:
            return _already(item, self.urls[item.link])
        # On use: HTML extraction loads trafilatura and lxml, which most commands never need.
        from retrieval.intake.fetch import fetch_article

        try:
            article = checked(_with_feed_metadata(fetch_article(item.link, fetch), item))
        except ArticleError as exc:
            return ItemReport(item.link, item.title, REFUSED, str(exc))
        if article.url in self.urls:
            return _already(item, self.urls[article.url])
        score = self.relevance.of(article.text)
        if score is not None and score < floor:
            why = f"off-topic: relevance {score:.2f}, under feeds.min_relevance {floor:g}"
            return ItemReport(item.link, item.title, OFF_TOPIC, why, score)
        self.pending.append((item, article, score))
        if article.url:
            self.urls[article.url] = article.id
        return None

    def add(self, corpus: Corpus) -> list[tuple[FeedItem, ItemReport]]:
        """Add the pending articles in one batch (lock, copy check, index update)."""
        if not self.pending:
            return []
        report = corpus.add(article for _, article, _ in self.pending)
        added = {a.id for a in report.added}
        already = {a.input: a.id for a in report.already}
        results = []
        for item, article, score in self.pending:
            title = article.title or item.title
            if article.id in added:
                result = ItemReport(item.link, title, ADDED, None, score, Source.of(article))
            elif article.where in already:
                result = _already(item, already[article.where], "the same text")
            else:
                why = next((r for r in report.refused if article.where in r), "not added")
                result = ItemReport(item.link, title, REFUSED, why, score)
            results.append((item, result))
        return results


def _already(item: FeedItem, article_id: str, what: str = "the same address") -> ItemReport:
    why = f"already in the corpus ({what}, as {article_id})"
    return ItemReport(item.link, item.title, ALREADY, why)


def _sources(index: CorpusIndex) -> Iterable[Source]:
    return (index.source_at(n) for n in index.live_articles())


def _with_feed_metadata(article: Article, item: FeedItem) -> Article:
    """The feed's title and date where the page gives none (the publisher's own words)."""
    return replace(
        article,
        title=article.title or item.title,
        published=article.published or item.published,
    )


def _open(known: tuple[str, int] | None) -> bool:
    """Whether an entry is still to be dealt with: new, or refused fewer than MAX times."""
    return known is None or (known[0] == REFUSED and known[1] < MAX_ATTEMPTS)


def _newest(items: list[FeedItem], cap: int) -> tuple[list[FeedItem], list[FeedItem]]:
    """The ``cap`` newest entries (by date when every entry has one, else feed order)."""
    if all(item.published for item in items):
        items = sorted(items, key=lambda item: item.published or "", reverse=True)
    return items[:cap], items[cap:]


def _stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")
