"""The commands that read a repo and report: `check`, `endpoint list`, `checklist`."""

from __future__ import annotations
