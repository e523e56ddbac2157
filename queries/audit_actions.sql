-- Every action name the audit log holds, for the Quản trị page's action filter.
-- params: (none)
-- grain: one row per distinct action, alphabetical
select distinct action
from audit_log
order by 1
