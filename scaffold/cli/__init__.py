"""The command line: the only code that prints, prompts or exits.

Kept empty on purpose: the console script's first module, `scaffold.cli.replay`, must load
without typer or rich.
"""
