"""Secret env values: taken from the caller at run time, handed to the container, kept nowhere.

The spec only names secrets (``SECRET_KEY: {secret: true}``). Values come from the caller's
environment or a ``.env`` file given with ``--env-file``; the environment wins, so a one-off
``SECRET_KEY=x parity up`` overrides the file. They are never rendered into build files, image
layers, labels or ``.parity/state.json``; they reach the container's runtime environment only.
Every missing name is reported together, before anything is rendered or built.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path

from parity.errors import UsageError

_LINE = re.compile(r"^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$")
#: a quoted value, optionally followed by a comment: ``"two words"  # why``
_QUOTED = re.compile(r"^([\"'])(.*?)\1(?:\s+#.*)?$")


def parse_env_file(path: str | Path) -> dict[str, str]:
    """Read ``KEY=value`` lines (``#`` comments, blank lines, ``export``, quotes) from a .env file.

    Malformed lines are an error naming ``file:line`` rather than being skipped, so a typo does
    not silently turn into a missing secret; so is a quote opened and not closed on its line
    (``KEY="abc``), which used to land in the value. Errors never show the value.
    """
    path = Path(path)
    try:
        # utf-8-sig: a byte order mark (Windows editors) is not part of the first key
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise UsageError(f"--env-file {path}: cannot read it: {exc.strerror or exc}",
                         hint="Give the path of a readable KEY=value file.") from None
    except UnicodeDecodeError as exc:
        raise UsageError(f"--env-file {path}: not UTF-8 text (byte {exc.start})",
                         hint="Save the file as UTF-8.") from None
    values: dict[str, str] = {}
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _LINE.match(line)
        if not match:
            # the line itself is not shown: it may well hold a secret value
            problem = ("no '=' in it" if "=" not in line else
                       f"{line.split('=', 1)[0].strip()[:40]!r} is not a variable name")
            raise UsageError(f"{path}:{lineno}: expected KEY=value: {problem}",
                             hint="Each line of an env file is KEY=value (KEY: letters, digits "
                                  "and '_', not starting with a digit); # starts a comment.")
        key, value = match.group(1), match.group(2).strip()
        quoted = _QUOTED.match(value)
        if quoted:
            value = quoted.group(2)
        elif value[:1] in ("'", '"'):
            # the value itself is not shown: it may well hold a secret
            raise UsageError(
                f"{path}:{lineno}: the value of {key} opens a {value[0]} quote that is not "
                f"closed at the end of the line (only a # comment may follow the closing quote)",
                hint=f"Close the quote ({key}={value[0]}...{value[0]}, optionally followed by "
                     f"a # comment), or drop it. Values spanning several lines are not "
                     f"supported; the file's value is not shown here in case it is a secret.")
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        values[key] = value
    return values


def resolve_secrets(names: list[str], environ: Mapping[str, str],
                    env_file: str | Path | None = None, *, spec_path: str = "parity.yaml",
                    ) -> dict[str, str]:
    """Values for every secret name, from ``environ`` first, then ``env_file``.

    Raises :class:`UsageError` listing every missing name and where it could come from.
    """
    from_file = parse_env_file(env_file) if env_file else {}
    values: dict[str, str] = {}
    missing: list[str] = []
    for name in names:
        if name in environ:
            values[name] = environ[name]
        elif name in from_file:
            values[name] = from_file[name]
        else:
            missing.append(name)
    if missing:
        where = " or in --env-file " + str(env_file) if env_file else ""
        listed = ", ".join(missing)
        raise UsageError(
            f"{spec_path}: secret env {listed} {'is' if len(missing) == 1 else 'are'} declared "
            f"({'{secret: true}'}) but not set in your environment{where}; nothing was built.",
            hint=f"Export {'it' if len(missing) == 1 else 'them'} (e.g. `export {missing[0]}=...`)"
                 " or pass `--env-file .env` with KEY=value lines. Secret values are passed to "
                 "the container at run time only and are never written to disk by parity.",
        )
    return values


def read_secret_files(pairs: Sequence[str], secret_paths: Collection[str],
                      ) -> dict[str, bytes]:
    """``--secret-file PATH=LOCALFILE`` values: the bytes of each LOCALFILE, by spec path.

    PATH must be a file the spec declares ``secret: true`` (any other path is the spec's to
    give content to, or none of ``up``'s business). The bytes go into the container when it is
    created, never into the image or any file parity writes; errors never show them.
    """
    out: dict[str, bytes] = {}
    for pair in pairs:
        path, sep, local = pair.partition("=")
        if not sep or not path or not local:
            raise UsageError(f"--secret-file {pair}: expected PATH=LOCALFILE",
                             hint="e.g. --secret-file /etc/app/credentials=./dev-credentials")
        if path not in secret_paths:
            raise UsageError(
                f"--secret-file {path}: the spec declares no secret file there",
                hint="Declare it under files: with `secret: true`"
                     + (f" (secret files: {', '.join(sorted(secret_paths))})"
                        if secret_paths else "") + ".")
        if path in out:
            raise UsageError(f"--secret-file {path}: given twice")
        try:
            out[path] = Path(local).read_bytes()
        except OSError as exc:
            raise UsageError(f"--secret-file {path}={local}: cannot read it: "
                             f"{exc.strerror or exc}") from None
    return out
