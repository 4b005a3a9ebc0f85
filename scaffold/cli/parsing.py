"""How the command line is read: a usage error is one line, and each option is given once.

click reports a bad option value, an unknown option or a missing argument in a box of five
lines or more; scaffold promises one line for every error (`error: what — remedy`, exit 2).
click also keeps the last of an option given twice, silently: `--status 200 --status 201`
is refused here instead, since either value may be the one that was meant.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup


class Command(TyperCommand):
    """A command each of whose options may be given once (every command is one of these)."""

    def make_parser(self, ctx: Any) -> Any:
        parser = super().make_parser(ctx)
        parse = parser.parse_args

        def parse_once(args: list[str]) -> Any:
            opts, rest, order = parse(args=args)
            seen: set[str | None] = set()
            for param in order:
                if param.param_type_name == "option" and not (param.multiple or getattr(param, "count", False)):
                    if param.name in seen:
                        raise GivenTwice("/".join(param.opts + param.secondary_opts), ctx=ctx, param=param)
                    seen.add(param.name)
            return opts, rest, order

        parser.parse_args = parse_once  # type: ignore[method-assign]
        return parser


class GivenTwice(typer.BadParameter):
    """An option given more than once (its message is the spelling of the option)."""

    def format_message(self) -> str:
        return f"{self.message} is given twice; give it once"


class Group(TyperGroup):
    """The root of the command line: every usage error below it becomes one line."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except typer.TyperException as error:  # click's errors: a bad option, a missing argument…
            if not standalone_mode:
                raise
            # A group without its command (`scaffold endpoint`) printed its help: that is the answer.
            if type(error).__name__ != "NoArgsIsHelpError":
                _print_error(error)
            sys.exit(error.exit_code)
        except typer.Abort:
            if not standalone_mode:
                raise
            typer.echo("aborted: nothing was changed", err=True)
            sys.exit(1)
        if not standalone_mode:
            return result
        sys.exit(result if isinstance(result, int) else 0)


def _print_error(error: typer.TyperException) -> None:
    """`error: what — remedy`, on one line, as every other error of scaffold."""
    ctx = getattr(error, "ctx", None)
    text = " ".join(error.format_message().split()).rstrip(".")
    if ctx is not None:
        text += f" — run `{ctx.command_path} --help` for its usage"
    typer.echo(f"{typer.style('error:', fg='red')} {text}", err=True)
