"""The fleet HTML page without a browser: its CSP allows exactly the inlined scripts and style,
nothing points off the page, hostile names never become markup, the roll-out view counts right,
and 1,000 hosts stay well under 10 MB. (tests/fleet/outputs/test_html_browser.py opens it.)"""

from __future__ import annotations

import base64
import hashlib
import json
from html.parser import HTMLParser

import pytest

from parity.fleet.outputs import html
from parity.textsafe import safe
from tests.fleet import samples


class Page(HTMLParser):
    """Tags, attributes and the raw text of every <script>/<style>, as a browser tokenises."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.raw: list[tuple[str, dict[str, str | None], str]] = []
        self._open: tuple[str, dict[str, str | None]] | None = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._open = (tag, dict(attrs))
            self._text: list[str] = []

    def handle_data(self, data: str) -> None:
        if self._open:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._open and tag == self._open[0]:
            self.raw.append((*self._open, "".join(self._text)))
            self._open = None


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def _csp(page: Page) -> dict[str, list[str]]:
    metas = [a for t, a in page.tags if t == "meta"
             and (a.get("http-equiv") or "").lower() == "content-security-policy"]
    assert len(metas) == 1
    return {d.split()[0]: d.split()[1:] for d in (metas[0]["content"] or "").split(";")
            if d.strip()}


@pytest.mark.parametrize("sample", [samples.small, samples.hostile])
def test_csp_forbids_network_and_allows_exactly_the_inline_code(sample: object) -> None:
    text = html.render(sample())  # type: ignore[operator]
    page = Page(text)
    csp = _csp(page)
    assert csp["default-src"] == ["'none'"]
    assert csp["img-src"] == ["data:"]
    scripts = [body for tag, a, body in page.raw if tag == "script" and "type" not in a]
    styles = [body for tag, _, body in page.raw if tag == "style"]
    assert len(scripts) == 2 and len(styles) == 1
    assert sorted(csp["script-src"]) == sorted(_hash(s) for s in scripts)
    assert csp["style-src"] == [_hash(styles[0])]
    assert "'unsafe-inline'" not in text.split("<style>")[0]
    # the CSP comes before anything it governs
    first = [t for t, _ in page.tags if t in ("meta", "script", "style", "link")]
    assert first[:2] == ["meta", "meta"]


def test_nothing_on_the_page_points_off_it() -> None:
    page = Page(html.render(samples.hostile()))
    for tag, attrs in page.tags:
        for name in ("src", "href", "action", "srcset", "poster", "data"):
            value = attrs.get(name)
            if value is not None:
                assert value.startswith(("#", "data:")), (tag, name, value)
    assert "sourceMappingURL" not in html.render(samples.small())


def test_hostile_names_never_become_markup() -> None:
    text = html.render(samples.hostile())
    page = Page(text)
    assert not [t for t, _ in page.tags if t == "img"]
    assert len([1 for t, _ in page.tags if t == "script"]) == 3  # data, Chart.js, the page's
    assert not [a for _, a in page.tags for k in a if k.startswith("on")]
    data = [body for tag, a, body in page.raw if a.get("type") == "application/json"]
    assert len(data) == 1 and "</script" not in data[0].lower() and "<!--" not in data[0]
    history = json.loads(data[0])
    assert history["run_ids"][0] == safe(f"{samples.XSS_SCRIPT}<!--")  # exact text, as data
    text.encode("utf-8")  # undecodable bytes were escaped; the page can be written as UTF-8


def _item(items: list[html.RolloutItem], name: str) -> html.RolloutItem:
    (item,) = [i for i in items if i.name == name]
    return item


def test_rollout_counts_hosts_at_the_spec_version() -> None:
    items = html.rollout(samples.small())
    conf = _item(items, "/etc/cassandra/cassandra.yaml")
    assert (conf.spec, conf.kind, conf.at_spec, conf.total) == ("cassandra", "file", 1, 3)
    assert conf.spec_value_full == samples.SPEC_CONF
    assert [(o["full"], o["count"], o["hosts"]) for o in conf.others] == [
        (samples.OLD_CONF, 2, ["db1", "db2"])]
    jdk = _item(items, "openjdk-17-jre-headless")
    assert (jdk.at_spec, jdk.total, jdk.spec_value) == (2, 3, ">=17.0.9")
    assert jdk.at_spec_values == [("17.0.9+9-1", 2)]
    curl = _item(items, "curl")
    assert (curl.at_spec, curl.total, curl.unchecked) == (1, 2, 1)  # web3 was unreachable
    # a mode finding (waived) does not change the content: still at the spec's version
    app = _item(items, "/etc/app.conf")
    assert (app.at_spec, app.total, app.done) == (2, 2, True)
    assert not conf.done and items.index(conf) < items.index(app)  # unfinished first


def test_rollout_of_a_file_whose_content_the_spec_does_not_pin() -> None:
    """No finding names a hash and the hosts differ: no spec value is made up; the hashes
    carried are listed."""
    report = samples.small()
    for i, h in enumerate(report.hosts[3:5]):
        h.observed["file"]["/etc/motd"] = samples.sha(str(i))
    motd = _item(html.rollout(report), "/etc/motd")
    assert (motd.spec_value, motd.at_spec, motd.total) == ("-", 2, 2)
    assert sorted(v for v, _ in motd.at_spec_values) == sorted(
        samples.sha(str(i))[:12] for i in range(2))


def test_rollout_of_a_1000_host_fleet_agrees_with_the_observed_hashes() -> None:
    """The oracle: count hosts whose observed sha256 is the spec's, straight from the facts."""
    report = samples.fleet()
    conf = _item(html.rollout(report), "/etc/cassandra/cassandra.yaml")
    carried = [h.observed["file"]["/etc/cassandra/cassandra.yaml"] for h in report.hosts
               if h.state != "unreachable"]
    assert conf.at_spec == carried.count(samples.SPEC_CONF)
    assert conf.total == len(carried)
    assert conf.others[0]["count"] == carried.count(samples.OLD_CONF)
    assert conf.unchecked == report.summary()["unreachable"]


def test_a_1000_host_report_stays_small() -> None:
    text = html.render(samples.fleet())
    size = len(text.encode("utf-8"))
    assert size < 10 * 1024 * 1024
    assert text.count('<details class="host ') == 1000


def test_without_history_the_plot_shows_this_run() -> None:
    report = samples.small()
    report.history = []
    page = Page(html.render(report))
    data = next(body for _, a, body in page.raw if a.get("type") == "application/json")
    assert json.loads(data)["findings"] == [report.summary()["findings"]]
