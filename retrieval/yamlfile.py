"""Reading YAML safely, with errors that name the file and the line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from retrieval.errors import StorybotError

_MERGE_TAG = "tag:yaml.org,2002:merge"


class ContentError(yaml.constructor.ConstructorError):
    """Well-formed YAML whose content is refused: a key given twice, an impossible date."""

    def __init__(self, what: str, mark: yaml.Mark | None) -> None:
        super().__init__(problem=what, problem_mark=mark)
        self.what = what


def where_in_yaml(exc: yaml.YAMLError, first_line: int = 1) -> str:
    """ " at line N" for a YAML error that knows its position, else ""."""
    mark = getattr(exc, "problem_mark", None)
    return f" at line {mark.line + first_line}" if mark is not None else ""


def yaml_problem(exc: yaml.YAMLError, what: str, first_line: int = 1) -> str:
    """What is wrong, where: "duplicate key 'x' at line 3", else "<what> at line 3"."""
    if isinstance(exc, ContentError):
        return f"{exc.what}{where_in_yaml(exc, first_line)}"
    return f"{what}{where_in_yaml(exc, first_line)}"


class _Strict:
    """A constructor mixin that refuses a key given twice in one mapping."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == _MERGE_TAG:
                continue  # "<<: *base" merges in keys that may be overridden on purpose
            key = self.construct_object(key_node, deep=True)  # type: ignore[attr-defined]
            try:
                duplicate = key in seen
            except TypeError:
                continue  # an unhashable key: SafeConstructor reports it itself
            if duplicate:
                raise ContentError(f"duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep)  # type: ignore[misc, no-any-return]


class _PySafeLoader(_Strict, yaml.SafeLoader):
    """The pure-Python safe loader, refusing duplicate keys."""


_CBase: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _FastSafeLoader(_Strict, _CBase):  # type: ignore[valid-type, misc]
    """libyaml's parser where PyYAML was built with it: same documents, far faster."""


def _timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    """A date or time; 2013-02-30 has the form of a date but is none."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        raise ContentError(f"invalid date {node.value!r}", node.start_mark) from None


for _loader in (_PySafeLoader, _FastSafeLoader):
    _loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)

SafeLoader: type[yaml.SafeLoader] = _FastSafeLoader
SafeDumper: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def load(text: str) -> Any:
    """Safely parse YAML text (no tags that construct objects, no key given twice)."""
    loader = SafeLoader(text)
    try:
        return loader.get_single_data()
    except ContentError:
        raise
    except yaml.YAMLError:
        # The pure-Python parser says where the problem is the way users read it.
        return yaml.load(text, Loader=_PySafeLoader)
    finally:
        loader.dispose()


def dump(data: Any) -> str:
    """YAML text for plain data, keys in the given order, Unicode kept."""
    return yaml.dump(data, Dumper=SafeDumper, allow_unicode=True, sort_keys=False, width=1000)


def read_yaml(path: Path, error: type[StorybotError], what: str = "file") -> Any:
    """The parsed content of a YAML file; any failure raises ``error`` naming the file."""
    try:
        return load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise error(f"{path}: {what} not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{path}: cannot read {what} ({exc})") from None
    except yaml.YAMLError as exc:
        raise error(f"{path}: {yaml_problem(exc, 'invalid YAML')}") from None
