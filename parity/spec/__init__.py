"""Load and validate ``parity.yaml`` into a :class:`Spec`, the single source of truth.

Loading is all-or-nothing: every problem (YAML, schema, missing or escaping files, unknown distro)
is collected and raised together as one :class:`~parity.errors.SpecError`, so users fix a spec in
one pass rather than one error per run.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from parity.distros import DISTROS, Distro
from parity.errors import SpecError
from parity.fsutil import sha256_file
from parity.spec.errors import format_errors
from parity.spec.model import SPEC_VERSION, Secret, SpecModel
from parity.textsafe import quoted
from parity.versions import Constraint, parse_constraint

if TYPE_CHECKING:
    from parity.spec.yamlpos import Located

__all__ = ["SPEC_VERSION", "Port", "Spec", "json_schema", "load_spec", "load_spec_text"]

DEFAULT_SPEC = Path("parity.yaml")


@dataclass(frozen=True)
class Port:
    number: int
    protocol: str = "tcp"

    @property
    def key(self) -> str:
        """The facts key for this port: ``tcp/80``."""
        return f"{self.protocol}/{self.number}"


@dataclass(frozen=True)
class Spec:
    """A validated spec plus where it lives; everything downstream takes one of these."""

    model: SpecModel
    path: Path
    #: sha256 of each referenced file (sources, keys, provision scripts), by spec-relative path
    file_hashes: dict[str, str] = field(default_factory=dict)
    #: the model's canonical JSON (:func:`model_json`) when already known (a cached load)
    known_json: str | None = field(default=None, repr=False, compare=False)

    # -- identity ---------------------------------------------------------------------------
    @property
    def root(self) -> Path:
        """The spec's folder; relative paths in the spec resolve against it."""
        return self.path.parent

    @property
    def name(self) -> str:
        return self.model.name

    @property
    def distro(self) -> Distro:
        return DISTROS[self.model.base]

    @cached_property
    def sha256(self) -> str:
        """Hash of what the spec means: its normalised content plus every file it references.

        Formatting and comments do not change it; editing ``files/shop.conf`` does. Targets
        label their images with it, and ``parity status`` compares it to find stale environments.
        """
        spec = self.known_json if self.known_json is not None else model_json(self.model)
        # the canonical JSON of {"files": ..., "spec": ...}, keys sorted, built from the parts
        files = json.dumps(self.file_hashes, sort_keys=True, separators=(",", ":"))
        canonical = f'{{"files":{files},"spec":{spec}}}'
        return hashlib.sha256(canonical.encode()).hexdigest()

    # -- views used by renderers and the drift checker ----------------------------------------
    def packages(self, *, dev: bool) -> dict[str, Constraint]:
        """Packages an environment must have: dev environments also get ``dev_packages``."""
        pkgs = dict(self.model.packages)
        if dev:
            pkgs.update(self.model.dev_packages)
        return {name: parse_constraint(text) for name, text in sorted(pkgs.items())}

    @property
    def ports(self) -> list[Port]:
        out = []
        for p in self.model.ports:
            num, _, proto = str(p).partition("/")
            out.append(Port(int(num), proto or "tcp"))
        return sorted(set(out), key=lambda p: (p.protocol, p.number))

    @property
    def plain_env(self) -> dict[str, str]:
        """Env values that may be written into images and files (no secrets)."""
        return {k: v for k, v in sorted(self.model.env.items()) if isinstance(v, str)}

    @property
    def secret_env(self) -> list[str]:
        """Names of env values supplied at run time only."""
        return sorted(k for k, v in self.model.env.items() if isinstance(v, Secret))

    def resolve(self, relpath: str) -> Path:
        """A spec-relative path as an absolute path (already checked to stay inside the root)."""
        return (self.root / relpath).resolve()

    def display_path(self) -> str:
        return str(self.path)


