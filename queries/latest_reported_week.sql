-- The latest ISO week any unit has a standing sheet for; NULL before the first report (the benchmark measures the pages at this week).
-- params: (none)
-- grain: one row
select max(period) as week
from current_sheet
