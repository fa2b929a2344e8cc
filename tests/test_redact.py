"""parity.redact: no piece of a URL's password or secret query value survives."""

from __future__ import annotations

import urllib.parse

import pytest

from parity.redact import redact_text, redact_url


@pytest.mark.parametrize(("url", "shown"), [
    ("ssh://u:pw@h:22?x=1", "ssh://u:***@h:22?x=1"),
    ("paramiko://u:p%40ss@h", "paramiko://u:***@h"),
    ("paramiko://u:p@ss@h", "paramiko://u:***@h"),  # an unencoded "@": cut at the last one
    ("ssh://u:pa/ss@h/x", "ssh://u:***@h/x"),
    ("ssh://u:p?w@h", "ssh://u:***@h"),
    ("winrm://u:p@h?password=x&ssh_config=/a@b", "winrm://u:***@h?password=***&ssh_config=/a@b"),
    ("ssh://h?token=abc#f", "ssh://h?token=***#f"),
    ("ssh://u@h:2222?ssh_config=/a:b@c", "ssh://u@h:2222?ssh_config=/a:b@c"),
    ("docker://web", "docker://web"),
    ("local://", "local://"),
    ("web1", "web1"),
])
def test_redact_url(url: str, shown: str) -> None:
    assert redact_url(url) == shown


@pytest.mark.parametrize("url", ["ssh://u:s3cr3t@h", "paramiko://root:s3cr3t@10.0.0.1:22",
                                 "paramiko://u:s3cr3t@h?timeout=3"])
def test_the_password_urllib_finds_is_gone(url: str) -> None:
    """The oracle: urllib's own reading of the password, which testinfra unquotes and uses."""
    password = urllib.parse.urlparse(url).password
    assert password and password not in redact_url(url)
    assert redact_url(url).startswith(url.split(":", 2)[0])


def test_redact_text_finds_urls_in_messages() -> None:
    text = "host 'ssh://u:pw@h': no; also paramiko://a:b@c:1 and docker://x"
    assert redact_text(text) == "host 'ssh://u:***@h': no; also paramiko://a:***@c:1 and docker://x"
