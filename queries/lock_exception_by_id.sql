-- One lock exception (an admin's permission to upload a locked week): its unit, week and expiry.
-- params: $exception_id
-- grain: one row, or none when no exception has that id
select unit_code, period, expires_at
from lock_exception
where id = $exception_id