def model_json(model: SpecModel) -> str:
    """The model as canonical JSON (keys sorted, no spaces): what :attr:`Spec.sha256` hashes.

    Values left at their defaults are not in it: a spec means the same whether it writes
    ``running: true`` or not, and a new optional field in a later parity does not change the
    hash of every spec that does not use it (which would mark every environment stale)."""
    return json.dumps(model.model_dump(mode="json", exclude_defaults=True), sort_keys=True,
                      separators=(",", ":"))


def load_spec(path: str | Path | None = None) -> Spec:
    """Read, parse and validate a spec file; raise :class:`SpecError` listing every problem.

    A spec whose bytes were validated before by the same code comes from the cache
    (:mod:`parity.spec.cache`); its referenced files are checked and hashed again all the same.
    """
    from parity.spec import cache
    from parity.spec.discover import resolve_spec

    # the CLI's rule (a folder means the spec in it; no path: $PARITY_SPEC, then the nearest
    # parity.yaml/parity.yml), with ./parity.yaml named in the error when none is found
    spec_path = resolve_spec(path, required=False) or DEFAULT_SPEC
    try:
        data = spec_path.read_bytes()
    except OSError:
        data = None  # load_yaml says what is wrong
    entry = cache.key(spec_path, data) if data is not None and cache.enabled() else None
    if entry is not None:
        hit = cache.load(entry)
        if hit is not None:
            model, known = hit
            hashes: dict[str, str] = {}
            if not _check_files(model, spec_path, None, hashes):
                return Spec(model=model, path=spec_path, file_hashes=dict(sorted(hashes.items())),
                            known_json=known)
            # a referenced file changed: the full path reports it with its position
    from parity.spec.yamlpos import load_yaml  # not needed on a hit: the YAML library

    text = None
    if data is not None:
        try:
            # the bytes the key was made of, with read_text()'s universal newlines
            text = data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
        except UnicodeDecodeError:
            entry = None  # load_yaml reads the file again and says what is wrong
    spec = _build(load_yaml(spec_path, text), spec_path)
    if entry is not None:
        known = model_json(spec.model)
        cache.store(entry, spec.model, known)
        spec = Spec(model=spec.model, path=spec.path, file_hashes=spec.file_hashes,
                    known_json=known)
    return spec


def load_spec_text(text: str, path: str | Path = "parity.yaml") -> Spec:
    """Validate spec text as if it were the file ``path`` (files resolve beside ``path``)."""
    from parity.spec.yamlpos import load_yaml

    return _build(load_yaml(Path(path), text), Path(path))


def _build(located: Located, spec_path: Path) -> Spec:
    from parity.spec.yamlpos import plain

    data = plain(located.data)
    where = located.where
    if data is None:
        raise SpecError([f"{spec_path}:1:1: the file is empty"], hint=_START_HINT)
    if not isinstance(data, dict):
        raise SpecError([f"{where(())}: a spec is a mapping of keys, got {type(data).__name__}"],
                        hint=_START_HINT)
    problems: list[str] = []
    if "parity" in data:
        fmt = data["parity"]
        if _is_int(fmt) and fmt != SPEC_VERSION:  # another format: its keys mean other things
            raise SpecError([
                f"{where(('parity',))}: parity: spec format {fmt} is not supported; "
                f"this parity reads format {SPEC_VERSION}"
            ])
        wrong = _format_problem(fmt)
        if wrong:
            problems.append(f"{where(('parity',))}: parity: {wrong}")
            data = {**data, "parity": SPEC_VERSION}  # one message, and the rest still checked
    model: SpecModel | None = None
    try:
        model = SpecModel.model_validate(data)
    except ValidationError as exc:
        problems.extend(format_errors(exc, located, SpecModel))
    base = data.get("base")
    if isinstance(base, str) and base not in DISTROS:
        known = ", ".join(sorted(DISTROS))
        problems.append(f"{where(('base',))}: base: unknown distro {quoted(base)}; known: {known}")
    hashes: dict[str, str] = {}
    if model is not None:
        problems.extend(_check_files(model, spec_path, located, hashes))
    if problems:
        problems.sort(key=_position_key)
        raise SpecError(problems, hint=f"Fix the lines above in {spec_path} and run "
                                       f"`parity validate {spec_path}` again.")
    assert model is not None
    return Spec(model=model, path=spec_path, file_hashes=dict(sorted(hashes.items())))


