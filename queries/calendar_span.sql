-- The years the working-day calendar must cover (every plan's: its year, the year of its first reporting week, its tasks' start and due dates) and the days calendar_day covers now (migration 007).
-- first_year / last_year are NULL on an empty database; first_day / last_day are NULL before the first calendar refresh.
-- params: (none)
-- grain: one row
select
    least(
        (select min(year) from plan),
        (select min(try_cast(substr(value, 1, 4) as integer)) from plan_setting where key = 'first_week'),
        (select min(year(start_date)) from task)
    ) as first_year,
    greatest(
        (select max(year) from plan),
        (select max(try_cast(substr(value, 1, 4) as integer)) from plan_setting where key = 'first_week'),
        (select max(year(due_date)) from task)
    ) as last_year,
    (select min(day) from calendar_day) as first_day,
    (select max(day) from calendar_day) as last_day
