-- The items of the city's Kế hoạch 52 for year $year (city registry, issue 34), in the plan's order, with whether the list is still the provisional sample (data/city_items.csv) rather than the city's own.
-- params: $year
-- grain: one row per item of the year
select i.code, i.title, coalesce(i.note, '') as note, i.sort_order, coalesce(s.provisional, true) as provisional
from city_item as i
left join city_item_set as s on s.year = i.year
where i.year = $year
order by i.sort_order, i.code
