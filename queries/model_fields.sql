-- The "Dân vận khéo" field catalogue in its file order; inactive fields included (flagged).
-- params: (none)
-- grain: one row per field
select code, name, active, note, sort_order
from model_field
order by sort_order
