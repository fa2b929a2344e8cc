"""The on-disk cache of compiled templates: used when it can be, never a reason to fail."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from parity.templating import bytecode_cache, make_environment


@pytest.fixture(autouse=True)
def _cache_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PARITY_NO_CACHE", raising=False)


def _folder(cache: jinja2.BytecodeCache) -> Path:
    assert isinstance(cache, jinja2.FileSystemBytecodeCache)
    return Path(cache.directory)


def test_compiled_once_then_loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    env = make_environment("report")
    name = sorted(env.list_templates())[0]
    env.get_template(name)
    entries = sorted(tmp_path.glob("parity/jinja-*-report/*"))
    assert entries, "nothing was cached"
    stamps = [p.stat().st_mtime_ns for p in entries]
    make_environment("report").get_template(name)  # a fresh environment: loaded from disk
    assert sorted(tmp_path.glob("parity/jinja-*-report/*")) == entries
    assert [p.stat().st_mtime_ns for p in entries] == stamps  # read, not written again
    # the HTML environment compiles differently (autoescape): a folder of its own
    make_environment("report", autoescape=True).get_template(name)
    assert list(tmp_path.glob("parity/jinja-*-report-autoescape/*"))


def test_an_edited_template_is_compiled_again(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    (tmp_path / "t").mkdir()
    cache = bytecode_cache("x", False)
    assert cache is not None
    for text in ("one {{ v }}", "two {{ v }}"):
        (tmp_path / "t" / "a.j2").write_text(text)
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path / "t")),
                                 bytecode_cache=cache)
        assert env.get_template("a.j2").render(v=1) == text.replace("{{ v }}", "1")


def test_off_or_unusable_means_no_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARITY_NO_CACHE", "1")
    assert bytecode_cache("render", False) is None
    monkeypatch.delenv("PARITY_NO_CACHE")
    blocker = tmp_path / "file"
    blocker.write_text("")  # a file where the folder should be
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert bytecode_cache("render", False) is None
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "open"))
    cache = bytecode_cache("render", False)
    assert cache is not None
    _folder(cache).chmod(0o777)  # others could plant code in it: not used
    assert bytecode_cache("render", False) is None


def test_an_unwritable_cache_still_renders(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    cache = bytecode_cache("report", False)
    assert cache is not None
    folder = _folder(cache)
    (folder / "entry.cache").write_bytes(b"garbage, not bytecode")
    folder.chmod(0o500)
    try:
        env = make_environment("report")
        for name in env.list_templates():
            env.get_template(name)
    finally:
        folder.chmod(0o700)
