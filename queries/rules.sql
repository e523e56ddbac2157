-- The business rules of PRODUCT.md §6 that several queries (and Python, through
-- tracker/catalogue/calendar.py) need, each defined once, as DuckDB macros and views. Not a query:
-- tracker/store/db.py runs this file whenever it opens a database, after the migrations (which
-- hold the schema only), so changing a rule is an edit here, not a new migration.
--
-- Plans: a week 'YYYY-Www' belongs to the plan of its ISO year (2026-W53, 28/12/2026-03/01/2027,
-- is 2026's). Every rule below that needs a task, a setting or a criteria set takes them from
-- that plan (tables plan, task, task_group, plan_setting, criteria_set.plan_year; migration 011).
-- A week whose year has no plan expects no report.

-- ISO week helpers. p is 'YYYY-Www'.
create or replace macro week_start(p) as
    make_date(cast(substr(p, 1, 4) as integer), 1, 4)
    - cast(isodow(make_date(cast(substr(p, 1, 4) as integer), 1, 4)) - 1 as integer)
    + (cast(substr(p, 7, 2) as integer) - 1) * 7;

create or replace macro week_end(p) as week_start(p) + 6;

-- week_year(p): the ISO year of week p, i.e. the year of the plan it belongs to.
create or replace macro week_year(p) as cast(substr(p, 1, 4) as integer);

-- The Office-wide value of setting k (data/settings.csv, edited on Quản trị).
create or replace macro setting_value(k) as (select value from setting where key = k);

-- plan_setting_value(y, k): the value of k for the plan of year y (first reporting week, exempt
-- weeks, deadline, lock days, tolerance, grade bands: tracker/catalogue/plans.py PLAN_KEYS); a key
-- the plan does not set takes the Office-wide value.
create or replace macro plan_setting_value(y, k) as coalesce(
    (select ps.value from plan_setting as ps where ps.plan_year = y and ps.key = k),
    setting_value(k)
);

-- plan_setting_number(y, k): plan_setting_value as a number; the settings validator accepts a
-- decimal comma ("7,5"), as Vietnamese writes it.
create or replace macro plan_setting_number(y, k) as
    cast(replace(plan_setting_value(y, k), ',', '.') as double);

-- Who is assigned to what in each plan: the lead (chủ trì), then coordinating units ('*' = every
-- active unit), and for tasks without a lead every listed unit "thực hiện" (carries it out).
-- Retired tasks (a plan reloaded without them while they had reports) have no assignment.
create or replace view assignment as
with listed as (
    select t.plan_year, t.code as task_code, u.code as unit_code, t.lead_unit
    from task as t
    inner join unit as u
        on u.active
        and (
            t.coordinating = '*'
            or list_contains(string_split(coalesce(t.coordinating, ''), ';'), u.code)
        )
    where not t.retired
)
select plan_year, code as task_code, lead_unit as unit_code, 'chu_tri' as role
from task
where lead_unit is not null and lead_unit <> '' and not retired
union all
select
    plan_year,
    task_code,
    unit_code,
    case when lead_unit is null or lead_unit = '' then 'thuc_hien' else 'phoi_hop' end
from listed
where unit_code is distinct from lead_unit;

-- assignments_of(y): the assignment rows of the plan of year y (its tasks only are read: a year's
-- pages never compute the other plans' assignments).
create or replace macro assignments_of(y) as table
with tasks as (
    select code, lead_unit, coordinating from task where plan_year = y and not retired
),

listed as (
    select t.code as task_code, u.code as unit_code, t.lead_unit
    from tasks as t
    inner join unit as u
        on u.active
        and (
            t.coordinating = '*'
            or list_contains(string_split(coalesce(t.coordinating, ''), ';'), u.code)
        )
)
select cast(y as integer) as plan_year, code as task_code, lead_unit as unit_code, 'chu_tri' as role
from tasks
where lead_unit is not null and lead_unit <> ''
union all
select
    cast(y as integer),
    task_code,
    unit_code,
    case when lead_unit is null or lead_unit = '' then 'thuc_hien' else 'phoi_hop' end
from listed
where unit_code is distinct from lead_unit;

-- plan_tasks_of(y): the tasks of the plan of year y in plan order (retired ones left out).
create or replace macro plan_tasks_of(y) as table
    select * from task where plan_year = y and not retired;

-- exempt_weeks(y): the weeks the plan of year y lists in its setting exempt_weeks (';'-separated,
-- spaces around a week tolerated).
create or replace macro exempt_weeks(y) as
    list_transform(
        string_split(coalesce(plan_setting_value(y, 'exempt_weeks'), ''), ';'), lambda x: trim(x)
    );

-- is_exempt(w): no report is expected for week w: its plan lists it in exempt_weeks, or it has no
-- working day at all (calendar_week, migration 007).
create or replace macro is_exempt(w) as
    list_contains(exempt_weeks(week_year(w)), w)
    or coalesce((select c.working_days = 0 from calendar_week as c where c.week = w), false);

-- expects_report(w): week w expects a report from every active unit: its year has a plan, and w
-- is that plan's first reporting week or later, and not exempt.
create or replace macro expects_report(w) as
    coalesce(
        exists (select 1 from plan as p where p.year = week_year(w))
        and w >= plan_setting_value(week_year(w), 'first_week'),
        false
    )
    and not is_exempt(w);

-- deadline_day(w): the nominal deadline day of week w, week_start(w) + (deadline_weekday - 1)
-- days, deadline_weekday from the week's plan. (No default here: the settings catalogue has
-- every key, data/settings.csv, and an edit may not remove one: catalogue/setting_rules.py.)
create or replace macro deadline_day(w) as
    week_start(w) + (cast(plan_setting_number(week_year(w), 'deadline_weekday') as integer) - 1);

-- week_deadline(w): the reporting deadline of week w: deadline_day(w) moved to the first working
-- day on or after it (calendar_day), at the plan's deadline_time. Outside the
-- calendar's years the nominal day stands. An upload at the deadline is on time.
-- (One subquery joining the nominal day to calendar_day: measured 5x faster to plan than a
-- lookup with deadline_day(w) written twice, which matters in week_calendar.sql.)
create or replace macro week_deadline(w) as
    (
        select coalesce(c.next_working, n.day)
        from (select deadline_day(w) as day) as n
        left join calendar_day as c on n.day = c.day
    )
    + cast(plan_setting_value(week_year(w), 'deadline_time') as time);

-- report_state(expected, first_upload, deadline): a unit's reporting state for a week, from
-- whether the week expects a report, the unit's FIRST accepted upload for it (NULL: none) and the
-- week's deadline: 'Không yêu cầu' | 'Chưa nộp' | 'Đúng hạn' (16:30:00 exactly is on time) | 'Trễ hạn'.
create or replace macro report_state(expected, first_upload, deadline) as
    case
        when not expected then 'Không yêu cầu'
        when first_upload is null then 'Chưa nộp'
        when first_upload <= deadline then 'Đúng hạn'
        else 'Trễ hạn'
    end;

-- week_lock_time(w): after this a week locks for unit users, the deadline + the plan's lock_days.
create or replace macro week_lock_time(w) as
    week_deadline(w)
    + to_days(cast(plan_setting_number(week_year(w), 'lock_days') as integer));

-- expected_pace(kind, start_date, due_date, w): the expected progress of a task at the end of
-- week w, 100 * (days from start_date to week_end(w), inclusive) / (days from start_date to
-- due_date, inclusive), clamped to 0..100; NULL for tasks done on request (theo_yeu_cau).
create or replace macro expected_pace(kind, start_date, due_date, w) as
    case
        when kind <> 'theo_yeu_cau' then greatest(0, least(100,
            100.0 * (datediff('day', start_date, week_end(w)) + 1)
            / nullif(datediff('day', start_date, due_date) + 1, 0)
        ))
    end;

-- progress_as_of(w): for each (unit, task), the row of the unit's most recent accepted progress
-- sheet for a week <= w OF THE SAME PLAN YEAR that contains the task (the carry-forward rule:
-- last year's values never carry into a new plan). Only the sheet that currently stands for a
-- (unit, week) counts (current_sheet), so superseded versions are never used; a current sheet
-- that omits a task leaves the earlier week's value carried forward. Weeks compare as text.
create or replace macro progress_as_of(w) as table
    select
        cs.unit_code,
        pr.task_code,
        cs.period,
        pr.percent,
        pr.status as sheet_status,
        pr.result_text,
        pr.evidence,
        pr.difficulty,
        pr.proposal,
        s.id as submission_id,
        s.uploaded_at,
        s.reporter
    from current_sheet as cs
    inner join submission as s on cs.submission_id = s.id and s.status = 'accepted'
    inner join progress_row as pr on cs.submission_id = pr.submission_id
    where cs.sheet = 'progress' and cs.period <= w and cs.period >= substr(w, 1, 4) || '-W01'
    qualify row_number() over (partition by cs.unit_code, pr.task_code order by cs.period desc) = 1;

-- assigned_progress_as_of(w): every assignment (task, unit, role) of w's plan with the unit's
-- carried-forward progress as of week w; percent is NULL when the unit has none.
create or replace macro assigned_progress_as_of(w) as table
    select
        a.task_code,
        a.unit_code,
        a.role,
        l.percent,
        l.uploaded_at
    from assignments_of(week_year(w)) as a
    left join progress_as_of(w) as l on a.unit_code = l.unit_code and a.task_code = l.task_code;

-- task_completion_as_of(w): per task of w's plan, its completion as of week w: the lead unit's
-- (chủ trì) progress when the task has one, a lead that has not reported counting 0; otherwise
-- the mean over all assigned units, a unit that has not reported counting 0. assigned_units =
-- every assigned unit, lead included; reported_units = those with a known progress;
-- last_update = the latest upload among the rows counted.
create or replace macro task_completion_as_of(w) as table
    with per_task as (
        select
            task_code,
            count(*) as assigned_units,
            count(percent) as reported_units,
            max(percent) filter (where role = 'chu_tri') as lead_percent,
            avg(coalesce(percent, 0)) as mean_percent,
            max(uploaded_at) as last_update
        from assigned_progress_as_of(w)
        group by task_code
    )

    select
        t.code as task_code,
        coalesce(p.assigned_units, 0) as assigned_units,
        coalesce(p.reported_units, 0) as reported_units,
        case
            when nullif(t.lead_unit, '') is not null then coalesce(p.lead_percent, 0)
            else coalesce(p.mean_percent, 0)
        end as completion,
        p.last_update
    from plan_tasks_of(week_year(w)) as t
    left join per_task as p on t.code = p.task_code;

-- latest_models_sheet(w): per unit, its latest standing 'Dân vận khéo' sheet (current_sheet of an
-- accepted submission) for a week <= w of w's plan year; a later sheet replaces the unit's list, a
-- resubmission without the sheet leaves the earlier one standing.
create or replace macro latest_models_sheet(w) as table
    select
        cs.unit_code,
        cs.period,
        cs.submission_id
    from current_sheet as cs
    inner join submission as s on cs.submission_id = s.id and s.status = 'accepted'
    where cs.sheet = 'models' and cs.period <= w and cs.period >= substr(w, 1, 4) || '-W01'
    qualify row_number() over (partition by cs.unit_code order by cs.period desc) = 1;

-- standing_indicator_values(): every indicator value of the standing 'Chỉ số' sheets (current_sheet
-- of an accepted submission, sheet 'indicators'); a superseded version never counts.
create or replace macro standing_indicator_values() as table
    select
        cs.unit_code,
        cs.period,
        iv.indicator_code,
        iv.value
    from current_sheet as cs
    inner join submission as s on cs.submission_id = s.id and s.status = 'accepted'
    inner join indicator_value as iv on cs.submission_id = iv.submission_id
    where cs.sheet = 'indicators';

-- overdue_requests(w): per task of w's plan, the requests from Sở Nội vụ unanswered past their
-- deadline as of ISO week w: received by the end of w (doc_date <= week_end(w)), due before the
-- end of w (due_date < week_end(w)), and with no answer sent by the end of w (migration 009).
create or replace macro overdue_requests(w) as table
    select
        r.task_code,
        count(*) as overdue,
        min(r.due_date) as first_due
    from report_request as r
    left join report_answer as a on r.id = a.request_id
    where r.plan_year = week_year(w)
        and r.doc_date <= week_end(w)
        and r.due_date < week_end(w)
        and (a.request_id is null or a.sent_date > week_end(w))
    group by r.task_code;

-- --- difficulties (PRODUCT.md §6) ----------------------------------------------------------------
-- open_difficulties_as_of(w, marks_before): the open difficulties as of ISO week w. Sheet
-- difficulties: for each (active unit, task), the row of the unit's latest standing progress sheet
-- for a week <= w of w's plan year that contains the task (progress_as_of, carried forward like
-- progress); open when its 'Khó khăn, vướng mắc' (trimmed) is not empty and no handling mark has
-- source 'sheet', ref 'UNIT|TASK' and that exact text. App difficulties: rows of table difficulty of
-- w's plan raised by the end of w, with no mark (source 'app', ref = id). A mark counts when it was
-- made before marks_before; NULL counts every mark whenever made (the pages and the summary CSV:
-- "what still needs action"); the Báo cáo passes the end of w (a snapshot of that week, which a
-- later mark does not change). period = the week of the sheet row (NULL for app), reported_at its
-- upload time (app: raised_at).
create or replace macro open_difficulties_as_of(w, marks_before) as table
with latest as (
    select
        unit_code,
        task_code,
        period,
        trim(coalesce(difficulty, '')) as content,
        nullif(trim(coalesce(proposal, '')), '') as proposal,
        uploaded_at,
        reporter
    from progress_as_of(w)
),

marks as (
    select source, ref, text_handled
    from difficulty_handled
    where marks_before is null or handled_at < marks_before
),

open_items as (
    select
        'sheet' as source,
        l.unit_code || '|' || l.task_code as ref,
        l.unit_code,
        l.task_code,
        l.content,
        l.proposal,
        l.period,
        l.uploaded_at as reported_at,
        l.reporter as raised_by
    from latest as l
    where l.content <> ''
        and not exists (
            select 1
            from marks as h
            where h.source = 'sheet'
                and h.ref = l.unit_code || '|' || l.task_code
                and h.text_handled = l.content
        )
    union all
    select
        'app' as source,
        cast(d.id as varchar) as ref,
        d.unit_code,
        d.task_code,
        d.content,
        nullif(trim(coalesce(d.proposal, '')), '') as proposal,
        null as period,
        d.raised_at as reported_at,
        d.raised_by
    from difficulty as d
    where d.plan_year = week_year(w)
        and d.raised_at < week_end(w) + 1
        and not exists (
            select 1
            from marks as h
            where h.source = 'app' and h.ref = cast(d.id as varchar)
        )
)

select
    o.source,
    o.ref,
    o.unit_code,
    u.name as unit_name,
    o.task_code,
    t.short_title as task_title,
    o.content,
    o.proposal,
    o.period,
    o.reported_at,
    o.raised_by
from open_items as o
inner join unit as u on o.unit_code = u.code and u.active
left join task as t on o.task_code = t.code and t.plan_year = week_year(w);

-- --- self-scoring (PRODUCT.md §6) ----------------------------------------------------------------
-- Decisions (edge cases):
-- * A unit's scores for a year come from its standing 'scores' sheet (current_sheet) of the
--   latest ISO week of that year, scored against the criteria set of that submission
--   (submission.criteria_set_id; when empty, the year's set that was active at upload time).
-- * A criterion missing from the sheet, or present without a score, scores 0 and still counts
--   its maximum. A "không áp dụng" row leaves both sums.
-- * A reviewed score (review_score) replaces the self score; a review with an empty score means
--   the reviewer judged the criterion not applicable (it then leaves both sums); a review of a
--   criterion the unit had marked not applicable makes it applicable with the reviewer's score.
-- * The Office's assessment (unit 'VP') uses the year's active criteria set: per criterion, the
--   final line (reviewed if reviewed) of the criterion's responsible unit for that set and year. A
--   responsible unit that marked it not applicable makes it not applicable for VP; a responsible
--   unit with no standing sheet under the active set scores 0 there (like a missing row).
--   HCTC's adjustments (review_score with unit_code 'VP') then take precedence, the same way.

-- grade_bands(y): the plan of year y's grade bands (setting grade_bands, e.g.
-- 'Tốt:90;Khá:70;Trung bình:50;Yếu:0').
create or replace macro grade_bands(y) as table
    select
        trim(split_part(band, ':', 1)) as grade,
        cast(trim(split_part(band, ':', 2)) as double) as threshold
    from (select unnest(string_split(plan_setting_value(y, 'grade_bands'), ';')) as band)
    where trim(band) <> '';

-- Total = 100 × Σ ordinary / Σ applicable ordinary maxima + Σ bonus + Σ penalty (≤ 0), clamped to
-- 0–100. No applicable ordinary points → the ordinary part is 0. Rounded to 9 decimals only to
-- absorb binary floating-point noise (so 69.99999999997 grades as 70); display rounds to one.
create or replace macro score_total(ord_score, ord_max, bonus, penalty) as
    least(
        100.0,
        greatest(
            0.0,
            round(
                case
                    when coalesce(ord_max, 0) > 0 then 100.0 * coalesce(ord_score, 0) / ord_max
                    else 0.0
                end
                + coalesce(bonus, 0.0)
                + coalesce(penalty, 0.0),
                9
            )
        )
    );

-- The band of year y a total falls in (highest threshold ≤ total; below every threshold → the
-- lowest band).
create or replace macro grade_of(y, total) as coalesce(
    (select arg_max(grade, threshold) from grade_bands(y) where threshold <= total),
    (select arg_min(grade, threshold) from grade_bands(y))
);

-- The next band up and its threshold (NULL at the top band).
create or replace macro next_grade_of(y, total) as
    (select arg_min(grade, threshold) from grade_bands(y) where threshold > total);

create or replace macro next_threshold_of(y, total) as
    (select min(threshold) from grade_bands(y) where threshold > total);

-- score_lines(y, w): one line per (unit, criterion of the set the unit scored under) for year y:
-- self and final scores. Only year y's sheets are read (a year's pages never scan the others).
-- w, an ISO week of year y, gives the lines as of that week (the Báo cáo and the exports of a
-- week): each unit's latest standing sheet of a week <= w, and only the reviews recorded by the
-- end of w (a review saved later, or changed later, is not yet there). NULL (the default, the
-- Tự chấm điểm page): the latest sheet of the year and every review.
create or replace macro score_lines(y, w := null) as table
with latest as (
    select
        unit_code,
        max(period) as period,
        arg_max(submission_id, period) as submission_id
    from current_sheet
    where sheet = 'scores'
        and period >= cast(y as varchar) || '-W01'
        and period <= coalesce(w, cast(y as varchar) || '-W53')
    group by unit_code
),

