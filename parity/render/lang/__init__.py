"""Quoting helpers, one small module per target language.

Every user-supplied string that reaches generated text goes through exactly one of these, chosen by
the template that emits it (jinja filters ``sh``, ``rb``, ``nix``, ``nixattr``, ``dq``, ``json``,
``unit``). Each module states the grammar it relies on, so a reviewer can check one page per
language instead of every template.
"""

from __future__ import annotations
