-- Every recorded upload (accepted, rejected, duplicate), newest first, with which sheets still stand.
-- params: $unit (NULL = all units), $period (NULL = all weeks)
-- grain: one row per submission
select
    s.id,
    s.unit_code,
    s.period,
    s.status,
    s.filename,
    s.uploaded_at,
    s.uploaded_by,
    s.uploader_role,
    s.on_behalf,
    s.sha256,
    s.has_progress,
    s.has_indicators,
    s.has_scores,
    s.has_models,
    s.duplicate_of,
    s.errors_json,
    s.warnings_json,
    coalesce((select string_agg(c.sheet, ', ' order by c.sheet)
              from current_sheet as c where c.submission_id = s.id), '') as current_sheets
from submission as s
where ($unit is null or s.unit_code = $unit)
    and ($period is null or s.period = $period)
order by s.uploaded_at desc, s.id desc
