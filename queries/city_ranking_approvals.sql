-- The rankings of bodies Sở Nội vụ's leaders approved for year $year (city registry, issue 34), one per kind of body: who approved it and when (the latest approval stands).
-- params: $year
-- grain: one row per kind of body with an approved ranking in $year
select kind, approved_by, approved_at
from ranking_approval
where year = $year
order by kind
