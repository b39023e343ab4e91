"""CI must run exactly the test command the README gives users."""

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_ci_runs_the_readme_test_command():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"```bash\n(.+?)\n```", readme)
    assert len(commands) == 2, commands
    run_command, test_command = commands
    assert run_command.endswith("pip install -e . && nnsim")
    assert "pytest" in test_command
    ci_lines = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert any(line.startswith(test_command) for line in ci_lines), test_command
