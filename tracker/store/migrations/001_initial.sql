-- 001: catalogues, accounts, audit, submissions and their parsed rows.
-- Times are stored as naive local time in Asia/Ho_Chi_Minh (UTC+7, no daylight saving).

create table unit (
    code varchar primary key,
    name varchar not null,
    active boolean not null default true,
    sample boolean not null default false,
    note varchar,
    sort_order integer not null
);

create table task (
    code varchar primary key,
    sort_order integer not null,
    group_code varchar not null,
    short_title varchar not null,
    full_text varchar not null,
    directing varchar not null,
    lead_unit varchar,
    -- '*' = every active unit (other than the lead); otherwise unit codes separated by ';'
    coordinating varchar,
    start_date date not null,
    due_date date not null,
    weight double not null default 1,
    kind varchar not null check (kind in ('thuong_xuyen', 'san_pham', 'theo_yeu_cau')),
    assignment_inferred boolean not null default false
);

create table indicator (
    code varchar primary key,
    sort_order integer not null,
    name varchar not null,
    measure varchar,
    kind varchar not null check (kind in ('flow', 'stock')),
    task_code varchar
);

create sequence criteria_set_id_seq;
create table criteria_set (
    id integer primary key default nextval('criteria_set_id_seq'),
    label varchar not null,
    source varchar not null,
    provisional boolean not null,
    active boolean not null,
    loaded_at timestamp not null,
    loaded_by varchar
);

create table criterion (
    set_id integer not null,
    code varchar not null,
    sort_order integer not null,
    group_code varchar not null,
    group_name varchar not null,
    title varchar not null,
    max_points double not null,
    kind varchar not null check (kind in ('ordinary', 'bonus', 'penalty')),
    evidence_hint varchar,
    responsible_unit varchar not null,
    primary key (set_id, code)
);

create table setting (
    key varchar primary key,
    value varchar not null,
    description varchar
);

create table app_user (
    username varchar primary key,
    full_name varchar,
    password_hash varchar not null,
    role varchar not null check (role in ('don_vi', 'lanh_dao', 'quan_tri')),
    unit_code varchar,
    active boolean not null default true,
    sample boolean not null default false,
    failed_logins integer not null default 0,
    locked_until timestamp,
    created_at timestamp not null,
    password_changed_at timestamp
);

create sequence audit_id_seq;
create table audit_log (
    id bigint primary key default nextval('audit_id_seq'),
    logged_at timestamp not null,
    username varchar,
    role varchar,
    action varchar not null,
    target varchar,
    detail varchar,
    before_value varchar,
    after_value varchar
);

-- Every uploaded file, byte for byte, is kept on disk under data/uploads/<sha256>.xlsx.
create table stored_file (
    sha256 varchar primary key,
    size_bytes bigint not null,
    path varchar not null,
    first_seen timestamp not null
);

create sequence submission_id_seq;
create table submission (
    id bigint primary key default nextval('submission_id_seq'),
    sha256 varchar not null,
    filename varchar not null,
    unit_code varchar,
    period varchar,
    status varchar not null check (status in ('accepted', 'rejected', 'duplicate')),
    uploaded_at timestamp not null,
    uploaded_by varchar,
    uploader_role varchar,
    on_behalf boolean not null default false,
    reporter varchar,
    phone varchar,
    report_date varchar,
    has_progress boolean not null default false,
    has_indicators boolean not null default false,
    has_scores boolean not null default false,
    has_models boolean not null default false,
    criteria_set_id integer,
    errors_json varchar,
    warnings_json varchar,
    duplicate_of bigint
);

-- Which accepted submission currently stands for each (unit, week, sheet).
-- A new accepted submission replaces only the sheets it contains; an admin restore re-points it.
create table current_sheet (
    unit_code varchar not null,
    period varchar not null,
    sheet varchar not null check (sheet in ('progress', 'indicators', 'scores', 'models')),
    submission_id bigint not null,
    primary key (unit_code, period, sheet)
);

create table progress_row (
    submission_id bigint not null,
    task_code varchar not null,
    row_no integer not null,
    role varchar,
    status varchar not null,
    percent double not null,
    result_text varchar,
    evidence varchar,
    difficulty varchar,
    proposal varchar,
    primary key (submission_id, task_code)
);

create table indicator_value (
    submission_id bigint not null,
    indicator_code varchar not null,
    row_no integer not null,
    value double not null,
    note varchar,
    primary key (submission_id, indicator_code)
);

create table score_row (
    submission_id bigint not null,
    criterion_code varchar not null,
    row_no integer not null,
    not_applicable boolean not null default false,
    score double,
    evidence varchar,
    explanation varchar,
    primary key (submission_id, criterion_code)
);

create table model_row (
    submission_id bigint not null,
    row_no integer not null,
    name varchar not null,
    field varchar not null,
    content varchar,
    timeframe varchar,
    outcome varchar,
    status varchar,
    primary key (submission_id, row_no)
);

-- Difficulties raised directly in the app (sheet difficulties live in progress_row).
create sequence difficulty_id_seq;
create table difficulty (
    id bigint primary key default nextval('difficulty_id_seq'),
    unit_code varchar not null,
    task_code varchar,
    content varchar not null,
    proposal varchar,
    raised_by varchar,
    raised_at timestamp not null
);

-- Handling marks. For an in-app difficulty: source 'app', ref = its id.
-- For a sheet difficulty: source 'sheet', ref = 'UNIT|TASK', text = the difficulty text handled;
-- a later report with a different text is a new, open difficulty.
create table difficulty_handled (
    source varchar not null check (source in ('app', 'sheet')),
    ref varchar not null,
    text_handled varchar not null default '',
    handled_by varchar not null,
    handled_at timestamp not null,
    note varchar,
    primary key (source, ref, text_handled)
);

create sequence lock_exception_id_seq;
create table lock_exception (
    id bigint primary key default nextval('lock_exception_id_seq'),
    unit_code varchar not null,
    period varchar not null,
    reason varchar not null,
    expires_at timestamp not null,
    granted_by varchar not null,
    granted_at timestamp not null
);

-- Reviewed scores (điểm thẩm định) per criterion and unit; unit 'VP' holds HCTC's adjustments
-- of the Office's own assessment.
create table review_score (
    set_id integer not null,
    year integer not null,
    unit_code varchar not null,
    criterion_code varchar not null,
    score double,
    comment varchar,
    reviewed_by varchar not null,
    reviewed_at timestamp not null,
    primary key (set_id, year, unit_code, criterion_code)
);

-- (Its macros and views: queries/rules.sql since migration 011.)
