"""The fixtures every test module may ask for by name, from the support modules that define them:
`db_url`, `pg_schema_url`, `settings`, `district` (a district on SQLite and on PostgreSQL),
`sqlite_template`, `server` (a real uvicorn district on loopback), `two_servers` (two uvicorn
instances on one database) and `servers` (either), `two_instances` (two `serve` processes on one
PostgreSQL), `restartable` (a district served, stopped and started again around a restore),
`console`, `harness` (every storage port in memory and on disk) and `window` (a window desk with
signed lists)."""

pytest_plugins = [
    "tests.district_support",
    "tests.api_support",
    "tests.console_support",
    "tests.storage_support",
    "tests.window_support",
    "tests.instances_support",
    "tests.restore_support",
]
