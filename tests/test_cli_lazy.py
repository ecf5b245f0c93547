"""The command table of the lazily loaded CLI matches the command modules."""

from __future__ import annotations

import importlib
import subprocess
import sys

from toolkit.cli import COMMANDS


def test_command_table_matches_modules() -> None:
    found = {}
    for module_name in sorted(set(COMMANDS.values())):
        module = importlib.import_module(f"toolkit.cli.{module_name}")
        for command in module.commands:
            found[command.name] = module_name
    assert found == COMMANDS


def test_validate_does_not_import_other_command_modules() -> None:
    code = (
        "import sys\n"
        "from toolkit.cli import cli\n"
        "cli.get_command(None, 'validate')\n"
        "print(sorted(m for m in sys.modules if m.startswith('toolkit.cli.')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert "toolkit.cli.validate_cmd" in out
    assert "toolkit.cli.exchange_cmds" not in out
    assert "toolkit.cli.analysis_cmds" not in out
