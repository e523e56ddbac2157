-- The exempt weeks (no report expected) as the exempt_weeks macro of migration 006 reads them from the settings.
-- params: (none)
-- grain: one row per listed week, in the order written
select week
from (select unnest(exempt_weeks()) as week)
where week <> ''
