-- 009: requests from Sở Nội vụ (the plan's III.2.a and III.2.b are done "khi có yêu cầu") and the
-- Office's answers. A registered request gives its on-request task a real deadline: PRODUCT.md §6
-- "an open request from Sở Nội vụ gives them that request's deadline as their due date".

create sequence report_request_id_seq;
create table report_request (
    id bigint primary key default nextval('report_request_id_seq'),
    task_code varchar not null,          -- the theo_yeu_cau task it asks for (III.2.a, III.2.b)
    doc_number varchar not null,         -- số văn bản yêu cầu, e.g. '125/SNV-XDCQ'
    doc_date date not null,              -- ngày văn bản
    issuer varchar not null,             -- cơ quan, e.g. 'Sở Nội vụ'
    subject varchar not null,            -- trích yếu
    content varchar,                     -- nội dung yêu cầu
    due_date date not null,              -- hạn báo cáo
    period_from date,                    -- kỳ số liệu (both or neither)
    period_to date,
    registered_by varchar not null,
    registered_at timestamp not null
);

-- The Office's answer: at most one per request; the report file is kept like the uploads
-- (files_dir/<ab>/<sha256>.<ext>).
create table report_answer (
    request_id bigint primary key,
    report_number varchar not null,      -- số báo cáo, e.g. '25/BC-VPUB'
    sent_date date not null,             -- ngày gửi
    file_sha256 varchar,
    file_name varchar,
    answered_by varchar not null,
    answered_at timestamp not null
);

-- (Its macros and views: queries/rules.sql since migration 011.)
