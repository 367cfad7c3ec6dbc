"""The `kaikaku` command: program.py builds the parser from the table of commands and runs one, commands.py
holds what each command does, args.py the argparse that speaks Japanese."""

from kaikaku_xl.cli.program import main

__all__ = ["main"]
