-- 011: one plan per year (issue 24). The Office writes a new Kế hoạch every year; its number and
-- date, tasks and headings, settings and criteria set belong to it. A week belongs to the plan of
-- its ISO year, so submissions (and their progress, indicator, score and model rows) need no
-- column: their period says it. The rules that read plans are in queries/rules.sql.
--
-- Today's catalogue becomes the plan of the year in setting 'year' (2026); no stored submission is
-- touched. From here on migrations hold the schema only: the macros and views that migrations
-- 001-009 created are redefined by queries/rules.sql at every start (the ones dropped below
-- depend on the tables rebuilt here).

drop view if exists assignment;

-- The plans: one row per year. body = the issuing body (the Office, 'VPUB', today the only one).
create table plan (
    year integer primary key,
    body varchar not null default 'VPUB',
    number varchar,          -- '15/KH-VPUB'; NULL while the văn thư has not numbered it
    issued_on date,          -- ngày ban hành; NULL when not known
    title varchar not null,  -- the trích yếu, 'Thực hiện công tác dân vận chính quyền … năm 2026'
    loaded_at timestamp not null,
    loaded_by varchar
);

insert into plan (year, title, loaded_at, loaded_by)
select
    y.year,
    'Thực hiện công tác dân vận chính quyền và thực hiện dân chủ ở cơ sở năm ' || y.year,
    coalesce((select min(applied_at) from schema_migration), timestamp '2026-01-01 00:00:00'),
    'hệ thống'
from (select try_cast(value as integer) as year from setting where key = 'year') as y
where y.year is not null and exists (select 1 from task);

-- Tasks: the plan's year joins the key; a task reloaded away while it had reports is retired
-- (kept, with its history) rather than deleted.
create table task_by_plan (
    plan_year integer not null,
    code varchar not null,
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
    assignment_inferred boolean not null default false,
    retired boolean not null default false,
    primary key (plan_year, code)
);

insert into task_by_plan
select
    (select max(year) from plan),
    code, sort_order, group_code, short_title, full_text, directing, lead_unit, coordinating,
    start_date, due_date, weight, kind, assignment_inferred, false
from task
where exists (select 1 from plan);

drop table task;
alter table task_by_plan rename to task;

create table task_group_by_plan (
    plan_year integer not null,
    code varchar not null,
    heading varchar,
    sort_order integer not null,
    primary key (plan_year, code)
);

insert into task_group_by_plan
select (select max(year) from plan), code, heading, sort_order
from task_group
where exists (select 1 from plan);

drop table task_group;
alter table task_group_by_plan rename to task_group;

-- A plan's own settings (first reporting week, exempt weeks, deadline, lock days, tolerance,
-- grade bands, ranking threshold); the Office-wide `setting` table keeps the rest.
create table plan_setting (
    plan_year integer not null,
    key varchar not null,
    value varchar not null,
    primary key (plan_year, key)
);

insert into plan_setting
select p.year, s.key, s.value
from plan as p
cross join setting as s
where s.key in (
    'first_week', 'exempt_weeks', 'deadline_weekday', 'deadline_time', 'lock_days',
    'tolerance', 'grade_bands', 'rank_min_points'
);

-- Each criteria set belongs to a plan; each plan has its active set.
alter table criteria_set add column plan_year integer;
update criteria_set set plan_year = (select max(year) from plan);

-- Requests from Sở Nội vụ and difficulties raised in the app belong to a plan too.
alter table report_request add column plan_year integer;
update report_request set plan_year = (select max(year) from plan);

alter table difficulty add column plan_year integer;
update difficulty set plan_year = coalesce(
    (select max(year) from plan), cast(isoyear(raised_at) as integer)
);
