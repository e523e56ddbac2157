-- City registry 001 (issue 34): the small database beside the bodies' files. It runs the body
-- schema first (tracker/store/migrations: its accounts, sessions, login counters, trusted
-- browsers, audit log and settings are a body's, so tracker/accounts works on it unchanged;
-- its plan, unit and submission tables stay empty) and then these migrations, recorded in
-- city_migration.

insert into store_meta values ('kind', 'city');

-- The registry's accounts are the city's (Sở Nội vụ's officers and leaders, the city
-- administrator): app_user rebuilt with the city roles in place of a body's, so no body role
-- can live here and no city role in a body's file (whose check is migration 001's).
create table app_user_city (
    username varchar primary key,
    full_name varchar,
    password_hash varchar not null,
    role varchar not null check (role in ('so_noi_vu', 'lanh_dao_snv', 'quan_tri_tp')),
    unit_code varchar,
    active boolean not null default true,
    sample boolean not null default false,
    failed_logins integer not null default 0,
    locked_until timestamp,
    created_at timestamp not null,
    password_changed_at timestamp,
    session_epoch integer not null default 0
);
drop table app_user;
alter table app_user_city rename to app_user;

-- The bodies (cơ quan): data/bodies.csv, edited by the city administrator. Each has a database
-- file of its own (settings.body_db_path): the home body's is TRACKER_DB (the Office, VPUB).
create table body (
    code varchar primary key,
    name varchar not null,
    kind varchar not null check (kind in ('van_phong', 'so_ban_nganh', 'xa_phuong')),
    active boolean not null default true,
    sort_order integer not null,
    sample boolean not null default false,
    home boolean not null default false,
    note varchar
);

-- Where sign-in finds an account: its body's file, or the registry (body NULL, a city account).
-- Usernames are unique city-wide: creating an account reserves its name here first.
create table account_home (
    username varchar primary key,
    body varchar,
    reserved_at timestamp not null
);

-- The items of the city's Kế hoạch 52 for a year (data/city_items.csv, provisional until the
-- city loads its own); each body's task names the item it carries out (task.city_item).
create table city_item (
    year integer not null,
    code varchar not null,
    title varchar not null,
    note varchar,
    sort_order integer not null,
    primary key (year, code)
);

create table city_item_set (
    year integer primary key,
    source varchar not null,
    provisional boolean not null,
    loaded_at timestamp not null,
    loaded_by varchar
);
-- The city's criteria set of a year (QĐ 2579 Phụ lục II, shared by every body) is this file's
-- criteria_set and criterion rows with plan_year = the year; loading it copies it into each
-- body's file.

-- A body's periodic Báo cáo to Sở Nội vụ (Nghị định 09/2019 periods): frozen when its leader
-- approves it (the .docx and .xlsx bytes and the figures as of its data week), numbered when its
-- administrator submits it. One row per approval; a later approval of the same period before
-- submission replaces the draft, after it is a new version.
create sequence body_report_id_seq;
create table body_report (
    id integer primary key default nextval('body_report_id_seq'),
    body varchar not null,
    year integer not null,
    period varchar not null,
    date_from date not null,
    date_to date not null,
    data_week varchar,
    number varchar,
    docx blob not null,
    xlsx blob not null,
    docx_sha256 varchar not null,
    xlsx_sha256 varchar not null,
    figures varchar not null,
    approved_by varchar not null,
    approved_at timestamp not null,
    submitted_by varchar,
    submitted_at timestamp,
    received_no integer
);

-- When Sở Nội vụ expects each period's Báo cáo (a default from the period's end unless set).
create table report_due (
    year integer not null,
    period varchar not null,
    due_on date not null,
    set_by varchar,
    set_at timestamp,
    primary key (year, period)
);

-- Requests from Sở Nội vụ to bodies and each body's answer.
create sequence city_request_id_seq;
create table city_request (
    id integer primary key default nextval('city_request_id_seq'),
    year integer not null,
    number varchar,
    issued_on date,
    subject varchar not null,
    content varchar,
    due_on date not null,
    sent_at timestamp not null,
    sent_by varchar not null
);

create table city_request_body (
    request_id integer not null,
    body varchar not null,
    answered_at timestamp,
    answered_by varchar,
    answer varchar,
    report_id integer,
    primary key (request_id, body)
);

-- Sở Nội vụ's thẩm định of a body's self-score for a year (the latest stands; the audit log
-- keeps the earlier ones), and the leaders' approval of a year's ranking by kind of body.
create table body_review (
    body varchar not null,
    year integer not null,
    score double not null,
    comment varchar not null,
    reviewed_by varchar not null,
    reviewed_at timestamp not null,
    primary key (body, year)
);

create table ranking_approval (
    year integer not null,
    kind varchar not null,
    approved_by varchar not null,
    approved_at timestamp not null,
    primary key (year, kind)
);

-- The rollup of each body (tracker/city/rollup.py), what city pages read instead of opening
-- every body: refreshed after a commit to the body in this process and, at start, for every body
-- whose data stamp (store_meta, migration 016 of the body) differs from data_stamp here.
create table rollup_body (
    body varchar primary key,
    data_stamp bigint not null,
    refreshed_at timestamp not null,
    units integer not null
);

create table rollup_year (
    body varchar not null,
    year integer not null,
    data_week varchar,
    tasks integer not null,
    plan_completion double,
    self_score double,
    self_grade varchar,
    open_difficulties integer not null,
    primary key (body, year)
);

create table rollup_week (
    body varchar not null,
    week varchar not null,
    expected integer not null,
    reported integer not null,
    on_time integer not null,
    primary key (body, week)
);

create table rollup_item (
    body varchar not null,
    year integer not null,
    city_item varchar not null,
    tasks integer not null,
    completion double,
    primary key (body, year, city_item)
);

create table rollup_escalation (
    body varchar not null,
    escalation_id integer not null,
    year integer not null,
    unit_code varchar,
    unit_name varchar,
    task_code varchar,
    city_item varchar,
    content varchar not null,
    note varchar,
    escalated_at timestamp not null,
    primary key (body, escalation_id)
);
