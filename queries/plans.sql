-- Every plan (one per year) with its number, date and title, and what it holds: tasks (retired ones left out), units assigned, its first reporting week, and the accepted submissions of its weeks.
-- params: (none)
-- grain: one row per plan, oldest first
select
    p.year,
    p.body,
    p.number,
    p.issued_on,
    p.title,
    p.loaded_at,
    p.loaded_by,
    (select count(*) from task as t where t.plan_year = p.year and not t.retired) as tasks,
    (select count(*) from task as t where t.plan_year = p.year and t.retired) as retired_tasks,
    (select count(distinct a.unit_code) from assignment as a where a.plan_year = p.year)
        as assigned_units,
    plan_setting_value(p.year, 'first_week') as first_week,
    (select min(t.start_date) from task as t where t.plan_year = p.year and not t.retired)
        as starts,
    (
        select count(*) from submission as s
        where s.status = 'accepted' and week_year(s.period) = p.year
    ) as accepted_submissions
from plan as p
order by p.year
