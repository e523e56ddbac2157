-- Sở Nội vụ's thẩm định of bodies' self-scores for year $year (city registry, issue 34; tracker/city/reviews.py): the score it gave each body's assessment, its comment, by whom and when (the latest stands).
-- params: $year
-- grain: one row per reviewed body
select
    body,
    score,
    comment,
    reviewed_by,
    reviewed_at
from body_review
where year = $year
order by body
