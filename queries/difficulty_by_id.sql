-- One difficulty raised in the app, found by its number (no row when there is none).
-- params: $difficulty_id
-- grain: one row per difficulty (at most one)
select id, unit_code, task_code
from difficulty
where id = $difficulty_id
