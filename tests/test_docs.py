"""The README tells the truth: its two commands lead, and its CLI examples parse."""

import shlex

from khabar.cli import build_parser
from tests.conftest import ROOT


def test_readme_opens_with_make_demo_and_make_test():
    head = (ROOT / "README.md").read_text().split("\n")[:8]
    assert any(line.startswith("make demo") for line in head)
    assert any(line.startswith("make test") for line in head)


def test_readme_cli_examples_parse():
    parser = build_parser()
    lines = [line.split("#")[0].strip() for line in (ROOT / "README.md").read_text().splitlines()]
    examples = [line for line in lines if ".venv/bin/khabar " in line]
    assert examples
    for line in examples:
        argv = shlex.split(line.split(".venv/bin/khabar ", 1)[1])
        parser.parse_args(argv)


def test_makefile_targets_exist():
    makefile = (ROOT / "Makefile").read_text()
    for target in ("demo:", "test:", "bench:"):
        assert target in makefile
