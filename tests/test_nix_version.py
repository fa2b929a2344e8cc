"""Nix's version rules (parity/nix_version.py) against Nix's own tests and against Nix itself.

Two oracles: the cases of Nix's ``tests/functional/lang/eval-okay-versions.nix`` (vendored in
tests/fixtures/nix_versions, source in its README), and the real ``nix-instantiate`` on this
machine (Debian's nix-bin), asked once about thousands of generated versions and names: every
pair must get the same answer from Python as from ``builtins.compareVersions``, every name the
same split as from ``builtins.parseDrvName``.
"""

from __future__ import annotations

import itertools
import json
import random
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parity.nix_version import (
    StorePathName,
    compare,
    parse_drv_name,
    split_store_path,
    split_version,
)

FIXTURES = Path(__file__).parent / "fixtures" / "nix_versions"
NIX_TESTS = FIXTURES / "eval-okay-versions.nix"

HASH = "3dyw8dzj9ab4m8hv5dpyx7zii8d0w6fi"


# --- Nix's own test cases ------------------------------------------------------------------------

def _nix_test_cases() -> tuple[list[tuple[str, str, str]], list[tuple[str, str, int]]]:
    """The parseDrvName and versionTest cases of the vendored eval-okay-versions.nix."""
    text = NIX_TESTS.read_text()
    names = dict(re.findall(r'^\s*(name\d+) = "([^"]*)";', text, re.M))
    signs = {"lt": -1, "eq": 0, "gt": 1}
    fields: dict[str, dict[str, str]] = {}
    for var, field, want in re.findall(
            r'\(builtins\.parseDrvName (name\d+)\)\.(name|version) == "([^"]*)"', text):
        fields.setdefault(names[var], {})[field] = want
    drv = [(full, f["name"], f["version"]) for full, f in fields.items()]
    versions = [(a, b, signs[s])
                for a, b, s in re.findall(r'versionTest "([^"]*)" "([^"]*)" (lt|eq|gt)', text)]
    return drv, versions


DRV_CASES, VERSION_CASES = _nix_test_cases()


def test_the_vendored_tests_were_read() -> None:
    # the fixture holds 5 names and 12 version tests; a regex gone wrong must not pass silently
    assert len(DRV_CASES) == 5
    assert len(VERSION_CASES) == 12


@pytest.mark.parametrize(("full", "name", "version"), DRV_CASES)
def test_nix_own_parse_drv_name_cases(full: str, name: str, version: str) -> None:
    assert parse_drv_name(full) == (name, version)


@pytest.mark.parametrize(("a", "b", "want"), VERSION_CASES)
def test_nix_own_compare_versions_cases(a: str, b: str, want: int) -> None:
    # versionTest checks both directions
    assert compare(a, b) == want
    assert compare(b, a) == -want


