-- Active "Dân vận khéo" fields (lĩnh vực) a workbook's model row may name, for the workbook reader.
-- params: (none)
-- grain: one row per active field
select name
from model_field
where active
order by sort_order
