"""`python -m tracker city-item list|load|export` and `city-criteria list|load`
(tracker/tools/cli_city_items.py): what Quản trị thành phố's tabs "Mục của Kế hoạch thành phố"
and "Bộ tiêu chí của thành phố" do, through the same domain functions, with the page's refusals
and words; writes refused while another process holds the registry (exit 3). On the city sample
(tests/city_fixture.py): reads on the shared one, writes on a copy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.city_fixture import CITY_NOW
from tests.test_cli_unix import HOLD, run_cli
from tracker import settings
from tracker.catalogue import criteria
from tracker.city import bodies, items, registry, shared_criteria
from tracker.store import db
from tracker.tools import cli

pytestmark = pytest.mark.now(CITY_NOW)


def _run(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_items_are_listed_as_the_page_lists_them(city: Path, capsys) -> None:
    listed = items.items(2026, registry.path())
    code, out, err = _run(capsys, "city-item", "list")  # the page's default year: 2026
    assert code == 0, err
    assert out.splitlines() == [f"{i.code}\t{i.title}\t{i.note or ''}" for i in listed]
    assert "Danh sách mục năm 2026 đang là danh sách tạm thời (mẫu kèm theo)." in err
    code, out, err = _run(capsys, "city-item", "list", "--year", "2030")
    assert code == 1 and not out
    assert "Lỗi: năm 2030 chưa có danh sách mục của Kế hoạch thành phố (có: 2026)." in err
    with pytest.raises(SystemExit) as ended:
        cli.main(["city-item", "list", "--year", "sau"])
    err = capsys.readouterr().err
    assert ended.value.code == 2 and "Lỗi: tham số --year: 'sau'" in err, err


def test_items_exported_are_the_page_s_download(city: Path, capsys, tmp_path: Path) -> None:
    out_file = tmp_path / "ra" / "muc.csv"
    code, out, err = _run(capsys, "city-item", "export", "--year", "2026", "--out", str(out_file))
    assert code == 0, err
    assert out_file.read_bytes() == items.export_csv(2026, registry.path())
    assert f"Đã ghi {out_file}" in out


def test_items_loaded_from_a_csv_replace_the_years_list(city_rw: Path, capsys, tmp_path) -> None:
    reg = registry.path()
    source = tmp_path / "muc.csv"
    source.write_text("year,code,title,note\n2026,1,Mục một,\n2026,2,Mục hai,ghi chú\n")
    code, out, err = _run(capsys, "city-item", "load", str(source))
    assert code == 0, err
    assert out.strip() == "Đã nạp các mục của Kế hoạch thành phố năm 2026 từ muc.csv."
    assert [(i.code, i.title, i.note) for i in items.items(2026, reg)] == [
        ("1", "Mục một", ""),
        ("2", "Mục hai", "ghi chú"),
    ]
    assert not any(i.provisional for i in items.items(2026, reg))
    logged = db.rows(
        "select username, role from audit_log where action = 'city_items_load'", path=reg
    )
    assert logged == [("he_thong", "quan_tri_tp")]
    code, out, err = _run(capsys, "city-item", "list")
    assert out.splitlines() == ["1\tMục một\t", "2\tMục hai\tghi chú"] and not err


def test_a_csv_with_mistakes_loads_nothing_and_says_every_one(
    city_rw: Path, capsys, tmp_path: Path
) -> None:
    reg = registry.path()
    before = items.export_csv(2026, reg)
    bad = tmp_path / "muc.csv"
    bad.write_text("year,code,title\n2026,1,Mục một\n2026,,\nhai,3,Mục ba\n")
    code, out, err = _run(capsys, "city-item", "load", str(bad))
    assert code == 1 and not out
    assert err.splitlines() == [
        "Tệp các mục có lỗi, chưa nạp gì:",
        "- muc.csv, dòng 3: thiếu mã mục.",
        "- muc.csv, dòng 3: thiếu nội dung mục.",
        "- muc.csv, dòng 4: cột 'year' phải là năm (ví dụ 2026), đang là 'hai'.",
    ]
    latin = tmp_path / "latin.csv"
    latin.write_bytes(b"year,code,title\n2026,1,M\xe1c m\xf4t\n")  # Latin-1, not UTF-8
    code, _, err = _run(capsys, "city-item", "load", str(latin))
    assert code == 1 and "latin.csv: tệp không ở mã UTF-8" in err
    code, _, err = _run(capsys, "city-item", "load", str(tmp_path / "khong-co.csv"))
    assert code == 1 and "Lỗi: không đọc được" in err and "khong-co.csv" in err
    assert items.export_csv(2026, reg) == before


def test_the_criteria_set_is_listed(city: Path, capsys) -> None:
    head, rows = shared_criteria.city_set(2026, registry.path())
    code, out, err = _run(capsys, "city-criteria", "list", "--year", "2026")
    assert code == 0, err
    lines = out.splitlines()
    state = " (tạm thời)" if head["provisional"] else ""
    assert lines[0] == f"Bộ tiêu chí năm 2026{state}: {head['label']}"
    assert [line.split("\t")[0] for line in lines[1:]] == [r["code"] for r in rows]
    assert all(len(line.split("\t")) == 4 for line in lines[1:])


def _criteria_book(tmp_path: Path) -> Path:
    """The home body's active set of 2026 as the .xlsx the page reads."""
    home = settings.db_path()
    book = tmp_path / "bo.xlsx"
    book.write_bytes(criteria.to_xlsx(criteria.active_set(home, year=2026)["id"], home))
    return book


