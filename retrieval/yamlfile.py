"""Reading YAML safely, with errors that name the file and the line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from retrieval.errors import StorybotError


def where_in_yaml(exc: yaml.YAMLError, first_line: int = 1) -> str:
    """ " at line N" for a YAML error that knows its position, else ""."""
    mark = getattr(exc, "problem_mark", None)
    return f" at line {mark.line + first_line}" if mark is not None else ""


# libyaml's parser and emitter where PyYAML was built with them: same documents, far faster.
SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
SafeDumper: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def load(text: str) -> Any:
    """Safely parse YAML text (no tags that construct objects)."""
    loader = SafeLoader(text)
    try:
        return loader.get_single_data()
    except yaml.YAMLError:
        # The pure-Python parser says where the problem is the way users read it.
        return yaml.safe_load(text)
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
        raise error(f"{path}: invalid YAML{where_in_yaml(exc)}") from None
