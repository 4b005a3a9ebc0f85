"""Renderings of a check Report: text (rich), json, sarif, github annotations, html."""

from __future__ import annotations

FORMATS = ("text", "json", "sarif", "github", "html")

#: How each artifact state is shown in the matrices.
SYMBOLS = {"done": "✓", "missing": "✗", "pending": "pending"}
