-- Every plan's heading (year, body, number, date of issue, title), oldest first: the catalogue alone, so that what is built from it outlives submissions (plans.all_plans; the counts of what each plan holds are in plans.sql).
-- params: (none)
-- grain: one row per plan, oldest first
select p.year, p.body, p.number, p.issued_on, p.title
from plan as p
order by p.year
