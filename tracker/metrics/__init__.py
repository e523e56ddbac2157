"""The metrics of PRODUCT.md §6 as data: accessors over queries/*.sql, no display formatting."""
