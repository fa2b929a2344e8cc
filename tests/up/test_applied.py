"""The in-place record (parity.up.applied), build step summaries and status words."""

from __future__ import annotations

import json

from parity.up import applied
from parity.up.base import BuildSteps
from parity.up.decision import Observed, freshness

A, B, C = "a" * 64, "b" * 64, "c" * 64


def test_record_round_trip_and_states() -> None:
    record = applied.fresh(A).begin(B, ["files", "scripts"])
    assert not record.complete and record.spec_sha256 == A
    assert applied.parse(record.to_json()) == record
    done = record.finish(restarted=True)
    assert done.complete and done.spec_sha256 == B and done.built == A
    assert done.changes[-1].restarted and done.changes[-1].phases == ["files", "scripts"]
    again = done.begin(C, ["users"]).finish(restarted=False)
    assert [c.after for c in again.changes] == [B, C] and again.spec_sha256 == C


def test_what_is_not_a_record_is_refused() -> None:
    good = json.loads(applied.fresh(A).begin(B, []).to_json())
    for bad in (b"", b"[]", b"{", json.dumps({**good, "version": 99}).encode(),
                json.dumps({**good, "state": "done"}).encode(),
                json.dumps({k: v for k, v in good.items() if k != "built"}).encode(),
                json.dumps({**good, "changes": [{"at": 1}]}).encode(),
                json.dumps({**good, "spec_sha256": "\x1b]52;c;eA==\x07"}).encode(),
                json.dumps({**good, "built": 7}).encode(),
                json.dumps({**good, "changes": [{**good["changes"][0],
                                                 "phases": ["files\r"]}]}).encode(),
                json.dumps({**good, "changes": [{**good["changes"][0],
                                                 "at": "\x1b[2J"}]}).encode()):
        assert applied.parse(bad) is None, bad


def test_build_steps_say_what_was_rebuilt() -> None:
    steps = BuildSteps()
    for text in ("Step 1/4 : FROM debian:12\n", " ---> e36ac95f89bb\n",
                 "Step 2/4 : RUN sh provision.sh packages\n", " ---> Using cache\n",
                 " ---> 1234\n", "Step 3/4 : RUN sh provision.sh files\n",
                 " ---> Running in 99\n", "Step 4/4 : CMD []\n", " ---> Running in 98\n"):
        steps.feed(text)
    assert steps.summary() == "rebuilt 2 of 4 steps, from step 3 (RUN sh provision.sh files)"
    cached = BuildSteps()
    cached.feed("Step 1/2 : FROM x\n ---> 1\nStep 2/2 : RUN y\n ---> Using cache\n")
    assert cached.summary() == "all 2 steps came from the layer cache"
    assert BuildSteps().summary() is None


def test_status_words() -> None:
    def seen(**kw) -> Observed:
        return Observed(target="docker", name="x", running=True, **kw)

    assert freshness(A, seen(spec_sha256=A)) == "up to date"
    assert freshness(A, seen(spec_sha256=A, in_place=2)) == "up to date, changed in place"
    assert freshness(B, seen(spec_sha256=A, in_place=1)) == "stale, changed in place"
    assert freshness(A, seen(spec_sha256=None, incomplete=True)) == "incomplete"
    assert freshness(A, None) is None