sheet as (
    select
        l.*,
        cast(y as integer) as year,
        s.uploaded_at,
        coalesce(
            s.criteria_set_id,
            (
                select max(cs.id) from criteria_set as cs
                where cs.loaded_at <= s.uploaded_at and coalesce(cs.plan_year, y) = y
            )
        ) as set_id
    from latest as l
    inner join submission as s on l.submission_id = s.id
),

lines as (
    select
        sh.unit_code,
        sh.year,
        sh.period,
        sh.submission_id,
        sh.uploaded_at,
        c.set_id,
        c.code as criterion_code,
        c.sort_order,
        c.group_code,
        c.group_name,
        c.title,
        c.kind,
        c.max_points,
        c.responsible_unit,
        sh.unit_code as source_unit,
        sr.criterion_code is not null as in_sheet,
        coalesce(sr.not_applicable, false) as self_na,
        case when coalesce(sr.not_applicable, false) then null else coalesce(sr.score, 0.0) end
            as self_score,
        sr.evidence,
        sr.explanation,
        rv.criterion_code is not null as reviewed,
        rv.score as review_score,
        rv.comment as review_comment,
        rv.reviewed_by,
        rv.reviewed_at
    from sheet as sh
    inner join criterion as c on sh.set_id = c.set_id
    left join score_row as sr
        on sh.submission_id = sr.submission_id and c.code = sr.criterion_code
    left join review_score as rv
        on c.set_id = rv.set_id
        and sh.year = rv.year
        and sh.unit_code = rv.unit_code
        and c.code = rv.criterion_code
        and (w is null or rv.reviewed_at < week_end(w) + 1)
)

