"""Automate the "Add an endpoint" checklist of a Mattermost-style REST API v4 server."""

from __future__ import annotations

__version__ = "0.1.0"
