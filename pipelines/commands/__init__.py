"""The commands of `gongkai`, one module each. `pipelines/cli.py` imports a command's module
only when that command runs, so `gongkai --help`, `parse`, `sql` and `export` never load Dagster."""

from __future__ import annotations


class CommandError(Exception):
    """A mistake the user can fix: printed as one line ``gongkai <command>: <message>``."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code
