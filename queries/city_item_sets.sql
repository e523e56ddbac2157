-- The years that have a list of city plan items in the city registry (issue 34), with where each list came from and whether it is provisional.
-- params: (none)
-- grain: one row per year
select s.year, s.source, s.provisional, s.loaded_at, s.loaded_by, (select count(*) from city_item as i where i.year = s.year) as items
from city_item_set as s
order by s.year