def test_a_criteria_set_loaded_reaches_every_body(city_rw: Path, capsys, tmp_path) -> None:
    reg, book = registry.path(), _criteria_book(tmp_path)
    active = [b.code for b in bodies.all_bodies(reg) if b.active and b.path.exists()]
    code, out, err = _run(
        capsys, "city-criteria", "load", str(book), "--year", "2026", "--label", "Phụ lục II"
    )
    assert code == 0, err
    assert out.strip() == (
        f"Đã nạp bộ tiêu chí năm 2026 của thành phố từ bo.xlsx và chép vào {len(active)} cơ "
        f"quan: {', '.join(active)}."
    )
    head, _ = shared_criteria.city_set(2026, reg)
    assert head["label"] == "Phụ lục II" and not head["provisional"]
    assert criteria.active_set(bodies.find("X001", reg).path, year=2026)["label"] == "Phụ lục II"


def test_a_criteria_set_the_page_would_refuse_is_refused(city_rw: Path, capsys, tmp_path) -> None:
    reg, book = registry.path(), _criteria_book(tmp_path)
    before = shared_criteria.city_set(2026, reg)
    code, out, err = _run(
        capsys, "city-criteria", "load", str(book), "--year", "2026", "--label", " "
    )
    assert code == 1 and not out
    assert err.splitlines() == [
        "Bộ tiêu chí có lỗi, chưa nạp gì:",
        "- Cần đặt tên cho bộ tiêu chí.",
    ]
    code, _, err = _run(capsys, "city-criteria", "load", str(book), "--year", "2030")
    assert code == 1 and "năm 2030 chưa có danh sách mục của Kế hoạch thành phố" in err
    (tmp_path / "hong.xlsx").write_bytes(b"not a workbook")
    code, _, err = _run(
        capsys, "city-criteria", "load", str(tmp_path / "hong.xlsx"), "--year", "2026"
    )
    assert code == 1 and err.startswith("Bộ tiêu chí có lỗi, chưa nạp gì:"), err
    assert shared_criteria.city_set(2026, reg) == before


def test_writes_refuse_while_the_registry_is_held(city_rw: Path, tmp_path: Path) -> None:
    """As every command that writes: exit 3 and the busy message while the server (here a
    process holding the registry) has the file; nothing loaded."""
    reg = registry.path()
    before = items.export_csv(2026, reg)
    source = tmp_path / "muc.csv"
    source.write_text("year,code,title\n2026,1,Mục một\n")
    book = _criteria_book(tmp_path)
    db.close_all()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(reg)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        for argv in (
            ["city-item", "load", str(source)],
            ["city-criteria", "load", str(book), "--year", "2026"],
        ):
            ran = run_cli(*argv, db_path=city_rw)
            assert ran.returncode == 3, (argv, ran.stderr)
            assert ran.stderr.startswith("Máy chủ đang chạy"), ran.stderr
            assert "Traceback" not in ran.stderr + ran.stdout
    finally:
        holder.kill()
        holder.wait()
    assert items.export_csv(2026, reg) == before
