"""The district database's schema history (Alembic): `init` and `serve` bring a database to
the newest revision; `district.db.HEAD` names it."""
