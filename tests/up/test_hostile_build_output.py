"""A build step that prints terminal attacks: ``parity up`` shows them escaped, in its progress
lines and in the error's tail of the build output, and never passes them to the terminal."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.hostile import unsafe_chars

from .helpers import parity_cli, unique

#: OSC 52 (clipboard), OSC 0 (window title), BEL, CR overwrite, RLO; exit 3 fails the build
HOSTILE_STEP = (r"printf 'clip\033]52;c;cm0gLXJmIH4=\007board\n'" "\n"
                r"printf 'title\033]0;pwned\007\n'" "\n"
                r"printf 'evil\rgood \342\200\256txt.exe\n'" "\n"
                "exit 3\n")


@pytest.mark.docker
def test_hostile_build_output_is_shown_escaped(workdir: Path, docker_client) -> None:
    root = workdir / "hostile"
    root.mkdir()
    (root / "evil.sh").write_text(HOSTILE_STEP)
    spec = root / "parity.yaml"
    spec.write_text("parity: 1\nbase: debian:12\nname: hostile\nprovision: [evil.sh]\n")
    proc = parity_cli("up", str(spec), "--name", unique("hostile"), "--network", "none")
    assert proc.returncode == 4, proc.stderr
    assert not unsafe_chars(proc.stderr, allow="\n"), sorted(unsafe_chars(proc.stderr, "\n"))
    progress, _, error = proc.stderr.rpartition("\nerror: ")
    for shown in ("clip\\x1b]52;c;cm0gLXJmIH4=\\x07board", "title\\x1b]0;pwned\\x07",
                  "\\u202etxt.exe"):
        assert shown in progress, shown  # streamed progress lines
        assert shown in error, shown  # the tail quoted in the error
    assert "    evil\n" in progress and "    good \\u202etxt.exe\n" in progress  # CR: new line
    assert proc.stdout == ""
