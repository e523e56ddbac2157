-- How many unexpired lock exceptions let a unit upload to a locked week at a given instant.
-- params: $unit, $week, $now
-- grain: one row (the count)
select count(*) as exceptions
from lock_exception
where unit_code = $unit
    and period = $week
    and expires_at > $now
