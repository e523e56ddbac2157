-- The years the working-day calendar must cover (the plan's: setting year, the year of setting first_week, the tasks' start and due dates) and the days calendar_day covers now (migration 007).
-- first_year / last_year are NULL on an empty database; first_day / last_day are NULL before the first calendar refresh.
-- params: (none)
-- grain: one row
select
    least(
        try_cast(setting_value('year') as integer),
        try_cast(substr(setting_value('first_week'), 1, 4) as integer),
        (select min(year(start_date)) from task)
    ) as first_year,
    greatest(
        try_cast(setting_value('year') as integer),
        try_cast(substr(setting_value('first_week'), 1, 4) as integer),
        (select max(year(due_date)) from task)
    ) as last_year,
    (select min(day) from calendar_day) as first_day,
    (select max(day) from calendar_day) as last_day
