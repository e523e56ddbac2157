"""`--db PATH` before or after the command, for every command (PRODUCT.md §9)."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, child_env
from tracker.ingest import template
from tracker.store import db
from tracker.tools import cli

# One valid command line per command (without --db).
COMMANDS = [
    ["init"],
    ["template", "--unit", "HCTC", "--week", "2026-W10", "--out", "f.xlsx"],
    ["import", "a.xlsx", "b.xlsx", "--dry-run"],
    ["export", "summary", "--week", "2026-W10", "--out", "f.csv"],
    ["demo", "--scale", "office"],
    ["bench", "--quick"],
    ["users", "add", "--username", "u", "--role", "quan_tri"],
    ["users", "list"],
    ["users", "disable", "--username", "u"],
    ["users", "enable", "--username", "u"],
    ["users", "reset-password", "--username", "u"],
    ["backup", "--out", "bk"],
    ["restore", "bk"],
]


def _subcommands(parser: argparse.ArgumentParser) -> list[tuple[str, argparse.ArgumentParser]]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, command in action.choices.items():
                found.append((name, command))
                found += [(f"{name} {n}", c) for n, c in _subcommands(command)]
    return found


def test_every_command_and_subcommand_takes_db() -> None:
    """Also commands added later (e.g. `users unlock`): the option is added to all of them."""
    commands = _subcommands(cli.build_parser())
    assert len(commands) >= len(COMMANDS)
    for name, command in commands:
        assert "--db" in command.format_usage(), name


@pytest.mark.parametrize("argv", COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_db_before_or_after_the_command(argv: list[str]) -> None:
    parser = cli.build_parser()
    assert parser.parse_args(argv).db is None
    assert parser.parse_args(["--db", "truoc.duckdb", *argv]).db == "truoc.duckdb"
    assert parser.parse_args([*argv, "--db", "sau.duckdb"]).db == "sau.duckdb"
    both = parser.parse_args(["--db", "truoc.duckdb", *argv, "--db", "sau.duckdb"])
    assert both.db == "sau.duckdb"  # the last one given wins
    if argv[0] == "users":
        middle = parser.parse_args([argv[0], "--db", "giua.duckdb", *argv[1:]])
        assert middle.db == "giua.duckdb"


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """TRACKER_DB points at a database that must stay untouched; main() may change the env."""
    default = tmp_path / "mac-dinh" / "tracker.duckdb"
    monkeypatch.setenv("TRACKER_DB", str(default))
    monkeypatch.setenv("TRACKER_DAILY_BACKUP", "0")
    db.close_all()
    yield default
    db.close_all()


def _workbook(tmp_path: Path) -> Path:
    """A blank weekly template for HCTC (made in a scratch database)."""
    scratch = tmp_path / "nhap.duckdb"
    file = tmp_path / "HCTC_2026-W10.xlsx"
    file.write_bytes(template.build("HCTC", "2026-W10", path=scratch))
    db.close_all()
    return file


def test_import_with_db_after_the_files(elsewhere: Path, tmp_path: Path, capsys) -> None:
    target = tmp_path / "chon" / "tracker.duckdb"
    files = [_workbook(tmp_path), tmp_path / "khong-co.xlsx"]
    code = cli.main(["import", *map(str, files), "--db", str(target)])
    assert code == 1  # a file is rejected; not a usage error (2)
    first, missing = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert first["unit"] == "HCTC"
    assert first["period"] == "2026-W10"
    assert missing["errors"][0]["code"] == "file_not_found"
    assert target.exists()  # the database named after the files was the one used
    assert db.scalar("select count(*) from submission", path=target) == 1
    assert not elsewhere.exists()


@pytest.mark.now("2026-03-18T10:00:00")  # after W10's deadline: its data may be exported
def test_users_and_export_with_db_after_the_command(
    elsewhere: Path, tmp_path: Path, capsys
) -> None:
    target = tmp_path / "chon.duckdb"
    argv = ["users", "add", "--username", "quantri", "--role", "quan_tri", "--password", "x" * 12]
    assert cli.main([*argv, "--db", str(target)]) == 0
    assert db.scalar("select count(*) from app_user", path=target) == 1
    db.close_all()
    out = tmp_path / "tong-hop.csv"
    argv = ["export", "summary", "--week", "2026-W10", "--out", str(out), "--db", str(target)]
    assert cli.main(argv) == 0, capsys.readouterr().err
    assert out.stat().st_size > 0
    assert not elsewhere.exists()


def test_subprocess_usage_from_the_spec(tmp_path: Path) -> None:
    """The exact shape PRODUCT.md §9 shows, through `python -m tracker`: no exit code 2."""
    target = tmp_path / "tracker.duckdb"
    file = _workbook(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "tracker", "import", str(file), "--db", str(target)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=child_env(TRACKER_DAILY_BACKUP="0"),
    )
    assert proc.returncode in (0, 1), proc.stderr
    assert json.loads(proc.stdout)["unit"] == "HCTC"
    assert db.scalar("select count(*) from submission", path=target) == 1
