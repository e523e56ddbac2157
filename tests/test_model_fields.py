"""The fields of "Dân vận khéo" models as a catalogue (issue 15): shipped from Hướng dẫn
10-HD/BTGDVTU, accepted by the reader, followed by the template, edited and validated like the
other catalogues, and the Office's record of a model (kind, recognition, sent to Sở Nội vụ)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

import duckdb
import openpyxl
import pytest

from tests.scoring_fixture import add_models
from tests.workbook_factory import Book
from tracker import settings
from tracker.accounts import auth
from tracker.catalogue import catalogues, editing, plan
from tracker.ingest import contract, reader, submissions, template
from tracker.metrics import models_register
from tracker.metrics.models_register import Recognition, RecognitionError
from tracker.store import db

ON_TIME = datetime(2026, 3, 5, 10, 0)  # Thursday of week 10
KHCN = "Khoa học và công nghệ"
SHIPPED = [
    "Kinh tế",
    "Văn hóa - xã hội",
    "Quốc phòng - an ninh",
    "Xây dựng hệ thống chính trị",
    "Xây dựng Đảng và hệ thống chính trị",
    KHCN,
]


def _book(field: str) -> bytes:
    models = [{"name": "Số hóa hồ sơ một cửa", "field": field, "status": "Đăng ký"}]
    return Book(models=models).to_bytes()


def _deactivate(user: auth.User, name: str) -> None:
    frame = editing.catalogue_frame("model_fields", year=2026)
    frame.loc[frame["name"] == name, "active"] = False
    assert editing.save_catalogue("model_fields", frame, user, year=2026) == 1


def test_shipped_fields_keep_the_old_wording_and_add_the_guide_s(tmp_db: Path) -> None:
    assert plan.model_fields() == SHIPPED
    assert reader.Context.load().model_fields == tuple(SHIPPED)
    assert not hasattr(contract, "MODEL_FIELDS")  # one source: the catalogue


def test_migration_seed_matches_the_shipped_files() -> None:
    """A database made before 008 gets the same fields and headings as a fresh one."""
    con = duckdb.connect()
    migration = next(settings.MIGRATIONS_DIR.glob("008_*.sql"))
    con.execute(migration.read_text(encoding="utf-8"))
    for name, table, columns in (
        ("model_fields", "model_field", "code, name, active, note, sort_order"),
        ("task_groups", "task_group", "code, heading, sort_order"),
    ):
        file = settings.DATA_DIR / catalogues.FILES[name][0]
        problems: list[str] = []
        rows = catalogues.read_csv(file.read_text(encoding="utf-8"), name, problems)
        parse = getattr(catalogues, f"parse_{name}")
        expected = [tuple(r.values()) for r in parse(rows, problems)]
        seeded = con.execute(f"select {columns} from {table} order by sort_order").fetchall()
        assert problems == []
        assert seeded == expected, name


def test_a_science_and_technology_model_is_accepted(users: dict) -> None:
    result = submissions.submit(_book(KHCN), "hctc.xlsx", users["don_vi"], now=ON_TIME)
    assert result.status == "accepted", result.errors
    register = models_register.register(year=2026)
    assert register["field"].tolist() == [KHCN]
    matrix = models_register.field_status_matrix(register)
    assert matrix.index.tolist() == SHIPPED
    assert matrix.loc[KHCN, "Đăng ký"] == 1


def test_a_deactivated_field_is_refused_with_the_allowed_list(users: dict) -> None:
    _deactivate(users["quan_tri"], KHCN)
    result = submissions.submit(_book(KHCN), "hctc.xlsx", users["don_vi"], now=ON_TIME)
    assert result.status == "rejected"
    problem = next(p for p in result.errors if p.code == "model_field_invalid")
    assert problem.sheet == contract.SHEET_MODELS
    assert f"'{KHCN}' không hợp lệ" in problem.message
    allowed = ", ".join(SHIPPED[:-1])
    assert problem.fix == f"Chọn một trong: {allowed}."
    # The template's drop-down and guide follow the catalogue.
    wb = openpyxl.load_workbook(io.BytesIO(template.build("HCTC", "2026-W10", now=ON_TIME)))
    lists = {dv.formula1 for dv in wb[contract.SHEET_MODELS].data_validations.dataValidation}
    assert '"' + ",".join(SHIPPED[:-1]) + '"' in lists
    guide = " ".join(str(c.value) for c in wb[contract.SHEET_GUIDE]["A"] if c.value)
    assert KHCN not in guide and "Xây dựng Đảng và hệ thống chính trị" in guide


def test_a_field_edit_is_validated_with_vietnamese_messages(users: dict) -> None:
    frame = editing.catalogue_frame("model_fields", year=2026)
    frame.loc[0, "name"] = "Kinh tế, tài chính"
    frame.loc[1, "name"] = "quốc phòng - an ninh"
    with pytest.raises(catalogues.CatalogueError) as err:
        editing.save_catalogue("model_fields", frame, users["quan_tri"], year=2026)
    assert err.value.problems == [
        "Dòng 1: tên lĩnh vực 'Kinh tế, tài chính' không được chứa dấu phẩy hoặc dấu nháy kép "
        "(danh sách chọn của Excel dùng dấu phẩy để ngăn cách); hãy dùng dấu gạch ngang.",
        "Dòng 3: tên lĩnh vực 'Quốc phòng - an ninh' bị trùng.",
    ]
    none_active = editing.catalogue_frame("model_fields", year=2026).assign(active=False)
    with pytest.raises(catalogues.CatalogueError, match="ít nhất một lĩnh vực đang dùng"):
        editing.save_catalogue("model_fields", none_active, users["quan_tri"], year=2026)
    assert plan.model_fields() == SHIPPED  # nothing saved


def test_a_field_models_use_cannot_be_deleted_only_deactivated(users: dict) -> None:
    add_models("KT", "2026-W10", [{"name": "Chợ văn minh", "field": KHCN, "status": "Đăng ký"}])
    frame = editing.catalogue_frame("model_fields", year=2026)
    with pytest.raises(catalogues.CatalogueError) as err:
        editing.save_catalogue(
            "model_fields", frame[frame["code"] != "KHCN"], users["quan_tri"], year=2026
        )
    assert err.value.problems[0].startswith(
        "Không xóa được 'KHCN' vì đã có mô hình báo cáo thuộc lĩnh vực này. Hãy bỏ chọn cột"
    )
    _deactivate(users["quan_tri"], KHCN)
    assert KHCN in plan.model_fields(active_only=False)
    # The register still counts the model under its field, after the active ones.
    matrix = models_register.field_status_matrix(models_register.register(year=2026))
    assert matrix.index.tolist() == [*SHIPPED[:-1], KHCN]


def test_the_field_file_is_checked_with_file_and_line(tmp_path: Path) -> None:
    source = tmp_path / "cat"
    source.mkdir()
    for file, _ in catalogues.FILES.values():
        if (settings.DATA_DIR / file).exists():
            (source / file).write_bytes((settings.DATA_DIR / file).read_bytes())
    (source / "model_fields.csv").write_text(
        "code,name,active,note\nKT,Kinh tế,có lẽ,\nKT,,true,\n", encoding="utf-8"
    )
    with pytest.raises(catalogues.CatalogueError) as err:
        catalogues.read_dir(source)
    assert "model_fields.csv, dòng 2: cột 'active' phải là true/false, đang là 'có lẽ'." in (
        err.value.problems
    )
    assert "model_fields.csv, dòng 3: cột 'code': mã 'KT' bị trùng." in err.value.problems
    assert "model_fields.csv, dòng 3: thiếu tên lĩnh vực." in err.value.problems


# --- the Office's record ---------------------------------------------------------------------


def _model(unit: str = "KT") -> str:
    add_models(unit, "2026-W10", [{"name": "Chợ  Văn minh", "field": KHCN, "status": "Đăng ký"}])
    return models_register.register(year=2026)["model_key"].iloc[0]


def test_hctc_records_kind_decision_and_sending(users: dict) -> None:
    key = _model()
    value = Recognition("Điển hình", " 125/QĐ-VP ", date(2026, 1, 5), True, date(2026, 1, 6))
    assert models_register.record_recognition(users["quan_tri"], "KT", key, value, year=2026)
    assert not models_register.record_recognition(users["quan_tri"], "KT", key, value, year=2026)
    row = models_register.register(year=2026).iloc[0]
    assert (row["kind"], row["decision_no"], bool(row["sent_to_snv"])) == (
        "Điển hình",
        "125/QĐ-VP",
        True,
    )
    assert models_register.decision_text(row["decision_no"], row["decision_date"]) == (
        "Số 125/QĐ-VP ngày 05/01/2026"
    )
    assert models_register.sent_text(row["sent_to_snv"], row["sent_date"]) == (
        "Đã gửi ngày 06/01/2026"
    )
    logged = db.rows("select target, after_value from audit_log where action = 'model_recognition'")
    assert len(logged) == 1 and logged[0][0] == f"KT|{key}"
    assert "125/QĐ-VP" in logged[0][1]


def test_recognition_mistakes_are_listed_and_nothing_is_stored(users: dict) -> None:
    key = _model()
    future = settings.now().date().replace(year=settings.now().year + 1)
    bad = Recognition("Tập thể", "125/QĐ-VP", None, False, future)
    with pytest.raises(RecognitionError) as err:
        models_register.record_recognition(users["quan_tri"], "KT", key, bad, year=2026)
    assert err.value.problems == [
        "Loại 'Tập thể' không hợp lệ; chọn một trong: Mô hình, Điển hình.",
        "Ghi đủ cả số và ngày của quyết định công nhận (hoặc để trống cả hai nếu chưa có).",
        "Có ngày gửi nhưng chưa đánh dấu 'Đã gửi Sở Nội vụ'; đánh dấu hoặc xóa ngày.",
        f"Ngày gửi Sở Nội vụ {future:%d/%m/%Y} ở tương lai; kiểm tra lại.",
    ]
    with pytest.raises(RecognitionError, match="Không tìm thấy mô hình"):
        models_register.record_recognition(
            users["quan_tri"], "HCTC", key, Recognition("Mô hình"), year=2026
        )
    with pytest.raises(auth.PermissionDenied):
        models_register.record_recognition(
            users["don_vi"], "KT", key, Recognition("Mô hình"), year=2026
        )
    assert db.scalar("select count(*) from model_recognition") == 0


def test_register_table_marks_sample_units_and_shows_the_record(users: dict) -> None:
    from tracker.ui import models_view

    key = _model("KT")
    models_register.record_recognition(
        users["quan_tri"], "KT", key, Recognition("Mô hình"), year=2026
    )
    table = models_view.register_table(models_register.register(year=2026), settings.db_path())
    row = table.iloc[0]
    assert row["Đơn vị"] == "Phòng Kinh tế (mẫu)"
    assert (row["Loại"], row["Quyết định công nhận"], row["Gửi Sở Nội vụ"]) == ("Mô hình", "", "")


def test_csv_exports_keep_the_catalogue_s_unit_name(users: dict) -> None:
    """Exports are data: the name column holds the catalogue's name (no "(mẫu)")."""

    _model()
    rows = list(csv.reader(io.StringIO(models_register.models_csv(year=2026).decode("utf-8-sig"))))
    assert rows[1][:4] == ["KT", "Phòng Kinh tế", "Chợ  Văn minh", KHCN]


