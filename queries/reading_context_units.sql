-- Active units a workbook may name in its header (by code or by name), for the workbook reader.
-- params: (none)
-- grain: one row per active unit
select code, name
from unit
where active
order by sort_order
