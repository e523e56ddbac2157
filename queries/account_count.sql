-- How many accounts exist (none yet: the login page says how to create the first).
-- params: (none)
-- grain: one row (a count)
select count(*) as accounts
from app_user
