-- Years in which at least one unit has a standing 'Tự chấm điểm' sheet (the scoring page's year
-- filter adds the plan's year).
-- params: (none)
-- grain: one row per year
select distinct year
from score_line
order by year
