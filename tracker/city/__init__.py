"""The city (issue 34): every body (the Office, each sở, ban, ngành and each UBND xã, phường)
has a database file of its own with the body schema; a small registry beside them holds the body
catalogue, the account directory, the items of the city's Kế hoạch 52, the shared criteria set,
Sở Nội vụ's records and each body's rollup.

Modules: registry (the registry's file, made on first use with the home body registered),
bodies (the body catalogue), items (city plan items per year), shared_criteria (the city's
criteria set, copied into each body), seeding (a new body's file), escalations (a body sending a
difficulty up), reports (a body's Báo cáo snapshots to Sở Nội vụ), requests and reviews (Sở Nội
vụ's own records), rollup (what city pages read instead of opening every body), overview
(what Sở Nội vụ's pages read from it).
"""
