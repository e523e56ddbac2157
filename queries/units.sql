-- The unit catalogue, in its file order; inactive units included (flagged).
-- params: (none)
-- grain: one row per unit
select code, name, active, sample, note, sort_order
from unit
order by sort_order
