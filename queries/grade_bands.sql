-- The grade bands in force (setting grade_bands, parsed by the grade_bands() macro of migration
-- 002): a total gets the band with the highest threshold ≤ total.
-- params: (none)
-- grain: one row per band, highest threshold first
select grade, threshold
from grade_bands()
order by threshold desc
