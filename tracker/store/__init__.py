"""The storage layer: the DuckDB connection (the only module importing duckdb), migrations, query loading, audit, backup and file permissions."""
