"""Keep secrets that ride in host URLs out of everything parity prints or writes.

A host URL may carry a password (``ssh://u:pw@h``, ``paramiko://u:pw@h``, an inventory's
``ansible_password`` turned into one) or a secret query parameter. The URL is also what names the
host in errors, reports, snapshots and baselines, so the name is redacted where it is made
(:class:`parity.facts.hosts.HostTarget`), and every message that quotes a URL goes through
:func:`redact_text`. Only the backend ever sees the raw URL.
"""

from __future__ import annotations

import re

#: what stands in for a secret
MASK = "***"

#: query parameters whose value is a secret (``?password=``, ``?ssh_pass=``, ``?token=``...)
_SECRET_KEY = re.compile(r"pass|secret|token", re.IGNORECASE)

#: scheme://netloc?query#fragment, as found inside free text (stops at whitespace and quotes)
_URL = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<rest>[^\s'\"<>`]*)")


def redact_url(url: str) -> str:
    """``url`` with the password of its user part and any secret query value replaced by ``***``.

    The user part is everything before the LAST ``@`` of the authority: testinfra splits at the
    first one, a human may mean the last; cutting at the last hides the password either way.
    """
    match = _URL.fullmatch(url)
    if match is None:
        return url
    return match["scheme"] + _redact_rest(match["rest"])


#: ``sshpass -p PASSWORD``, as testinfra's ssh backend runs it for a URL with a password
_SSHPASS = re.compile(r"(\bsshpass\s+-p\s*)('[^']*'|\"[^\"]*\"|\S+)")


def redact_text(text: str) -> str:
    """``text`` with every URL in it redacted (error messages that quote a host URL), and the
    password of an ``sshpass -p`` command line (``-v`` logs transport command lines)."""
    text = _SSHPASS.sub(lambda m: m[1] + MASK, text)
    return _URL.sub(lambda m: m["scheme"] + _redact_rest(m["rest"]), text)


def _redact_rest(rest: str) -> str:
    # the authority's user part may hold an unencoded "/" or "@": take it up to the last "@"
    # before the query, so no piece of a password survives
    query_at = min((p for p in (rest.find("?"), rest.find("#")) if p != -1), default=len(rest))
    at = rest.rfind("@", 0, query_at)
    if at == -1 and "=" not in rest[:rest.find("@")]:
        at = rest.find("@")  # an unencoded "?" or "#" in the password: still the user part
    if at != -1 and ":" in rest[:at]:
        rest = f"{rest[:at].split(':', 1)[0]}:{MASK}{rest[at:]}"
    query_at = min((p for p in (rest.find("?"), rest.find("#")) if p != -1), default=len(rest))
    return rest[:query_at] + _redact_query(rest[query_at:])


def _redact_query(tail: str) -> str:
    if "?" not in tail:
        return tail
    head, _, query = tail.partition("?")
    query, hash_, fragment = query.partition("#")
    parts = []
    for item in query.split("&"):
        key, eq, value = item.partition("=")
        parts.append(f"{key}={MASK}" if eq and value and _SECRET_KEY.search(key) else item)
    return f"{head}?{'&'.join(parts)}{hash_}{fragment}"
