-- The reporter and phone from a unit's most recent accepted submission (pre-filled in its template).
-- params: $unit
-- grain: at most one row
select
    reporter,
    phone,
    period,
    uploaded_at
from submission
where unit_code = $unit
    and status = 'accepted'
order by uploaded_at desc, id desc
limit 1
