"""The Dân vận khéo register: current sheets, filters, status order, history and the CSV."""

from __future__ import annotations

import csv
import io
import unicodedata
from datetime import datetime
from pathlib import Path

from tests.scoring_fixture import add_models
from tracker.metrics import models_register
from tracker.ui import tables

MODEL = "Tổ tiếp công dân lưu động"
ECO = "Kinh tế"
POL = "Xây dựng hệ thống chính trị"


def _setup() -> None:
    add_models(
        "HCTC",
        "2026-W10",
        [
            {"name": MODEL, "field": POL, "status": "Đăng ký"},
            {"name": "Cơ quan không giấy tờ", "field": ECO, "status": "Đăng ký"},
        ],
    )
    # Two weeks later the same model, typed in NFD with extra spaces, moved on; the second
    # model is no longer listed (the latest sheet is the register).
    nfd = unicodedata.normalize("NFD", MODEL.replace(" lưu", "  lưu"))
    add_models(
        "HCTC",
        "2026-W12",
        [
            {
                "name": nfd,
                "field": POL,
                "status": "Đang thực hiện",
                "outcome": "12 buổi tiếp",
            }
        ],
    )
    add_models("KT", "2026-W11", [{"name": "Chợ văn minh", "field": ECO, "status": "Nhân rộng"}])
    # KT corrects its W11 sheet: the later submission supersedes the first.
    add_models(
        "KT",
        "2026-W11",
        [{"name": "Chợ văn minh", "field": ECO, "status": "Được công nhận"}],
        uploaded_at=datetime(2026, 3, 13, 9, 0),
    )


def test_register_lists_latest_sheets(tmp_db: Path) -> None:
    _setup()
    reg = models_register.register(year=2026)
    assert list(zip(reg["unit_code"], reg["status"], strict=True)) == [
        ("HCTC", "Đang thực hiện"),
        ("KT", "Được công nhận"),
    ]
    hctc = reg[reg["unit_code"] == "HCTC"].iloc[0]
    assert hctc["period"] == "2026-W12"
    assert hctc["first_period"] == "2026-W10"  # first listed in W10, under another spelling
    assert hctc["status_order"] == 2


def test_filters_and_counts(tmp_db: Path) -> None:
    _setup()
    reg = models_register.register(year=2026)
    assert len(models_register.filtered(reg, unit="KT")) == 1
    assert models_register.filtered(reg, field="kinh tế")["unit_code"].tolist() == ["KT"]
    assert models_register.filtered(reg, status="Đang thực hiện")["unit_code"].tolist() == ["HCTC"]
    assert models_register.filtered(reg, unit="HCTC", field=ECO).empty
    assert models_register.status_counts(reg) == {
        "Đăng ký": 0,
        "Đang thực hiện": 1,
        "Được công nhận": 1,
        "Nhân rộng": 0,
    }
    matrix = models_register.field_status_matrix(reg)
    assert matrix.loc[ECO, "Được công nhận"] == 1
    assert matrix.loc[POL, "Đang thực hiện"] == 1
    assert matrix.loc["Quốc phòng - an ninh"].sum() == 0


def test_history_of_a_model(tmp_db: Path) -> None:
    _setup()
    hist = models_register.history("HCTC", MODEL)
    assert hist["period"].tolist() == ["2026-W10", "2026-W12"]
    assert hist["status"].tolist() == ["Đăng ký", "Đang thực hiện"]
    table = tables.model_history_table(hist)
    assert table["Thay đổi trạng thái"].tolist() == ["Lần đầu báo cáo", "Đăng ký → Đang thực hiện"]
    assert table["Tuần báo cáo"].tolist() == ["Tuần 10/2026", "Tuần 12/2026"]
    kt = models_register.history("KT", "chợ văn minh")
    assert kt["status"].tolist() == ["Nhân rộng", "Được công nhận"]
    assert kt["is_current"].tolist() == [False, True]


def test_models_csv(tmp_db: Path) -> None:
    _setup()
    add_models("VX", "2026-W10", [{"name": "=cmd|' /C calc'!A0", "field": ECO, "status": ""}])
    data = models_register.models_csv(year=2026)
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == list(models_register.MODELS_CSV_COLUMNS)
    hctc = rows[1]
    assert hctc[:4] == ["HCTC", "Phòng Hành chính - Tổ chức", hctc[2], POL]
    assert unicodedata.normalize("NFC", hctc[2]).split() == MODEL.split()
    assert hctc[6:] == ["12 buổi tiếp", "Đang thực hiện", "2026-W10", "2026-W12", "", "", ""]
    vx = next(r for r in rows if r[0] == "VX")
    assert vx[2] == "'=cmd|' /C calc'!A0"
    assert len(rows) == 4
