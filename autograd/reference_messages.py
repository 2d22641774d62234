"""The engine checker's sentences, read from the project's one catalogue (``autograd.language``).

Its entries are the catalogue's ``reference.*`` keys, in English and Korean alike; texts fill in
``{names}`` with ``str.format``, numbers, code and names arriving already written as text.
"""

from __future__ import annotations

from collections.abc import Mapping

from .language import LANGUAGES, text

__all__ = ["LANGUAGES", "say"]


def say(lang: str, key: str, params: Mapping[str, str] | None = None) -> str:
    """The sentence ``key`` in ``lang`` with ``params`` filled in; a phase is named in the same language."""
    fields = dict(params or {})
    if "phase" in fields:
        fields["phase"] = text("reference.phase_" + fields["phase"], lang)
    return text("reference." + key, lang, **fields)
