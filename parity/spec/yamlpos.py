"""Load YAML while remembering where every key and value came from.

Validation errors must point at ``file:line:column``; ruamel.yaml's round-trip loader records
positions on every mapping and sequence, and refuses duplicate keys, which PyYAML silently merges.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError

from parity.errors import SpecError
from parity.yamlguard import MAX_ALIAS_NODES, AliasLimitError, guarded_yaml


@dataclass(frozen=True)
class Located:
    """A parsed document plus a lookup from key paths to 1-based (line, column)."""

    data: Any
    path: Path

    def position(self, loc: tuple[Any, ...]) -> tuple[int, int]:
        """Best position for a key path: the deepest node that exists in the document."""
        node: Any = self.data
        line, col = 1, 1
        for part in loc:
            if isinstance(node, CommentedMap) and part in node:
                kl, kc = node.lc.key(part)
                line, col = kl + 1, kc + 1
                node = node[part]
            elif isinstance(node, CommentedSeq) and isinstance(part, int) and part < len(node):
                il, ic = node.lc.item(part)
                line, col = il + 1, ic + 1
                node = node[part]
            else:
                break
        return line, col

    def where(self, loc: tuple[Any, ...]) -> str:
        line, col = self.position(loc)
        return f"{self.path}:{line}:{col}"


def load_yaml(path: Path, text: str | None = None) -> Located:
    """Parse ``path`` (or ``text`` named as ``path``); YAML errors become :class:`SpecError`."""
    if text is None:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise SpecError(
                [f"{path}: no such file"],
                hint="Pass the spec's path, or run in a folder that has a parity.yaml.",
            ) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise SpecError([f"{path}: cannot read: {exc}"]) from None
    yaml = guarded_yaml("rt")
    yaml.allow_duplicate_keys = False
    try:
        data = yaml.load(text)
    except AliasLimitError as exc:
        mark = exc.problem_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise SpecError(
            [f"{where}: {exc.problem}"],
            hint=f"parity refuses YAML whose aliases (*name) repeat more than {MAX_ALIAS_NODES:,} "
                 "nodes or refer to themselves; write the repeated values out, or use fewer "
                 "nested aliases.") from None
    except DuplicateKeyError as exc:
        mark = exc.problem_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        problem = _first_line(exc.problem)
        raise SpecError([f"{where}: {problem}; each key may appear once"]) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        problem = exc.problem or exc.context or "invalid YAML"
        raise SpecError([f"{where}: invalid YAML: {_first_line(problem)}"]) from None
    except Exception as exc:  # ruamel raises a few unmarked errors (e.g. bad tokens)
        raise SpecError([f"{path}: invalid YAML: {_first_line(str(exc))}"]) from None
    return Located(data, path)


def scalar_source(value: Any) -> str:
    """How a scalar was written in the YAML text, as far as ruamel remembers (it keeps a float's
    digits: ``3.10`` loads as 3.1 but dumps back as ``3.10``), for values read as numbers."""
    if isinstance(value, float):
        out = io.StringIO()
        YAML(typ="rt").dump(value, out)
        return out.getvalue().split("\n", 1)[0]
    return str(value)


def _first_line(text: str | None) -> str:
    return (text or "").strip().splitlines()[0] if text else "invalid YAML"


def plain(node: Any) -> Any:
    """Convert ruamel's commented containers into plain dicts and lists."""
    if isinstance(node, dict):
        return {str(k) if not isinstance(k, (int, float)) else k: plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    return node
