-- For each task of the plan of year $year, how much reported history it has: the units and weeks of the accepted progress rows of that year that name it (a task with history is retired, never deleted, when its plan is loaded again without it).
-- params: $year
-- grain: one row per task code with at least one accepted progress row in year $year
select
    pr.task_code,
    string_agg(distinct s.unit_code, ', ' order by s.unit_code) as units,
    min(s.period) as first_week,
    max(s.period) as last_week,
    count(*) as rows
from progress_row as pr
inner join submission as s on pr.submission_id = s.id
where s.status = 'accepted' and week_year(s.period) = $year
group by pr.task_code
order by pr.task_code
