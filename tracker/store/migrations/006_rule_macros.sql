-- 006: the business rules of PRODUCT.md §6 that several queries (and Python, through
-- tracker/catalogue/calendar.py) need, each defined once as a macro.

-- exempt_weeks(): the weeks listed in setting exempt_weeks (';'-separated, spaces around a week
-- tolerated); no report is expected for them and values carry forward through them.
create macro exempt_weeks() as
    list_transform(string_split(coalesce(setting_value('exempt_weeks'), ''), ';'), lambda x: trim(x));

create macro is_exempt(w) as list_contains(exempt_weeks(), w);

-- expects_report(w): week w expects a report from every active unit (from setting first_week on,
-- exempt weeks left out).
create macro expects_report(w) as w >= setting_value('first_week') and not is_exempt(w);

-- week_deadline(w): the reporting deadline of week w, week_start(w) + (setting deadline_weekday - 1)
-- days at setting deadline_time (default Friday 16:30). An upload at the deadline is on time.
create macro week_deadline(w) as
    week_start(w)
    + (coalesce(try_cast(setting_value('deadline_weekday') as integer), 5) - 1)
    + coalesce(try_cast(setting_value('deadline_time') as time), time '16:30');

-- week_lock_time(w): after this a week locks for unit users, the deadline + setting lock_days.
create macro week_lock_time(w) as
    week_deadline(w) + to_days(coalesce(try_cast(setting_value('lock_days') as integer), 14));

-- expected_pace(kind, start_date, due_date, w): the expected progress of a task at the end of
-- week w, 100 * (days from start_date to week_end(w), inclusive) / (days from start_date to
-- due_date, inclusive), clamped to 0..100; NULL for tasks done on request (theo_yeu_cau).
create macro expected_pace(kind, start_date, due_date, w) as
    case
        when kind <> 'theo_yeu_cau' then greatest(0, least(100,
            100.0 * (datediff('day', start_date, week_end(w)) + 1)
            / nullif(datediff('day', start_date, due_date) + 1, 0)
        ))
    end;

-- assigned_progress_as_of(w): every assignment (task, unit, role) with the unit's carried-forward
-- progress as of week w (progress_as_of, migration 003); percent is NULL when the unit has none.
create macro assigned_progress_as_of(w) as table
    select
        a.task_code,
        a.unit_code,
        a.role,
        l.percent,
        l.uploaded_at
    from assignment as a
    left join progress_as_of(w) as l on a.unit_code = l.unit_code and a.task_code = l.task_code;

-- task_completion_as_of(w): per task of the plan, its completion as of week w: the lead unit's
-- (chủ trì) progress when the task has one, a lead that has not reported counting 0; otherwise
-- the mean over all assigned units, a unit that has not reported counting 0. assigned_units =
-- every assigned unit, lead included; reported_units = those with a known progress;
-- last_update = the latest upload among the rows counted.
create macro task_completion_as_of(w) as table
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
    from task as t
    left join per_task as p on t.code = p.task_code;

-- latest_models_sheet(w): per unit, its latest standing 'Dân vận khéo' sheet (current_sheet of an
-- accepted submission) for a week <= w, or of any week when w is NULL; a later sheet replaces the
-- unit's list, a resubmission without the sheet leaves the earlier one standing.
create macro latest_models_sheet(w) as table
    select
        cs.unit_code,
        cs.period,
        cs.submission_id
    from current_sheet as cs
    inner join submission as s on cs.submission_id = s.id and s.status = 'accepted'
    where cs.sheet = 'models' and (w is null or cs.period <= w)
    qualify row_number() over (partition by cs.unit_code order by cs.period desc) = 1;

-- standing_indicator_values(): every indicator value of the standing 'Chỉ số' sheets (current_sheet
-- of an accepted submission, sheet 'indicators'); a superseded version never counts.
create macro standing_indicator_values() as table
    select
        cs.unit_code,
        cs.period,
        iv.indicator_code,
        iv.value
    from current_sheet as cs
    inner join submission as s on cs.submission_id = s.id and s.status = 'accepted'
    inner join indicator_value as iv on cs.submission_id = iv.submission_id
    where cs.sheet = 'indicators';
