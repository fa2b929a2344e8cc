"""Packer JSON templates: JSON strings that Packer's Go template engine will not interpret.

Packer runs every string of a JSON template through Go's ``text/template`` before use
(``{{user `version`}}``, ``{{.HTTPIP}}``), so a spec value holding ``{{`` (an env value, a
command word) would be read as a template action: at best ``packer validate`` fails, at worst
it calls a function (``{{env `HOME`}}``). Each ``{{`` is therefore written as the action
``{{"{{"}}``, which prints two braces; ``}}`` outside an action is plain text. The result is
then JSON-encoded. (tests/boxes run ``packer validate`` over such values.)
"""

from __future__ import annotations

import json

_OPEN = '{{"{{"}}'


def value(text: object) -> str:
    """A JSON string literal whose text Packer's template engine leaves as written."""
    return json.dumps(str(text).replace("{{", _OPEN), ensure_ascii=False)
