-- 008: three catalogue-side tables (issue 15).
-- * model_field: the fields (lĩnh vực) of "Dân vận khéo" models, from data/model_fields.csv; the
--   workbook reader accepts the active ones and the template's drop-down lists them.
-- * task_group: the plan's section and item headings (data/task_groups.csv), e.g. II.1
--   "Tăng cường sự lãnh đạo …" and III.2 "Giao Trưởng Phòng Hành chính - Tổ chức:"; an empty
--   heading means the item is itself the task (its text is the task's full text).
-- * model_recognition: what the Office (HCTC) records about a unit's model on the Dân vận khéo
--   page: mô hình or điển hình, the recognition decision (number, date) and whether (and when)
--   it was sent to Sở Nội vụ. Keyed by the model's identity across submissions (model_key:
--   NFC, lower case, single spaces, as in queries/models_register.sql).
-- Both catalogues are seeded here with the shipped files' rows, so a database created before this
-- migration (whose catalogues are not reloaded) keeps accepting models; a fresh database is then
-- loaded from data/ like every catalogue.

create table model_field (
    code varchar primary key,
    name varchar not null,
    active boolean not null default true,
    note varchar,
    sort_order integer not null
);

insert into model_field values
    ('KT', 'Kinh tế', true, 'Hướng dẫn 10-HD/BTGDVTU', 1),
    ('VHXH', 'Văn hóa - xã hội', true, 'Hướng dẫn 10-HD/BTGDVTU', 2),
    ('QPAN', 'Quốc phòng - an ninh', true, 'Hướng dẫn 10-HD/BTGDVTU', 3),
    (
        'XDHTCT',
        'Xây dựng hệ thống chính trị',
        true,
        'Tên dùng từ biểu mẫu 2026.1; giữ để các báo cáo đã nộp vẫn hợp lệ',
        4
    ),
    ('XDD', 'Xây dựng Đảng và hệ thống chính trị', true, 'Hướng dẫn 10-HD/BTGDVTU', 5),
    ('KHCN', 'Khoa học và công nghệ', true, 'Hướng dẫn 10-HD/BTGDVTU', 6);

create table task_group (
    code varchar primary key,
    heading varchar,
    sort_order integer not null
);

insert into task_group values
    ('II', 'NỘI DUNG THỰC HIỆN', 1),
    (
        'II.1',
        'Tăng cường sự lãnh đạo của cấp ủy, chính quyền đối với công tác dân vận chính quyền, '
        || 'thực hiện dân chủ ở cơ sở',
        2
    ),
    ('II.2', 'Ban hành văn bản:', 3),
    ('II.3', '', 4),
    ('II.4', '', 5),
    ('II.5', '', 6),
    ('II.6', '', 7),
    ('III', 'TỔ CHỨC THỰC HIỆN', 8),
    ('III.1', '', 9),
    ('III.2', 'Giao Trưởng Phòng Hành chính - Tổ chức:', 10);

create table model_recognition (
    unit_code varchar not null,
    model_key varchar not null,
    kind varchar check (kind in ('Mô hình', 'Điển hình')),
    decision_no varchar,
    decision_date date,
    sent_to_snv boolean not null default false,
    sent_date date,
    updated_by varchar not null,
    updated_at timestamp not null,
    primary key (unit_code, model_key)
);
