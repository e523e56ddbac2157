-- The grade bands of the plan of year $year (its setting grade_bands, parsed by the grade_bands() macro of queries/rules.sql): a total gets the band with the highest threshold ≤ total.
-- params: $year
-- grain: one row per band, highest threshold first
select grade, threshold
from grade_bands($year)
order by threshold desc
