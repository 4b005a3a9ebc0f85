"""Where a path belongs: the tags a docs tree uses, read from its fragments, and the fragment
of a path's nearest documented sibling.

A real docs tree names its tags for readers (`data retention`, `OAuth`) and its fragments for
files (`dataretention.yaml`, `oauth.yaml`), and keeps a path beside its relatives rather than
under its first segment. So whatever scaffold.toml's `[tags.*]` tables do not say is read
from the fragments: each fragment's tag is the one most of its operations carry. A path goes
to the fragment of its nearest documented siblings — those sharing the most leading segments
with it — and takes that fragment's tag; a `paths` prefix of a table that matches as many
segments wins. A path with no relative at all starts a new tag, named by its first segment.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace

from scaffold.model.layout import RepoLayout
from scaffold.model.taglayout import TagLayout
from scaffold.naming import looks_mistyped, module_name, tag_words, to_pascal
from scaffold.scan.docs import DocOperation
from scaffold.scan.facts import shape, shared_prefix


@dataclass(frozen=True)
class Placement:
    """Where a new path goes: its tag (with its fragment), and what to tell the user."""

    tag: TagLayout
    #: a documented path it was placed beside (None: by a configured prefix, or a new tag)
    sibling: str | None = None
    #: no fragment holds the tag yet: it and its fragment would be created
    new: bool = False
    #: existing first segments close to the path's own, when it starts a new tag
    near: tuple[str, ...] = ()
    #: (the path's parameter, the name its siblings give the same segment), where close
    params: tuple[tuple[str, str], ...] = ()


class TagIndex:
    """The tags of a repo (scaffold.toml's, then the docs'), and where paths belong."""

    def __init__(self, layout: RepoLayout, docs: Iterable[DocOperation]) -> None:
        self.base = layout
        fragments = {layout.fragment_path(name): name for name in layout.build[1:-1]}
        self._documented = [
            (doc.path, fragments[doc.location.path], doc.tag)
            for doc in docs
            if doc.location.path in fragments
        ]
        self.tags = _merged_tags(layout, self._documented)

    @property
    def layout(self) -> RepoLayout:
        """The layout with every tag the docs use, as well as those scaffold.toml describes."""
        return replace(self.base, tags=self.tags)

    def place(self, path: str) -> Placement:
        """Where `path` (without the API prefix) belongs."""
        segments = _segments(path)
        configured, depth = None, 0
        for tag in self.tags.values():
            for prefix in tag.paths:
                n = len(_segments(prefix))
                if n > depth and _segments(prefix) == segments[:n]:
                    configured, depth = tag, n
        shared = [(shared_prefix(segments, _segments(p)), p, f) for p, f, _ in self._documented]
        nearest = max((n for n, _, _ in shared), default=0)
        params = self._param_hints(path)
        if configured is not None and depth >= nearest:
            return Placement(configured, new=not self._exists(configured.fragment), params=params)
        if nearest > 0:
            # The closest relatives: those that part from it soonest after what they share.
            rest = min(len(_segments(p)) for n, p, _ in shared if n == nearest)
            candidates = [(p, f) for n, p, f in shared if n == nearest and len(_segments(p)) == rest]
            fragment = Counter(f for _, f in candidates).most_common(1)[0][0]
            sibling = next(p for p, f in candidates if f == fragment)
            return Placement(self._of_fragment(fragment), sibling=sibling, params=params)
        # `/terms_of_service` is the tag `terms of service`, wherever its fragment is.
        words = "".join(tag_words(segments[0]))
        tag = next(
            (t for t in self.tags.values() if "".join(tag_words(t.name)) == words and self._exists(t.fragment)),
            self.layout.tag(segments[0]),
        )
        if self._exists(tag.fragment):
            return Placement(tag, params=params)
        firsts = {_segments(p)[0] for p, _, _ in self._documented}
        firsts |= {_segments(prefix)[0] for t in self.tags.values() for prefix in t.paths}
        near = tuple(name for name in sorted(firsts) if looks_mistyped(segments[0], name))
        return Placement(tag, new=True, near=near[:3], params=params)

    def _exists(self, fragment: str) -> bool:
        return fragment in self.base.build[1:-1]

    def _of_fragment(self, fragment: str) -> TagLayout:
        return next(t for t in self.tags.values() if t.fragment == fragment)

    def _param_hints(self, path: str) -> tuple[tuple[str, str], ...]:
        """Parameters named unlike, but close to, the same segment of the documented paths."""
        segments = path.strip("/").split("/")
        hints = []
        for index, segment in enumerate(segments):
            if not segment.startswith("{"):
                continue
            mine = segment.strip("{}")
            theirs = Counter(
                other[index].strip("{}")
                for other in (p.strip("/").split("/") for p, _, _ in self._documented)
                if len(other) > index
                and other[index].startswith("{")
                and shape("/".join(other[:index])) == shape("/".join(segments[:index]))
            )
            if mine in theirs or not theirs:
                continue
            name = theirs.most_common(1)[0][0]
            # A name that only adds to the other (`user_ids` beside `user_id`) is another name.
            if looks_mistyped(mine, name) and not (mine.startswith(name) or name.startswith(mine)):
                hints.append((mine, name))
        return tuple(hints)


def _merged_tags(layout: RepoLayout, documented: list[tuple[str, str, str | None]]) -> dict[str, TagLayout]:
    """scaffold.toml's tags, completed from the docs, then one tag per other fragment."""
    fragments = list(layout.build[1:-1])
    counts: dict[str, Counter[str]] = {f: Counter() for f in fragments}
    homes: dict[str, Counter[str]] = {}
    for _, fragment, used in documented:
        if used is not None and fragment in counts:
            counts[fragment][used] += 1
            homes.setdefault(used, Counter())[fragment] += 1
    main = {f: _main_tag(f, c) for f, c in counts.items()}
    tags: dict[str, TagLayout] = {}
    for key, tag in layout.tags.items():
        told = main.get(tag.fragment)
        if tag.fragment not in counts and tag.name in homes:
            tag = replace(tag, fragment=homes[tag.name].most_common(1)[0][0])
        elif not tag.named and tag.name not in homes and told:
            tag = replace(tag, name=told)  # `[tags.dataretention]` of `data retention`
        tags[key] = tag
    covered = {t.fragment for t in tags.values()}
    # The fragment where a tag is used most comes first: `--tag users` finds users.yaml.
    for fragment in sorted(fragments, key=lambda f: -max(counts[f].values(), default=0)):
        if fragment in covered:
            continue
        name = main[fragment] or fragment.rsplit(".", 1)[0]
        key = fragment.rsplit(".", 1)[0]
        resource = module_name(name)[0] or ""
        tags.setdefault(
            key, TagLayout(name, resource, to_pascal(resource), configured=False, fragment=fragment, key=key)
        )
    # A tag no fragment is named for (`threads`, among the users'): its operations' fragment.
    named = {t.name for t in tags.values()}
    for name, home in homes.items():
        if name not in named and name not in tags:
            resource = module_name(name)[0] or ""
            fragment = home.most_common(1)[0][0]
            tags[name] = TagLayout(name, resource, to_pascal(resource), configured=False, fragment=fragment)
    return tags


def _main_tag(fragment: str, counts: Counter[str]) -> str | None:
    """The tag most operations of a fragment carry; on a tie, the one named like the file."""
    if not counts:
        return None
    top = max(counts.values())
    tied = [tag for tag, n in counts.items() if n == top]
    stem = "".join(tag_words(fragment.rsplit(".", 1)[0]))
    return next((tag for tag in tied if "".join(tag_words(tag)) == stem), tied[0])


def _segments(path: str) -> list[str]:
    return shape(path).strip("/").split("/")
