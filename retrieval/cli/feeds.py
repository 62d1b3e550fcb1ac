"""`storybot follow`, `unfollow`, `feeds` and `feeds update`: feeds that grow the corpus."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from retrieval import FeedFollower, FeedRecord, FeedUpdate, ItemReport, open_feeds
from retrieval.cli.options import command, open_retriever, settings_from
from retrieval.cli.output import echo, echo_json, plural

if TYPE_CHECKING:
    from retrieval.cli.options import Subcommands


def add_parsers(commands: Subcommands) -> None:
    follow = command(
        commands,
        "follow",
        "follow an RSS or Atom feed: `feeds update` takes in its new articles on the story",
        """
          storybot follow https://example.com/news/city-hall.rss
          storybot follow https://example.com/atom.xml --json
        """,
    )
    follow.add_argument("url", metavar="URL", help="the feed's address (http or https)")
    follow.add_argument("--json", action="store_true", help="print {url, title, items, new}")
    follow.set_defaults(handler=cmd_follow)

    unfollow = command(
        commands,
        "unfollow",
        "stop following a feed (the articles taken from it stay)",
        """
          storybot unfollow https://example.com/news/city-hall.rss
          storybot unfollow https://example.com/atom.xml --config my-story.yaml
        """,
    )
    unfollow.add_argument("url", metavar="URL", help="the feed's address, as `feeds` lists it")
    unfollow.set_defaults(handler=cmd_unfollow)

    feeds = command(
        commands,
        "feeds",
        "list the followed feeds; `feeds update` fetches them now",
        """
          storybot feeds
          storybot feeds --json
          storybot feeds update --force
        """,
    )
    feeds.add_argument("--json", action="store_true", help="print a JSON list of the feeds")
    feeds.set_defaults(handler=cmd_feeds)
    actions = feeds.add_subparsers(title="actions", metavar="ACTION")
    update = command(
        actions,
        "update",
        "fetch each followed feed that is due and take in its new articles on the story",
        """
          storybot feeds update
          storybot feeds update --json
        """,
    )
    update.add_argument(
        "--force", action="store_true", help="fetch feeds that are backing off after errors too"
    )
    update.add_argument(
        "--json",
        action="store_true",
        help="print {feeds: [{url, status, error, next_fetch, items: [{link, outcome, "
        "reason, ...}]}], added}",
    )
    update.set_defaults(handler=cmd_update)


def _follower(args: argparse.Namespace) -> FeedFollower[FeedRecord]:
    return open_feeds(settings_from(args), open_retriever(args, allow_empty=True))


def cmd_follow(args: argparse.Namespace) -> int:
    followed = _follower(args).follow(args.url)
    if args.json:
        echo_json(asdict(followed))
        return 0
    title = f": {followed.title}" if followed.title else ""
    if followed.new:
        echo(
            f"following {followed.url}{title} ({plural(followed.items, 'entry', 'entries')}); "
            "`storybot feeds update` takes in its articles on the story"
        )
    else:
        echo(f"already following {followed.url}{title}")
    return 0


def cmd_unfollow(args: argparse.Namespace) -> int:
    _follower(args).unfollow(args.url)
    echo(f"unfollowed {args.url.strip()}")
    return 0


def cmd_feeds(args: argparse.Namespace) -> int:
    feeds = _follower(args).feeds()
    if args.json:
        echo_json([asdict(feed) for feed in feeds], indent=2)
        return 0
    for feed in feeds:
        echo(f"{feed.url}{f'  {feed.title}' if feed.title else ''}")
        fetched = f"last fetched {feed.last_fetch}" if feed.last_fetch else "not fetched yet"
        error = _without_url(feed.url, feed.error)
        status = f"error ({feed.failures} in a row): {error}" if feed.error else feed.status
        later = f"; next fetch after {feed.next_fetch}" if feed.next_fetch else ""
        taken = plural(feed.articles, "article")
        echo(f"  {status}; {fetched}{later}; {taken} taken")
    echo(plural(len(feeds), "feed") + " followed")
    return 0


def cmd_update(args: argparse.Namespace) -> int:
    updates = _follower(args).update_feeds(force=args.force)
    added = sum(len(u.of("added")) for u in updates)
    failed = [u for u in updates if u.status == "error"]
    if args.json:
        echo_json({"feeds": [_update_json(u) for u in updates], "added": added})
        return 1 if failed else 0
    for update in updates:
        _print_update(update)
    skipped = sum(len(u.items) - len(u.of("added")) for u in updates)
    echo(
        f"{plural(added, 'article')} added from {plural(len(updates), 'feed')}, "
        f"{skipped} skipped, {len(failed)} failed"
    )
    return 1 if failed else 0


def _print_update(update: FeedUpdate) -> None:
    if update.status == "error":
        error = _without_url(update.url, update.error)
        echo(f"{update.url}: error: {error} (next try after {update.next_fetch})")
        return
    if update.status == "not due":
        echo(f"{update.url}: not due (backing off after errors until {update.next_fetch})")
        return
    added = len(update.of("added"))
    echo(f"{update.url}: {update.status}, {added} added, {len(update.items) - added} skipped")
    for item in update.items:
        echo(f"  {_item_line(item)}")


def _without_url(url: str, error: str | None) -> str:
    """An error about a feed, without the feed's address the line already opens with."""
    text = error or ""
    return text[len(url) + 2 :] if text.startswith(f"{url}: ") else text


def _item_line(item: ItemReport) -> str:
    if item.outcome == "added" and item.article is not None:
        source = item.article
        about = ", ".join(v for v in (source.source, source.published) if v)
        title = f" “{item.title}”" if item.title else ""
        return f"added {source.id}{title}{f' ({about})' if about else ''} {item.link}"
    return f"skipped {item.link or item.title or 'an entry'}: {item.reason}"


def _update_json(update: FeedUpdate) -> dict[str, Any]:
    data = asdict(update)
    data["items"] = [
        {**asdict(item), "article": item.article.to_dict() if item.article else None}
        for item in update.items
    ]
    return data
