-- The SHA-256 of every accepted upload with its first submission and that submission's time.
-- params: (none)
-- grain: one row per distinct file content (sha256)
select
    sha256,
    min(id) as submission_id,
    arg_min(uploaded_at, id) as uploaded_at
from submission
where status = 'accepted'
group by sha256
