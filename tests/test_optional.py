"""A missing optional package is a usage error that names its extra, for every extra.

Each case runs the real command in-process with the package made unimportable
(``sys.modules[name] = None`` makes ``import name`` raise ModuleNotFoundError, exactly as when it
is not installed) and checks the one-paragraph message and exit 2, where parity used to report
"cannot set up the transport" as an unchecked host (exit 3). Nothing is contacted: the check
happens before any connection, so the URLs point at a closed loopback port.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest

from parity.cli import main
from parity.errors import ExitCode, UsageError
from parity.optional import EXTRAS, MissingExtra, require

REPO_ROOT = Path(__file__).resolve().parent.parent
SPEC = REPO_ROOT / "examples" / "webapp" / "parity.yaml"
INVENTORY = REPO_ROOT / "tests" / "facts" / "inventories" / "ini" / "hosts"


def run_main(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    _out, err = capsys.readouterr()
    return int(exited.value.code or 0), err


#: extra -> (module made unimportable, CLI arguments that need it, words of the message)
CASES = {
    "paramiko": ("paramiko", ["check", str(SPEC), "-H", "paramiko://root@127.0.0.1:1"],
                 "paramiko://root@127.0.0.1:1: a paramiko:// host (or an ssh host with a "
                 "password) needs the optional package paramiko, which is not installed: "
                 "pip install 'parity[paramiko]'"),
    "asyncssh": ("asyncssh", ["check", str(SPEC), "-H", "asyncssh://root@127.0.0.1:1"],
                 "the asyncssh ssh client (asyncssh:// or PARITY_SSH_CLIENT=asyncssh) needs the "
                 "optional package asyncssh, which is not installed: "
                 "pip install 'parity[asyncssh]'"),
    "postgres": ("psycopg", ["history", "--db", "postgresql://parity@127.0.0.1:1/parity"],
                 "--db postgresql:// (the PostgreSQL driver) needs the optional package psycopg, "
                 "which is not installed: pip install 'parity[postgres]'"),
    # ansible-core is not imported by parity: without it the static reader refuses what only
    # Ansible can read (here a pattern intersection), naming the extra
    "ansible": ("ansible", ["snapshot", "webservers:&east", "--inventory", str(INVENTORY)],
                "pip install 'parity[ansible]'"),
}


@pytest.mark.parametrize("extra", sorted(CASES))
def test_missing_extra_is_a_usage_error_naming_it(extra: str, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    module, argv, words = CASES[extra]
    monkeypatch.setitem(sys.modules, module, None)
    monkeypatch.setenv("PATH", "/usr/bin:/bin")  # no ansible-inventory from a venv or pipx
    monkeypatch.delenv("PARITY_SSH_CLIENT", raising=False)
    code, err = run_main(argv, capsys)
    assert code == ExitCode.USAGE, err
    assert words in " ".join(err.split()), err
    assert "Traceback" not in err and "cannot set up the transport" not in err


def test_password_ssh_host_needs_paramiko_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """An inventory's ssh host with a password goes through paramiko (never sshpass)."""
    from parity.facts.backends import make_backend

    monkeypatch.setitem(sys.modules, "paramiko", None)
    with pytest.raises(MissingExtra) as err:
        make_backend("ssh://root:secret@127.0.0.1:1")
    assert err.value.exit_code == ExitCode.USAGE
    assert "pip install 'parity[paramiko]'" in err.value.message
    assert "secret" not in err.value.render()


def test_require_returns_the_module() -> None:
    assert require("json", "paramiko", "a test") is sys.modules["json"]


def test_require_message_and_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(UsageError) as err:
        require("psycopg", "postgres", "the thing", alternative="use sqlite")
    assert err.value.exit_code == ExitCode.USAGE
    assert err.value.render() == (
        "the thing needs the optional package psycopg, which is not installed: "
        "pip install 'parity[postgres]'\n"
        "With pipx: pipx inject parity 'psycopg[binary]'. Or use sqlite.")


def test_installed_but_broken_is_not_called_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    """A package whose own dependency is missing says so, rather than "not installed"."""
    monkeypatch.setitem(sys.modules, "some_dependency", None)

    def broken(name: str) -> None:
        import some_dependency  # noqa: F401

    monkeypatch.setattr("importlib.import_module", broken)
    with pytest.raises(MissingExtra) as err:
        require("asyncssh", "asyncssh", "x")
    assert "installed but does not import (import of some_dependency halted" in err.value.message


def test_unknown_extra_is_a_bug() -> None:
    with pytest.raises(ValueError, match="unknown extra"):
        require("json", "nonesuch", "x")


def test_extras_match_pyproject() -> None:
    """Every extra the messages name exists in pyproject and installs that package."""
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    declared = project["optional-dependencies"]
    for extra, (package, requirement) in EXTRAS.items():
        assert extra in declared, extra
        names = [r.split(";")[0].split("[")[0].split(">")[0].split("<")[0].strip()
                 for r in declared[extra]]
        assert package in names, (extra, declared[extra])
        assert requirement.split("[")[0].split("<")[0] == package
