-- Years in which at least one unit has a standing 'Tự chấm điểm' sheet (the scoring page's year
-- filter adds every plan's year).
-- params: (none)
-- grain: one row per year
select distinct cast(substr(period, 1, 4) as integer) as year
from current_sheet
where sheet = 'scores'
order by year
