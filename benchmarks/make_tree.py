"""Generate a docs tree shaped like a large real API v4 source tree, for `benchmarks/run.py`.

    python benchmarks/make_tree.py DIR

Mattermost's `api/v4/source` holds an introduction, 41 tag fragments and the definitions —
344 paths, 437 operations, 138 component schemas, about 1,900 `$ref`s in 23k lines — merged
by an `api/Makefile` that cats them in a hand-kept order. This writes a tree of that shape
(the same counts, the same per-fragment spread, operations written the way that tree writes
them) from generated names and text, into a copy of the reference server so that every
scaffold command runs on it. The spec validates; the server implements none of it, so
`check` reports every operation as undocumented-in-code (that is not what is timed).
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from scaffold.commands.init import init_repo

#: (tag, operations): the spread of a real tree, largest first; 41 tags, 437 operations.
TAGS = [
    ("users", 72), ("channels", 52), ("teams", 36), ("system", 36), ("groups", 24),
    ("posts", 21), ("retention", 15), ("plugins", 12), ("billing", 12), ("hooks", 11),
    ("directory", 11), ("bots", 11), ("sso", 10), ("commands", 10), ("emojis", 9),
    ("files", 8), ("apps", 8), ("status", 7), ("schemes", 7), ("jobs", 6),
    ("connections", 6), ("preferences", 5), ("roles", 5), ("bookmarks", 5), ("audits", 4),
    ("reactions", 4), ("uploads", 3), ("brand", 3), ("exports", 3), ("filters", 3),
    ("reports", 3), ("search", 2), ("terms", 2), ("shared", 2), ("actions", 2),
    ("usage", 2), ("cluster", 1), ("indexing", 1), ("permissions", 1), ("imports", 1),
    ("limits", 1),
]  # fmt: skip
SCHEMAS = 138
PATHS = 344
SUBRESOURCES = [
    "members", "stats", "image", "config", "history", "settings", "policies", "tokens",
    "sessions", "roles", "invites", "notes", "search", "export", "patch", "restore",
    "convert", "move", "pin", "unpin", "count", "metrics", "logs", "audits", "preferences",
]  # fmt: skip
WORDS = [
    "the",
    "server",
    "keeps",
    "this",
    "value",
    "for",
    "each",
    "item",
    "and",
    "returns",
    "it",
    "with",
    "every",
    "read",
    "of",
    "the",
    "item",
    "so",
    "that",
    "a",
    "client",
    "can",
    "show",
    "it",
    "without",
    "another",
    "request",
    "unless",
    "it",
    "was",
    "removed",
    "earlier",
    "by",
    "an",
    "administrator",
    "or",
    "by",
    "the",
    "owner",
    "of",
    "the",
    "team",
    "when",
    "the",
    "feature",
    "is",
    "turned",
    "off",
    "for",
    "it",
]
PERMISSIONS = [
    "manage_system",
    "edit_other_users",
    "manage_team",
    "read_channel",
    "create_post",
    "view_team",
]
RESPONSES = [
    ("BadRequest", "Invalid or missing parameters in URL or request body"),
    ("Unauthorized", "No access token provided"),
    ("Forbidden", "Do not have appropriate permissions"),
    ("NotFound", "Resource not found"),
    ("TooLarge", "Content too large"),
    ("NotImplemented", "Feature is disabled"),
    ("TooManyRequests", "Too many requests"),
    ("InternalServerError", "Something went wrong with the server"),
]


def _pascal(*words: str) -> str:
    return "".join(w[:1].upper() + w[1:] for word in words for w in re.split(r"[_\s-]", word))


def _sentence(rng: random.Random, low: int, high: int) -> str:
    start = rng.randrange(len(WORDS))
    words = [WORDS[(start + i) % len(WORDS)] for i in range(rng.randint(low, high))]
    return (" ".join(words)).capitalize() + "."


def _singular(tag: str) -> str:
    return tag[:-1] if tag.endswith("s") and tag not in ("status", "sso") else tag


class Tree:
    """The generated fragments, built once from a seed."""

    def __init__(self, seed: int = 4) -> None:
        self.rng = random.Random(seed)
        self.schemas = [f"{_pascal(_singular(tag))}" for tag, _ in TAGS]
        while len(self.schemas) < SCHEMAS:
            tag, _ = self.rng.choice(TAGS)
            name = _pascal(_singular(tag), self.rng.choice(SUBRESOURCES))
            if name not in self.schemas:
                self.schemas.append(name)
        self.operation_ids: set[str] = set()
        total = sum(count for _, count in TAGS)
        # Paths shared by two operations (GET and PUT of one item…) make up the difference.
        self.shared = total - PATHS

    def fragment(self, tag: str, count: int) -> str:
        rng, one = self.rng, _singular(tag)
        item = f"{{{one}_id}}"
        paths: list[tuple[str, list[str]]] = []
        left = count
        candidates = [f"/api/v4/{tag}", f"/api/v4/{tag}/{item}"]
        candidates += [f"/api/v4/{tag}/{item}/{sub}" for sub in SUBRESOURCES]
        candidates += [f"/api/v4/{tag}/{sub}" for sub in SUBRESOURCES]
        for path in candidates:
            if left == 0:
                break
            methods = ["get"]
            if self.shared > 0 and left > 1 and rng.random() < 0.45:
                methods.append(rng.choice(["put", "delete", "post"]))
                self.shared -= 1
            elif rng.random() < 0.5:
                methods = [rng.choice(["post", "put", "delete"])]
            paths.append((path, methods[:left]))
            left -= len(methods[:left])
        out = []
        for path, methods in paths:
            key = f'"{path}"' if "{" in path else path
            out.append(f"  {key}:\n")
            for method in methods:
                out.append(self.operation(tag, path, method))
        return "".join(out)

    def operation(self, tag: str, path: str, method: str) -> str:
        rng = self.rng
        words = [w for w in path.split("/")[3:] if not w.startswith("{")]
        verb = {"get": "Get", "post": "Create", "put": "Update", "delete": "Delete"}[method]
        name = _pascal(verb, *words)
        while name in self.operation_ids:
            name += "ById" if "ById" not in name else "Again"
        self.operation_ids.add(name)
        permission = rng.choice(PERMISSIONS)
        lines = [
            f"    {method}:",
            "      tags:",
            f"        - {tag}",
            f"      summary: {verb} {' '.join(words).replace('_', ' ')}",
            "      description: >",
            f"        {_sentence(rng, 14, 30)}",
            "",
            "        ##### Permissions",
            "",
            f"        Must have `{permission}` permission.",
            f"      operationId: {name}",
        ]
        params = re.findall(r"{(\w+)}", path)
        listing = method == "get" and not path.endswith("}")
        if params or listing:
            lines.append("      parameters:")
        for param in params:
            lines += [
                f"        - name: {param}",
                "          in: path",
                f"          description: {param.replace('_', ' ').capitalize()}",
                "          required: true",
                "          schema:",
                "            type: string",
            ]
        if listing:
            for param, default in (("page", 0), ("per_page", 60)):
                lines += [
                    f"        - name: {param}",
                    "          in: query",
                    f"          description: {_sentence(rng, 5, 9)}",
                    "          schema:",
                    "            type: integer",
                    f"            default: {default}",
                ]
        schema = rng.choice(self.schemas)
        if method in ("post", "put"):
            lines += [
                "      requestBody:",
                "        content:",
                "          application/json:",
                "            schema:",
                "              type: object",
                "              required:",
                "                - name",
                "              properties:",
                "                name:",
                "                  type: string",
                f"                  description: {_sentence(rng, 4, 8)}",
                "                count:",
                "                  type: integer",
                f"        description: {_sentence(rng, 3, 6)}",
                "        required: true",
            ]
        code = "201" if method == "post" else "200"
        lines += [
            "      responses:",
            f'        "{code}":',
            f"          description: {verb} successful",
        ]
        lines += ["          content:", "            application/json:", "              schema:"]
        if listing:
            lines += ["                type: array", "                items:"]
            lines.append(f'                  $ref: "#/components/schemas/{schema}"')
        elif method == "delete":
            lines.append('                $ref: "#/components/schemas/StatusOK"')
        else:
            lines.append(f'                $ref: "#/components/schemas/{schema}"')
        codes = (
            ["400", "401", "403"]
            + (["404"] if params else [])
            + (["501"] if rng.random() < 0.35 else [])
        )
        names = {
            "400": "BadRequest",
            "401": "Unauthorized",
            "403": "Forbidden",
            "404": "NotFound",
            "501": "NotImplemented",
        }
        for status in codes:
            lines += [
                f'        "{status}":',
                f'          $ref: "#/components/responses/{names[status]}"',
            ]
        return "\n".join(lines) + "\n"

    def introduction(self) -> str:
        rng = self.rng
        text = "\n".join(f"    {_sentence(rng, 12, 24)}\n" for _ in range(40))
        tags = "".join(
            f"  - name: {tag}\n    description: {_sentence(rng, 6, 14)}\n" for tag, _ in TAGS
        )
        groups = "".join(f"      - {tag}\n" for tag, _ in TAGS)
        return (
            "openapi: 3.0.0\ninfo:\n  title: Server API Reference\n  description: >\n"
            f"{text}  version: 4.0.0\n  termsOfService: https://example.com/terms/\n"
            "  license:\n    name: MIT\n    url: https://example.com/license\n"
            f"tags:\n{tags}x-tagGroups:\n  - name: Endpoints\n    tags:\n{groups}"
            "servers:\n  - url: http://localhost:8065\n  - url: https://localhost:8065\npaths:\n"
        )

    def definitions(self) -> str:
        rng = self.rng
        header = (
            "components:\n  securitySchemes:\n    bearerAuth:\n      type: http\n"
            "      scheme: bearer\n      bearerFormat: Token\n  responses:\n"
        )
        out = [header]
        for name, description in RESPONSES:
            out.append(
                f"    {name}:\n      description: {description}\n      content:\n"
                "        application/json:\n          schema:\n"
                '            $ref: "#/components/schemas/AppError"\n'
            )
        out.append("  schemas:\n")
        out.append(
            "    AppError:\n      type: object\n      properties:\n"
            "        status_code:\n          type: integer\n        id:\n          type: string\n"
            "        message:\n          type: string\n        request_id:\n          type: string\n"
            "    StatusOK:\n      type: object\n      properties:\n        status:\n"
            '          type: string\n          description: Will contain "OK" if the operation succeeded\n'
        )
        for index, name in enumerate(self.schemas):
            out.append(f"    {name}:\n      type: object\n      properties:\n")
            for field in range(rng.randint(3, 8)):
                kind = rng.random()
                out.append(f"        field_{field}:\n")
                if kind < 0.4:
                    out.append("          type: string\n")
                elif kind < 0.6:
                    out.append("          type: integer\n          format: int64\n")
                elif kind < 0.7:
                    out.append("          type: boolean\n")
                elif kind < 0.85 and index:
                    out.append(
                        f'          $ref: "#/components/schemas/{self.schemas[rng.randrange(index)]}"\n'
                    )
                    continue
                else:
                    out.append(
                        "          type: array\n          items:\n            type: string\n"
                    )
                out.append(f"          description: {_sentence(rng, 5, 16)}\n")
        out.append("externalDocs:\n  description: Find out more\n  url: https://example.com\n")
        out.append("security:\n  - bearerAuth: []\n")
        return "".join(out)


def makefile(names: list[str]) -> str:
    """The build list as a Makefile that concatenates the fragments, the way the tree's own
    build does."""
    lines = [
        "ROOT := $(dir $(abspath $(lastword $(MAKEFILE_LIST))))",
        "V4_YAML = $(ROOT)/v4/html/static/openapi-v4.yaml",
        "V4_SRC = $(ROOT)/v4/source",
        "",
        "build-v4:",
        "\t@cat $(V4_SRC)/introduction.yaml > $(V4_YAML)",
    ]
    lines += [f"\t@cat $(V4_SRC)/{name} >> $(V4_YAML)" for name in names[1:]]
    lines.append("\t@swagger-cli validate $(V4_YAML)")
    return "\n".join(lines) + "\n"


def build(target: Path) -> Path:
    """A reference server whose docs tree is the generated one; returns `target`."""
    if target.exists():
        shutil.rmtree(target)
    init_repo(target)
    source = target / "api/v4/source"
    shutil.rmtree(source)
    source.mkdir(parents=True)
    tree = Tree()
    names = ["introduction.yaml"]
    (source / "introduction.yaml").write_text(tree.introduction())
    for tag, count in TAGS:
        (source / f"{tag}.yaml").write_text(tree.fragment(tag, count))
        names.append(f"{tag}.yaml")
    (source / "definitions.yaml").write_text(tree.definitions())
    names.append("definitions.yaml")
    (target / "api/Makefile").write_text(makefile(names))
    config = target / "scaffold.toml"
    listed = "".join(f'    "{name}",\n' for name in names)
    config.write_text(
        re.sub(r"build = \[\n(?:    .*\n)*\]", f"build = [\n{listed}]", config.read_text(), count=1)
    )
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    args = parser.parse_args(argv)
    build(args.directory)
    return 0


if __name__ == "__main__":
    sys.exit(main())