def _format_problem(value: Any) -> str | None:
    """Why ``parity:`` is not the format number, or None when it is.

    The format version is the integer 1, one spelling only (the JSON Schema says so, and editors
    using it flag anything else): ``"1"`` is refused with the fix rather than taken as 1, and
    ``true``/``1.0``, which Python compares equal to 1, are refused too.
    """
    if _is_int(value):
        return None
    if isinstance(value, str) and value.strip() == str(SPEC_VERSION):
        return (f"the format version is the number {SPEC_VERSION}, not the string "
                f"{quoted(value)}; write `parity: {SPEC_VERSION}` without quotes")
    if isinstance(value, bool):
        return (f"the format version is the number {SPEC_VERSION}, not {str(value).lower()}; "
                f"write `parity: {SPEC_VERSION}`")
    if value is None or isinstance(value, float):
        from parity.spec.yamlpos import scalar_source

        shown = "empty" if value is None else scalar_source(value)
        return (f"the format version is the number {SPEC_VERSION}, not {shown}; "
                f"write `parity: {SPEC_VERSION}`")
    return (f"the format version is the number {SPEC_VERSION}, got {quoted(value)}; "
            f"write `parity: {SPEC_VERSION}`")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


_START_HINT = "A minimal spec is:\n  parity: 1\n  name: myapp\n  base: debian:12"


def _position_key(text: str) -> tuple[int, int]:
    parts = text.split(":")
    try:
        return int(parts[1]), int(parts[2])
    except (IndexError, ValueError):
        return (0, 0)


def _check_files(model: SpecModel, spec_path: Path, located: Located | None,
                 hashes: dict[str, str]) -> list[str]:
    """Referenced files must exist, be readable and stay inside the spec's folder.

    Without ``located`` (a cached load) the problems carry no position; the caller then loads
    the spec in full to report them."""

    def where(loc: tuple[Any, ...]) -> str:
        return located.where(loc) if located is not None else str(spec_path)

    root = spec_path.parent.resolve()
    refs: list[tuple[tuple[Any, ...], str]] = []
    refs += [(("files", dest, "source"), f.source) for dest, f in model.files.items() if f.source]
    refs += [(("repositories", i, "key"), r.key) for i, r in enumerate(model.repositories) if r.key]
    refs += [(("provision", i), p) for i, p in enumerate(model.provision)]
    problems = []
    for loc, rel in refs:
        key = ".".join(map(str, loc))
        target = (root / rel).resolve()
        if not target.is_relative_to(root):
            problems.append(f"{where(loc)}: {key}: {quoted(rel)} points outside the spec's "
                            f"folder {root}; keep referenced files beside parity.yaml")
        elif not target.is_file():
            problems.append(f"{where(loc)}: {key}: file {quoted(rel)} not found in {root}")
        else:
            try:
                hashes[rel] = sha256_file(target)  # in chunks: sources may be gigabytes
                with target.open("rb") as fh:
                    head = fh.read(4096)
            except OSError as exc:
                problems.append(f"{where(loc)}: {key}: cannot read {quoted(rel)}: {exc}")
                continue
            if loc[0] == "repositories" and model.base in DISTROS:
                form = DISTROS[model.base].package_family.key_form
                if form[0].encode() not in head:
                    problems.append(f"{where(loc)}: {key}: {quoted(rel)} is not {form[1]}")
    return problems


def json_schema() -> dict[str, Any]:
    """The spec's JSON Schema (draft 2020-12), for editors and other tools."""
    schema = SpecModel.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "parity.yaml"
    return schema
