"""The fixtures every test module may ask for by name, from the support modules that define them:
`db_url`, `pg_schema_url`, `settings`, `district` (a district on SQLite and on PostgreSQL),
`sqlite_template` and `server` (a real uvicorn district on loopback), `console`, `harness`
(every storage port in memory and on disk), `window` (a window desk with signed lists) and
`restartable` (a district served, stopped and started again around a restore)."""

pytest_plugins = [
    "tests.district_support",
    "tests.api_support",
    "tests.console_support",
    "tests.storage_support",
    "tests.window_support",
    "tests.restore_support",
]
