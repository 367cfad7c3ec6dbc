"""The `kaikaku` command: table.py lists the commands (name, help, handler, arguments), program.py builds the
parser from that table and runs one, commands.py holds what each command does, args.py the argparse that speaks
Japanese."""

from kaikaku_xl.cli.program import main

__all__ = ["main"]