def test_hctc_records_on_the_page_and_units_do_not_see_the_form(users: dict) -> None:
    from tests.apptest_helpers import open_page, texts

    key = _model()
    suffix = f"KT|{key}"
    at = open_page(users["quan_tri"], "dan_van_kheo")
    assert not at.exception, at.exception
    at.selectbox(key=f"recognition_kind_{suffix}").set_value("Mô hình")
    at.text_input(key=f"recognition_no_{suffix}").set_value("7/QĐ-VP")
    at.date_input(key=f"recognition_date_{suffix}").set_value(date(2026, 1, 5))
    next(b for b in at.button if b.label == "Lưu").click().run()
    assert not at.exception, at.exception
    assert "Đã lưu (đã ghi nhật ký)." in texts(at)
    table = at.dataframe[0].value
    assert table.iloc[0]["Quyết định công nhận"] == "Số 7/QĐ-VP ngày 05/01/2026"
    assert table.iloc[0]["Loại"] == "Mô hình"
    add_models("HCTC", "2026-W10", [{"name": "Tiếp dân lưu động", "field": KHCN}])
    unit_view = open_page(users["don_vi"], "dan_van_kheo")  # HCTC's own unit account
    assert not unit_view.exception, unit_view.exception
    assert unit_view.dataframe[0].value.iloc[0]["Tên mô hình"] == "Tiếp dân lưu động"
    assert "Phân loại, công nhận và gửi Sở Nội vụ" not in texts(unit_view)
