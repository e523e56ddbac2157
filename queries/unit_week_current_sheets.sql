-- The submission currently standing for each sheet of a unit's week.
-- params: $unit, $week
-- grain: one row per sheet that has a current submission
select
    sheet,
    submission_id
from current_sheet
where unit_code = $unit
    and period = $week
