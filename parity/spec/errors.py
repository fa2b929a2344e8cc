"""Turn pydantic's validation errors into ``file:line:column: key.path: what is expected`` lines.

Keys and values are quoted raw (:func:`~parity.textsafe.quoted`, not ``repr``): the CLI
sanitises the whole message once when it prints it, so an ``\\e[2J`` key shows as ``\\x1b[2J``.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from parity.spec.model import ONE_LINE_PATTERN as _ONE_LINE
from parity.spec.model import SURROGATE_FIX
from parity.textsafe import quoted

if TYPE_CHECKING:
    from parity.spec.yamlpos import Located


def format_errors(exc: ValidationError, located: Located, model: type[BaseModel]) -> list[str]:
    """One line per problem, deduplicated, in document order."""
    problems: list[tuple[tuple[int, int], str]] = []
    seen: set[str] = set()
    for err in _relevant(exc):
        loc = _clean_loc(err["loc"])
        line = _message(err, loc, model)
        key = ".".join(map(str, loc)) or "(top level)"
        pos = located.position(loc)
        text = f"{located.path}:{pos[0]}:{pos[1]}: {key}: {line}"
        if text not in seen:
            seen.add(text)
            problems.append((pos, text))
    problems.sort(key=lambda p: p[0])
    return [text for _, text in problems]


_MAPPING_TYPES = frozenset({"model_type", "model_attributes_type", "dict_type"})


def explain(exc: ValidationError, model: type[BaseModel]) -> list[tuple[tuple[Any, ...], str]]:
    """Each problem as (key path, message), without positions: for data that has no file yet
    (``parity capture`` checks what it is about to write, item by item)."""
    out: list[tuple[tuple[Any, ...], str]] = []
    for err in _relevant(exc):
        loc = _clean_loc(err["loc"])
        item = (loc, _message(err, loc, model))
        if item not in out:
            out.append(item)
    return out


def _relevant(exc: ValidationError) -> list[Any]:
    """pydantic's errors minus the noise: a string that fails a union's text branch
    (env: OneLine | Secret) also fails its mapping branch, and "should be a valid dictionary,
    got str" says nothing the text error does not."""
    errors = exc.errors(include_url=False)
    texts = {_clean_loc(e["loc"]) for e in errors if isinstance(e.get("input"), str)
             and e["type"] not in _MAPPING_TYPES}
    return [e for e in errors if not (e["type"] in _MAPPING_TYPES
                                      and isinstance(e.get("input"), str)
                                      and _clean_loc(e["loc"]) in texts)]


def _clean_loc(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """Drop pydantic's union-branch and validator markers (``int``, ``function-after``…)."""
    out = []
    for part in loc:
        if isinstance(part, str) and (
            part in {"int", "str", "bool", "float", "Secret"}
            or part.startswith(("function-", "constrained-str", "literal[", "union["))
            or ("[" in part and part.endswith("]"))
        ):
            continue
        out.append(part)
    return tuple(out)


def _message(err: dict[str, Any], loc: tuple[Any, ...], model: type[BaseModel]) -> str:
    kind = err["type"]
    if kind == "extra_forbidden":
        known = _known_keys(model, loc[:-1])
        name = str(loc[-1]) if loc else ""
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint = f"; did you mean {quoted(close[0])}?" if close else ""
        allowed = f" (allowed: {', '.join(sorted(known))})" if known and not close else ""
        return f"unknown key {quoted(name)}{hint}{allowed}"
    if kind == "missing":
        return "required key is missing"
    if kind == "string_pattern_mismatch":
        if (err.get("ctx") or {}).get("pattern") == _ONE_LINE:
            # free text (a command word, a description, an env value, a host URL) reaches
            # shell, Dockerfile, Ruby and Nix text: a NUL cannot be carried there at all
            return (f"{quoted(err.get('input'))} is not allowed here: one line of printable "
                    "text, without control characters (NUL, newline, tab, escape)")
        return f"{quoted(err.get('input'))} is not allowed here: {_pattern_help(loc)}"
    if kind == "string_unicode":
        return ("the text holds a lone UTF-16 surrogate (a \\ud800-\\udfff escape), which is "
                f"not a character and cannot be written as UTF-8; {SURROGATE_FIX}")
    if kind == "literal_error":
        return f"expected {err['ctx']['expected']}, got {quoted(err.get('input'))}"
    msg = str(err.get("msg", "invalid value"))
    msg = msg.removeprefix("Value error, ")
    if kind in {"int_type", "int_parsing", "bool_type", "bool_parsing", "string_type",
                "dict_type", "list_type", "model_type", "model_attributes_type"}:
        return f"{msg}, got {type(err.get('input')).__name__} {quoted(err.get('input'))}"
    return msg


def _pattern_help(loc: tuple[Any, ...]) -> str:
    top = str(loc[0]) if loc else ""
    field = str(loc[-1]) if loc else ""
    if top == "name" or (top == "hosts" and len(loc) == 2) or field == "hostname":
        return "names use letters, digits, _ . - and start with a letter or digit (max 64)"
    if field == "name" and top == "repositories":
        return "repository names use letters, digits and . _ - only"
    if top in {"packages", "dev_packages"}:
        return ("package names use letters, digits and + . _ - only, optionally followed by "
                ":arch (zlib1g:i386)")
    if field in {"home", "shell", "workdir"}:
        return "paths are absolute, one line, without '..'"
    if top in {"users", "groups"} or field in {"owner", "group"}:
        return ("account names are letters, digits, _ . and -, not starting with -, at most 32, "
                "optionally ending in $; an owner or group may also be a numeric id")
    if field == "target":
        return "a link target is one line of printable text (relative or absolute)"
    if top == "env" and len(loc) == 1:
        return "env names are letters, digits and _"
    if top == "env":
        return "env values are one line of printable text"
    if top == "sysctl":
        return "sysctl keys are dotted lowercase names; values are plain words and numbers"
    if top == "files" or field in {"home", "shell", "target", "workdir"}:
        return "paths are absolute, one line, without '..'"
    if field in {"url"}:
        return "a http(s) URL without spaces or quotes"
    if top == "services":
        return "service names use letters, digits and @ . _ - only"
    if top == "ports":
        return "a port is a number, optionally followed by /tcp or /udp"
    return "unsupported characters"


def _known_keys(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Field names of the model that sits at ``loc`` (skipping dict keys and list indexes)."""
    current: Any = model
    for part in loc:
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        field = current.model_fields.get(str(part))
        if field is None:
            continue  # a dict key (package name, path...) or a list index
        current = _inner_model(field.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _inner_model(annotation: Any) -> Any:
    """The BaseModel inside ``X``, ``dict[str, X]``, ``list[X]`` or ``X | None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None
