-- Where sign-in finds one account (city registry, issue 34): its body's code, or NULL for a city account kept in the registry; no row when the directory does not know the name (then it is the home body's, as before the registry).
-- params: $username
-- grain: at most one row
select body
from account_home
where username = $username