select
    *,
    case when reviewed then review_score is null else self_na end as final_na,
    case when reviewed then review_score else self_score end as final_score
from lines;

-- vp_lines(y, w): the Office's assessment (unit 'VP') for year y, one line per criterion of that
-- year's active set, shaped like score_lines: "self" = the responsible unit's final line, "final"
-- = after HCTC's adjustment. Empty when nobody scored that year and HCTC adjusted nothing.
-- w as in score_lines: as of that week, under the set in force at its end (the year's latest set
-- loaded by then; the year's first set when none was), with the adjustments recorded by then.
create or replace macro vp_lines(y, w := null) as table
with scored as (
    select * from score_lines(y, w := w)
),

adjusted as (
    select *
    from review_score as v
    where v.unit_code = 'VP' and v.year = y and (w is null or v.reviewed_at < week_end(w) + 1)
),

set_as_of as (
    select coalesce(
        (
            select max(cs.id) from criteria_set as cs
            where cs.plan_year = y and cs.loaded_at < week_end(w) + 1
        ),
        (select min(cs.id) from criteria_set as cs where cs.plan_year = y)
    ) as id
),

active_set as (
    select cast(y as integer) as year, cs.id
    from criteria_set as cs
    where cs.plan_year = y
        and case when w is null then cs.active else cs.id = (select id from set_as_of) end
        and (exists (select 1 from scored) or exists (select 1 from adjusted))
),

lines as (
    select
        'VP' as unit_code,
        a.year,
        r.period,
        r.submission_id,
        r.uploaded_at,
        c.set_id,
        c.code as criterion_code,
        c.sort_order,
        c.group_code,
        c.group_name,
        c.title,
        c.kind,
        c.max_points,
        c.responsible_unit,
        c.responsible_unit as source_unit,
        r.unit_code is not null as in_sheet,
        coalesce(r.final_na, false) as self_na,
        case when coalesce(r.final_na, false) then null else coalesce(r.final_score, 0.0) end
            as self_score,
        r.evidence,
        r.explanation,
        v.criterion_code is not null as reviewed,
        v.score as review_score,
        v.comment as review_comment,
        v.reviewed_by,
        v.reviewed_at
    from active_set as a
    inner join criterion as c on c.set_id = a.id
    left join scored as r
        on c.responsible_unit = r.unit_code
        and c.set_id = r.set_id
        and c.code = r.criterion_code
    left join adjusted as v
        on c.set_id = v.set_id
        and c.code = v.criterion_code
)

select
    *,
    case when reviewed then review_score is null else self_na end as final_na,
    case when reviewed then review_score else self_score end as final_score
from lines;

-- The views of migration 002 these macros replace (a view cannot take the year).
drop view if exists vp_line;
drop view if exists score_line;
