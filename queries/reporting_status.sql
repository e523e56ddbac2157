-- Reporting discipline for ISO week $week (PRODUCT.md §6): per active unit, whether a report was expected, whether one was accepted, on time or late, and whom to contact.
-- expected: the expects_report macro (queries/rules.sql: $week's year has a plan, $week >= its first reporting week, not exempt); otherwise state 'Không yêu cầu' (a report sent anyway is still shown in first_upload).
-- deadline: the week_deadline macro (queries/rules.sql: the plan's deadline_weekday of the week at its deadline_time, default Friday 16:30, moved off days off).
-- first_upload = uploaded_at of the (unit, week)'s FIRST accepted submission (superseded versions included), so a later correction keeps an on-time week on time; on_time = first_upload <= deadline (16:30:00 exactly is on time).
-- state: the report_state macro (queries/rules.sql): 'Không yêu cầu' | 'Chưa nộp' (no accepted submission; rejected ones do not count) | 'Đúng hạn' | 'Trễ hạn'.
-- reporter, phone (Người lập, Điện thoại): from the unit's LAST accepted submission of any week (latest upload, then highest id), the same rule as unit_last_contact.sql, so a missing unit still has a contact.
-- params: $week
-- grain: one row per active unit, in catalogue order
with cfg as (
    -- two one-value selects joined: the two macros in one select list cost DuckDB 5x the time
    select *
    from (select week_deadline($week) as deadline)
    cross join (select expects_report($week) as expected)
),

week_sub as (
    select
        unit_code,
        min(uploaded_at) as first_upload,
        max(uploaded_at) as last_upload,
        count(*) as versions
    from submission
    where status = 'accepted' and period = $week
    group by unit_code
),

contact as (
    -- each unit's latest accepted submission found on its narrow columns first, then its two
    -- texts read for those rows only: reading the texts of every year's submissions made this
    -- grow with the years kept (3 years: 1.3x one year's time; issue 35)
    select s.unit_code, s.reporter, s.phone
    from (
        select arg_max(id, (uploaded_at, id)) as id
        from submission
        where status = 'accepted'
        group by unit_code
    ) as latest
    inner join submission as s on latest.id = s.id
)

select
    u.code as unit_code,
    u.name as unit_name,
    u.sort_order,
    c.expected,
    c.deadline,
    s.first_upload,
    s.last_upload,
    coalesce(s.versions, 0) as versions,
    s.first_upload is not null as reported,
    coalesce(s.first_upload <= c.deadline, false) as on_time,
    report_state(c.expected, s.first_upload, c.deadline) as state,
    k.reporter,
    k.phone
from unit as u
cross join cfg as c
left join week_sub as s on u.code = s.unit_code
left join contact as k on u.code = k.unit_code
where u.active
order by u.sort_order