@pytest.mark.nix
def test_the_vendored_tests_hold_for_this_nix() -> None:
    """The same file, evaluated the way Nix's test suite does: it must print the .exp."""
    proc = subprocess.run(["nix-instantiate", "--eval", "--strict", NIX_TESTS.name],
                          cwd=FIXTURES, capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == (FIXTURES / "eval-okay-versions.exp").read_text().strip()


# --- the rules, one example each (names.cc's componentsLT, in order) -----------------------------

#: (a, b, compare(a, b)), each naming the rule it shows; all also checked against Nix below
RULES = [
    ("1.10", "1.9", 1),                # numbers compare numerically
    ("1.01", "1.1", 0),                # ... so leading zeros do not count
    ("2147483647", "2147483646", 1),   # INT_MAX is still a number
    ("2147483648", "1", -1),           # above INT_MAX string2Int<int> fails: a string, below 1
    ("2147483648", "a", -1),           # ... and compared byte-wise with other strings
    ("1", "1.0", -1),                  # the end sorts before a number
    ("1.", "1", 0),                    # trailing separators yield only the end
    ("1..2", "1.2", 0),                # runs of separators count once
    ("1-2", "1.2", 0),                 # '-' separates like '.'
    ("1.0pre", "1.0", -1),             # pre sorts before the end ...
    ("1.0pre", "1.0a", -1),            # ... and before any string
    ("1.0pre1", "1.0pre2", -1),
    ("1.0rc1", "1.0", 1),              # rc is a plain string: after the end
    ("1.0Pre", "1.0", 1),              # only lowercase 'pre' is special
    ("1.0alpha", "1.0beta", -1),       # strings: byte order
    ("1.0beta", "1.0rc", -1),
    ("1.0B", "1.0a", -1),              # uppercase bytes sort first
    ("2.3a", "2.3.1", -1),             # a string sorts before a number
    ("2.3", "2.3a", -1),               # the end sorts before a string
    ("1.0+git", "1.0", 1),             # '+' is part of a string component
    ("1.0_1", "1.0.1", -1),            # '_' too: "_" < number
    ("1.0é", "1.0z", 1),               # non-ASCII: UTF-8 bytes sort after ASCII
    ("", "", 0),
    ("", "0", -1),
    ("", "pre", 1),
]


@pytest.mark.parametrize(("a", "b", "want"), RULES)
def test_component_rules(a: str, b: str, want: int) -> None:
    assert compare(a, b) == want
    assert compare(b, a) == -want


def test_split_version_is_builtins_split_version() -> None:
    assert split_version("1..2-pre-") == ["1", "2", "pre"]
    assert split_version("2.3a.1") == ["2", "3", "a", "1"]
    assert split_version("0-unstable-2024-05-01") == ["0", "unstable", "2024", "05", "01"]
    assert split_version("") == []


def test_parse_drv_name_splits_at_the_first_dash_before_a_non_letter() -> None:
    assert parse_drv_name("nix-0.12pre12876") == ("nix", "0.12pre12876")
    assert parse_drv_name("apache-httpd-2.0.48") == ("apache-httpd", "2.0.48")
    assert parse_drv_name("firefox-unwrapped-120.0") == ("firefox-unwrapped", "120.0")
    assert parse_drv_name("acpi-call-2020-04-07-5.8.16") == ("acpi-call", "2020-04-07-5.8.16")
    assert parse_drv_name("foo-.1") == ("foo", ".1")          # any non-letter ends the name
    assert parse_drv_name("foo-_bar") == ("foo", "_bar")
    assert parse_drv_name("foo-é") == ("foo", "é")            # non-ASCII is not isalpha
    assert parse_drv_name("foo-") == ("foo-", "")             # a dash needs a character after
    assert parse_drv_name("-1") == ("", "1")
    assert parse_drv_name("etc") == ("etc", "")


versions = st.text(alphabet="0123456789.-aprezAZ+_", max_size=10)


@given(versions, versions, versions)
def test_a_total_preorder(a: str, b: str, c: str) -> None:
    assert compare(a, a) == 0
    assert compare(a, b) == -compare(b, a)
    if compare(a, b) <= 0 and compare(b, c) <= 0:
        assert compare(a, c) <= 0


# --- store paths, as nix store diff-closures groups them -----------------------------------------

@pytest.mark.parametrize(("name", "want"), [
    ("openssl-3.0.13-bin", ("openssl", "3.0.13", "bin")),
    ("glibc-2.39-52", ("glibc", "2.39-52", "")),
    ("glibc-2.39-52-dev", ("glibc", "2.39-52", "dev")),
    ("gcc-13.3.0-lib", ("gcc", "13.3.0", "lib")),
    ("gcc-13.3.0-libgcc", ("gcc", "13.3.0", "libgcc")),
    ("waylandpp-1.0.0-lib", ("waylandpp", "1.0.0", "lib")),
    ("SDL2_ttf-2.22.0", ("SDL2_ttf", "2.22.0", "")),
    ("clang-wrapper-18.1.8", ("clang-wrapper", "18.1.8", "")),
    ("vulkan-validation-layers-1.3.290.0", ("vulkan-validation-layers", "1.3.290.0", "")),
    ("hello-2.12.1", ("hello", "2.12.1", "")),
    ("zlib-1.3.1-lib32", ("zlib", "1.3.1", "lib32")),
    ("zlib-1.3.1-lib64", ("zlib", "1.3.1", "lib64")),
    ("man-db-2.12.1-man", ("man-db", "2.12.1", "man")),
    # Nix's own caveat: an all-lowercase last part is taken for an output
    ("foo-1.0-unstable", ("foo", "1.0", "unstable")),
    ("nixos-system-nixos-24.05pre-git", ("nixos-system-nixos", "24.05pre", "git")),
    # the whole name is tried: "source" has no dash, "etc-hosts" loses "hosts"
    ("source", ("source", "", "")),
    ("etc-hosts", ("etc", "", "hosts")),
    ("python3.11-requests-2.31.0", ("python3.11-requests", "2.31.0", "")),
    ("linux-6.6.30-modules", ("linux", "6.6.30", "modules")),
    ("0-unstable", ("0", "", "unstable")),
    ("hello-2.12.1.drv", ("hello", "2.12.1.drv", "")),
    ("foo-1.0-Bin", ("foo", "1.0-Bin", "")),  # uppercase: not an output
])
def test_split_store_path(name: str, want: tuple[str, str, str]) -> None:
    got = split_store_path(f"/nix/store/{HASH}-{name}")
    assert got == StorePathName(HASH, *want)


def test_split_store_path_other_store_dir() -> None:
    got = split_store_path(f"/gnu/nix/{HASH}-hello-2.12.1", store_dir="/gnu/nix/")
    assert got == StorePathName(HASH, "hello", "2.12.1", "")


@pytest.mark.parametrize("path", [
    f"/usr/{HASH}-hello-1.0",                          # not in the store
    f"/nix/store/{HASH}-hello-1.0/bin/hello",          # inside a store path
    "/nix/store/3dyw8dzj9ab4m8hv5dpyx7zii8d0w6f-x",    # 31-character hash
    f"/nix/store/{HASH}_hello",                        # hash not followed by '-'
    f"/nix/store/{HASH[:-1]}e-hello",                  # 'e' is not Nix base-32
    f"/nix/store/{HASH}-",                             # empty name
    f"/nix/store/{HASH}-hello world",                  # illegal character
    f"/nix/store/{HASH}-..-x",                         # '..' as the first component
    f"/nix/store/{HASH}-" + "a" * 212,                 # longer than MaxPathLen
])
def test_split_store_path_refuses_what_nix_refuses(path: str) -> None:
    with pytest.raises(ValueError):
        split_store_path(path)


# --- the oracle: the real nix-instantiate -------------------------------------------------------

#: version shapes as they appear in nixpkgs store paths (glibc's patch level, dated unstable
#: snapshots, pre-releases, OpenSSH's p1, OpenSSL 1.x's letters, diff-closures.md's examples)
REAL_WORLD = [
    "2.39-52", "2.38-44", "3.0.13", "3.0.14", "1.1.1w", "1.1.1t", "1.0.2u", "9.6p1", "9.7p1",
    "13.3.0", "13.2.0", "10.5.0", "18.1.8", "17.0.6", "2.42", "2.41", "1.81.0", "1.83.0",
    "2.13.10", "1.0.1", "3.4", "24.2.2", "2.4.122", "14.3.0", "1.34", "1.3.290.0", "1.3.283.0",
    "2024.1", "1.8.10", "1.17.0", "2.30.6", "2.22.0", "1.7.0", "1.23.1", "2.12.1", "120.0.1",
    "121.0b3", "6.6.30", "6.9-rc7", "6.1.0-rc1", "2020-04-07-5.8.16", "2020-04-07-5.8.18",
    "20.08.1", "20.08.2", "unstable-2024-01-15", "unstable-2023-12-31", "0-unstable-2024-05-01",
    "0-unstable-2024-04-30", "24.05pre-git", "24.05", "23.11", "24.05.20240501.abcdef0",
    "0.12pre12876", "0.12", "1.0pre20230101", "2.3.0-beta.1", "2.3.0-alpha.2", "2.3.0",
    "1.2.3rc1", "1.2.3", "r1234", "r999", "5.2.26", "5.2p26", "3.11.9", "3.12.3", "3.12.0b1",
    "0.0.0", "0", "1", "20240115", "2024-01-15", "8.9.0-1", "8.9.0-2", "1.2.3.4.5.6",
    "1.46.0-unstable-2024-03-01", "git", "",
]

_PIECES = ["0", "1", "2", "9", "10", "01", "007", "00", "123", "20240115", "2147483646",
           "2147483647", "2147483648", "4294967296", "99999999999999999999",
           "0002147483647", "pre", "rc", "alpha", "beta", "a", "b", "z", "p", "Pre", "PRE", "B",
           "git", "unstable", "dev", "post", "final", "r", "v", "+", "_", "~", "+git", "é", "ß",
           "Ω", "²", "٣", "pre1", "rc2"]  # ² and ٣ are str.isdigit() but not C's isdigit
_SEPARATORS = [".", "-", "", "", "", "..", "--", ".-", "-."]


def _random_version(rng: random.Random) -> str:
    parts = [rng.choice(["", "", "", ".", "-"])]
    for _ in range(rng.randint(0, 6)):
        parts += [rng.choice(_PIECES), rng.choice(_SEPARATORS)]
    if rng.random() < 0.7:
        parts.pop()  # usually no trailing separator
    return "".join(parts)


def _near(rng: random.Random, version: str) -> str:
    """A version one small edit away, so the comparison is decided late, not at the first
    component."""
    edit = rng.randrange(5)
    if edit == 0:
        return version + rng.choice(_SEPARATORS) + rng.choice(_PIECES)
    if edit == 1:
        return version[:-1]
    if edit == 2 and version:
        i = rng.randrange(len(version))
        return version[:i] + rng.choice(_PIECES) + version[i + 1:]
    if edit == 3:
        return version + rng.choice([".", "-", "..", ""])
    # bump one number up or down (or rewrite it with a leading zero)
    numbers = list(re.finditer(r"\d+", version))
    if not numbers:
        return version + "1"
    m = rng.choice(numbers)
    n = int(m.group())
    bumped = rng.choice([str(n + 1), str(max(n - 1, 0)), "0" + m.group()])
    return version[:m.start()] + bumped + version[m.end():]


def version_pairs(seed: int = 15) -> list[tuple[str, str]]:
    """Thousands of (a, b) pairs, always the same ones (a fixed seed)."""
    rng = random.Random(seed)
    edges = sorted({a for a, _, _ in RULES} | {b for _, b, _ in RULES}
                   | {a for a, _, _ in VERSION_CASES} | {b for _, b, _ in VERSION_CASES})
    pairs = list(itertools.product(REAL_WORLD, REAL_WORLD))
    pairs += itertools.product(edges, edges)
    pairs += [(_random_version(rng), _random_version(rng)) for _ in range(3000)]
    for _ in range(3000):
        base = rng.choice(REAL_WORLD) if rng.random() < 0.5 else _random_version(rng)
        pairs.append((base, _near(rng, base)) if rng.random() < 0.5 else (_near(rng, base), base))
    return pairs


def drv_names(seed: int = 15) -> list[str]:
    """Generated derivation names: words and versions joined by dashes, letters and not."""
    rng = random.Random(seed)
    words = ["hello", "apache", "httpd", "python3.11", "xf86", "video", "i810", "915resolution",
             "SDL2_ttf", "Foo", "x", "_", ".", "+", "", "é", "unstable", "bin", "lib32"]
    names = [f"{w}-{v}" for w in ("hello", "xf86-video-i810", "nixos-system-nixos")
             for v in REAL_WORLD]
    for _ in range(3000):
        parts = [rng.choice(words) if rng.random() < 0.6 else _random_version(rng)
                 for _ in range(rng.randint(1, 5))]
        names.append(rng.choice(["-", "--", "-", "-"]).join(parts))
    return names


def _nix_eval(tmp_path: Path, data: Any, expression: str) -> Any:
    """One ``nix-instantiate --eval --strict --json`` over ``data`` (read from ./data.json, so
    no string needs quoting for Nix)."""
    (tmp_path / "data.json").write_text(json.dumps(data))
    proc = subprocess.run(
        ["nix-instantiate", "--eval", "--strict", "--json", "-E",
         f"let data = builtins.fromJSON (builtins.readFile ./data.json); in {expression}"],
        cwd=tmp_path, capture_output=True, text=True, check=False, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_the_generated_sets_are_large_and_fixed() -> None:
    pairs = version_pairs()
    assert len(pairs) > 5000
    assert pairs == version_pairs()
    assert len(drv_names()) > 3000


@pytest.mark.nix
def test_compare_equals_builtins_compare_versions(tmp_path: Path) -> None:
    pairs = version_pairs()
    want = _nix_eval(tmp_path, [{"a": a, "b": b} for a, b in pairs],
                     "map (p: builtins.compareVersions p.a p.b) data")
    assert len(want) == len(pairs)
    wrong = [(a, b, compare(a, b), nix) for (a, b), nix in zip(pairs, want, strict=True)
             if compare(a, b) != nix]
    assert not wrong, f"{len(wrong)} of {len(pairs)} pairs differ from Nix, e.g. {wrong[:10]}"
    # the set is not lopsided: Nix says each of -1, 0 and 1 many times
    assert min(want.count(s) for s in (-1, 0, 1)) > 200


@pytest.mark.nix
def test_split_version_equals_builtins_split_version(tmp_path: Path) -> None:
    versions = sorted({v for pair in version_pairs() for v in pair})
    want = _nix_eval(tmp_path, versions, "map builtins.splitVersion data")
    wrong = [(v, split_version(v), nix) for v, nix in zip(versions, want, strict=True)
             if split_version(v) != nix]
    assert not wrong, f"{len(wrong)} of {len(versions)} differ from Nix, e.g. {wrong[:10]}"


@pytest.mark.nix
def test_parse_drv_name_equals_builtins_parse_drv_name(tmp_path: Path) -> None:
    names = drv_names()
    want = _nix_eval(tmp_path, names, "map builtins.parseDrvName data")
    wrong = [(n, parse_drv_name(n), (nix["name"], nix["version"]))
             for n, nix in zip(names, want, strict=True)
             if parse_drv_name(n) != (nix["name"], nix["version"])]
    assert not wrong, f"{len(wrong)} of {len(names)} names differ from Nix, e.g. {wrong[:10]}"
    assert sum(1 for nix in want if nix["version"]) > 1000  # most names do split


# --- the oracle for store paths: the real `nix store diff-closures` -----------------------------

_NIX32 = "0123456789abcdfghijklmnpqrsvwxyz"
_OUTPUTS = ["bin", "lib", "dev", "man", "doc", "info", "debug", "out", "lib32", "lib64", "libgcc",
            "modules", "unstable", "git", "Bin", "x86_64", "dev2", ""]
_NAME_WORDS = ["hello", "openssl", "glibc", "gcc", "python3.11", "xf86", "video", "SDL2_ttf",
               "etc", "source", "nixos", "system", "unit", "man", "wrapper", "a", "Z", "_", "+",
               "?", "="]


def store_names(seed: int = 15) -> list[str]:
    """Generated store path names, all valid for Nix: words, versions and output suffixes."""
    rng = random.Random(seed)
    names = {f"{word}-{version}-{output}".rstrip("-")
             for word in ("hello", "glibc", "xf86-video-i810") for version in REAL_WORLD
             for output in ("", "bin", "lib")}
    names.discard("")
    ascii_pieces = [p for p in _PIECES if p.isascii() and p != "~"]
    while len(names) < 2500:
        parts = []
        for _ in range(rng.randint(1, 4)):
            if rng.random() < 0.5:
                parts.append(rng.choice(_NAME_WORDS))
            else:
                parts.append("".join(rng.choice(ascii_pieces) + rng.choice(_SEPARATORS)
                                     for _ in range(rng.randint(1, 4))))
        name = rng.choice(["-", "--", "-"]).join(parts)
        output = rng.choice(_OUTPUTS)
        name = f"{name}-{output}" if output else name
        if name and not name.startswith(".") and len(name) <= 200:
            names.add(name)
    return sorted(names)


def _show_versions(versions: set[str]) -> str:
    """diff-closures.cc's ``showVersions``: sorted, ε for the empty version, ∅ for none."""
    return ", ".join(sorted(v or "ε" for v in versions)) if versions else "∅"


@pytest.mark.nix
def test_split_store_path_groups_as_diff_closures_does(tmp_path: Path) -> None:
    """A throwaway store (its own store dir, so nothing touches /nix), one root path referring
    to every generated name, and ``nix store diff-closures`` from a one-path closure to it: the
    lines it prints (``pname: before → after``) must be the ones split_store_path predicts.

    diff-closures does not print the output names it strips, so this checks pname and version;
    the output parts are checked by the cases of test_split_store_path.
    """
    rng = random.Random(15)
    store = tmp_path / "store"
    store.mkdir()
    locator = f"local?store={store}&state={tmp_path / 'state'}&log={tmp_path / 'log'}"
    names = store_names()
    hashes = set()
    while len(hashes) < len(names) + 2:
        hashes.add("".join(rng.choice(_NIX32) for _ in range(32)))
    before_hash, root_hash, *path_hashes = sorted(hashes)
    paths = [f"{store}/{h}-{n}" for h, n in zip(path_hashes, names, strict=True)]
    before, root = f"{store}/{before_hash}-before", f"{store}/{root_hash}-root"
    registration = []
    for path in [before, root, *paths]:
        Path(path).write_text("x")
        refs = paths if path == root else []
        registration += [path, "", str(len(refs)), *refs]
    nix_options = ["--option", "substituters", "", "--store", locator]  # offline, own store
    subprocess.run(["nix-store", *nix_options, "--register-validity"], check=True,
                   input="\n".join(registration) + "\n", capture_output=True, text=True)
    proc = subprocess.run(["nix", *nix_options, "--extra-experimental-features", "nix-command",
                           "store", "diff-closures", before, root],
                          capture_output=True, text=True, check=False, timeout=300)
    assert proc.returncode == 0, proc.stderr

    def group(closure: list[str]) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for path in closure:
            parsed = split_store_path(path, store_dir=str(store))
            out.setdefault(parsed.pname, set()).add(parsed.version)
        return out

    old, new = group([before]), group([root, *paths])
    want: dict[str, str] = {}
    for pname in old.keys() | new.keys():
        removed = old.get(pname, set()) - new.get(pname, set())
        added = new.get(pname, set()) - old.get(pname, set())
        if removed or added:
            want[pname] = f"{_show_versions(removed)} → {_show_versions(added)}"
    ansi = re.compile(r"\x1b\[[0-9;]*m")
    got: dict[str, str] = {}
    for line in ansi.sub("", proc.stdout).splitlines():
        pname, _, change = line.partition(": ")
        change = re.sub(r"(, )?[+-]?\d+\.\d KiB$", "", change)  # a size change, if shown
        if change:
            got[pname] = change
    assert len(want) > 500
    assert got == want
