"""`scaffold endpoint list`: every endpoint, each artifact with where it stands."""

from __future__ import annotations

from dataclasses import dataclass

from scaffold.commands.check import scan_repo
from scaffold.model.endpoint import ARTIFACTS
from scaffold.model.layout import RepoLayout
from scaffold.repo.cache import CheckCache
from scaffold.repo.files import content_key, read_sources
from scaffold.scan.catalog import EndpointRecord


@dataclass(frozen=True)
class Listing:
    endpoints: list[EndpointRecord]
    #: the content key of the files listed (what a replay of the output is keyed by)
    content: bytes


def list_endpoints(layout: RepoLayout, *, missing: bool = False) -> Listing:
    """Every endpoint of the repo (with `missing`, only those that lack an artifact)."""
    cache = CheckCache(layout.root)
    texts = read_sources(layout)
    endpoints = scan_repo(layout, cache, validate_spec=False, texts=texts).catalog.endpoints
    cache.save()
    if missing:
        endpoints = [e for e in endpoints if any(e.state(a) == "missing" for a in ARTIFACTS)]
    return Listing(endpoints, content_key(layout, texts))
