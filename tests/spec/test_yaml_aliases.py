"""Alias bombs are refused fast, at the alias that crosses the limit; ordinary anchors work."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from parity.errors import ExitCode, SpecError
from parity.spec import load_spec, load_spec_text
from parity.spec.yamlpos import load_yaml, plain
from parity.yamlguard import MAX_ALIAS_NODES, guarded_yaml

MINIMAL = "parity: 1\nname: app\nbase: debian:12\n"


def bomb(levels: int, width: int = 9) -> str:
    """The classic "billion laughs": level i is a list of ``width`` aliases of level i-1."""
    lines = [MINIMAL.rstrip("\n"), "x0: &a0 [" + ", ".join(["lol"] * width) + "]"]
    lines += [f"x{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]"
              for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def count_nodes(data: Any) -> int:
    """Nodes of the fully expanded data (the oracle: what anything walking the data would see)."""
    if isinstance(data, dict):
        return 1 + sum(count_nodes(k) + count_nodes(v) for k, v in data.items())
    if isinstance(data, list):
        return 1 + sum(count_nodes(v) for v in data)
    return 1


def test_nine_by_nine_bomb_is_refused_in_well_under_a_second(tmp_path: Path) -> None:
    spec = tmp_path / "parity.yaml"
    spec.write_text(bomb(9))
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "parity", "validate", str(spec)],
                          capture_output=True, text=True, timeout=60)
    elapsed = time.monotonic() - started
    assert proc.returncode == ExitCode.USAGE, proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr) < 1000
    # the first alias whose expansion crosses 10,000: *a3 on x4's line (9**4 + ... > 10,000)
    assert f"{spec}:8:10: alias *a3 " in proc.stderr
    assert f"limit of {MAX_ALIAS_NODES:,}" in proc.stderr
    assert elapsed < 5  # interpreter start-up included; the load itself is timed below
    started = time.monotonic()
    with pytest.raises(SpecError):
        load_spec(spec)
    assert time.monotonic() - started < 0.5


def test_alias_of_its_own_container_is_refused_with_position() -> None:
    with pytest.raises(SpecError) as info:
        load_spec_text(MINIMAL + "x: &a [1, *a]\n", "loop.yaml")
    assert info.value.problems == [
        "loop.yaml:4:11: alias *a repeats a node that contains the alias itself"]


def test_limit_is_exact_and_counts_the_expanded_nodes() -> None:
    # an anchored list of 99 scalars is 100 nodes; 100 aliases of it repeat exactly the limit
    item = "[" + ", ".join(["x"] * 99) + "]"
    aliases = ", ".join(["*l"] * (MAX_ALIAS_NODES // 100))
    text = f"l: &l {item}\nm: [{aliases}]\n"
    located = load_yaml(Path("ok.yaml"), text)
    composed = 1 + 2 + 100 + 1 + MAX_ALIAS_NODES // 100  # root, 2 keys, l, m and its aliases
    assert count_nodes(plain(located.data)) == composed + MAX_ALIAS_NODES - MAX_ALIAS_NODES // 100
    with pytest.raises(SpecError) as info:
        load_yaml(Path("over.yaml"), text.replace("m: [", "m: [*l, "))
    assert info.value.problems[0].startswith("over.yaml:2:405: alias *l ")  # the 101st alias


def test_merge_keys_and_a_few_aliases_still_work() -> None:
    spec = load_spec_text(MINIMAL + (
        "users:\n"
        "  app: &user {shell: /bin/bash, groups: [adm]}\n"
        "  web:\n"
        "    <<: *user\n"
        "    uid: 1001\n"
        "files:\n"
        "  /etc/a.conf: &conf {content: hello, owner: app}\n"
        "  /etc/b.conf: *conf\n"
    ))
    web = spec.model.users["web"]
    assert (web.shell, web.groups, web.uid) == ("/bin/bash", ["adm"], 1001)
    assert spec.model.users["app"].uid is None
    assert spec.model.files["/etc/a.conf"] == spec.model.files["/etc/b.conf"]
    assert spec.model.files["/etc/b.conf"].owner == "app"


def test_safe_loader_is_guarded_too() -> None:
    """Other YAML parity reads (inventories) use ``guarded_yaml("safe")``: same limit."""
    from parity.yamlguard import AliasLimitError

    with pytest.raises(AliasLimitError) as info:
        guarded_yaml("safe").load(bomb(9))
    assert info.value.problem_mark is not None
    assert info.value.problem_mark.line + 1 == 8
    assert guarded_yaml("safe").load("a: &x {b: 1}\nc: *x\n") == {"a": {"b": 1}, "c": {"b": 1}}
