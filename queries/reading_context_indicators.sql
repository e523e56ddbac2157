-- The indicator catalogue (code, name, measure, flow/stock kind), for the workbook reader.
-- params: (none)
-- grain: one row per indicator
select code, name, measure, kind
from indicator
order by sort_order
