"""The standard workbook (biểu mẫu): sheet names, header labels and vocabularies (PRODUCT.md §4).

The template writer and the reader both take their words from here, so they cannot drift apart.
"""

from __future__ import annotations

from tracker.catalogue.plan import ROLE_LABELS as ROLE_LABELS  # the template shows them

TEMPLATE_VERSION = "2026.1"
# Template versions still accepted on import (older ones get a specific message).
ACCEPTED_TEMPLATE_VERSIONS = ("2026.1",)

SHEET_PROGRESS = "Tiến độ"
SHEET_INDICATORS = "Chỉ số"
SHEET_SCORES = "Tự chấm điểm"
SHEET_MODELS = "Dân vận khéo"
SHEET_GUIDE = "Hướng dẫn"
SHEET_META = "_meta"

# Header block labels (column A), found by text.
LABEL_UNIT = "Đơn vị"
LABEL_UNIT_CODE = "Mã đơn vị"
LABEL_PERIOD = "Kỳ báo cáo"
LABEL_REPORTER = "Người lập"
LABEL_PHONE = "Điện thoại"
LABEL_DATE = "Ngày lập"
HEADER_LABELS = (LABEL_UNIT, LABEL_UNIT_CODE, LABEL_PERIOD, LABEL_REPORTER, LABEL_PHONE, LABEL_DATE)

# Progress table columns: field name -> header text. Required ones are listed separately.
PROGRESS_COLUMNS = {
    "stt": "STT",
    "task_code": "Mã nhiệm vụ",
    "task_title": "Nội dung nhiệm vụ",
    "role": "Vai trò",
    "status": "Trạng thái",
    "percent": "Tỷ lệ hoàn thành (%)",
    "result_text": "Kết quả thực hiện trong kỳ",
    "evidence": "Văn bản, minh chứng",
    "difficulty": "Khó khăn, vướng mắc",
    "proposal": "Đề xuất, kiến nghị",
}
PROGRESS_REQUIRED = ("task_code", "status", "percent")

INDICATOR_COLUMNS = {
    "indicator_code": "Mã chỉ số",
    "name": "Tên chỉ số",
    "measure": "Đơn vị tính",
    "value": "Giá trị",
    "note": "Ghi chú",
}
INDICATOR_REQUIRED = ("indicator_code", "value")

SCORE_COLUMNS = {
    "criterion_code": "Mã tiêu chí",
    "title": "Nội dung tiêu chí",
    "max_points": "Điểm tối đa",
    "not_applicable": "Không áp dụng",
    "score": "Điểm tự chấm",
    "evidence": "Tài liệu kiểm chứng",
    "explanation": "Giải trình",
}
SCORE_REQUIRED = ("criterion_code",)

MODEL_COLUMNS = {
    "name": "Tên mô hình",
    "field": "Lĩnh vực",
    "content": "Nội dung, cách thức thực hiện",
    "timeframe": "Thời gian thực hiện",
    "outcome": "Sản phẩm, kết quả",
    "status": "Trạng thái",
}
MODEL_REQUIRED = ("name", "field")

STATUS_NOT_STARTED = "Chưa triển khai"
STATUS_IN_PROGRESS = "Đang thực hiện"
STATUS_DONE = "Hoàn thành"
STATUS_PAUSED = "Tạm dừng"
STATUSES = (STATUS_NOT_STARTED, STATUS_IN_PROGRESS, STATUS_DONE, STATUS_PAUSED)

# The fields (lĩnh vực) a model may name are a catalogue, not part of the contract: the Office
# keeps them in data/model_fields.csv (Hướng dẫn 10-HD/BTGDVTU), see plan.model_fields().
MODEL_STATUSES = ("Đăng ký", "Đang thực hiện", "Được công nhận", "Nhân rộng")

NOT_APPLICABLE_MARK = "x"

META_KEYS = (
    "template_version",
    "unit_code",
    "period",
    "generated_at",
    "plan_year",
    # The tasks the template pre-filled as 'Hoàn thành' (finished in an earlier week, evidence
    # given then), ';'-separated: the reader does not ask again for their evidence.
    "done_before",
)
