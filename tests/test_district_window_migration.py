"""Migration 0006 on a district that already has phones, pushed changes and redemptions."""

from __future__ import annotations

from sqlalchemy import text

from district import db

ROWS = (
    "INSERT INTO towns VALUES ('WZ-MD', '木渎镇', 'town', 0, 100000, 199999, 100000)",
    "INSERT INTO unions (id, town_id, name) VALUES (1, 'WZ-MD', '木渎工会')",
    "INSERT INTO members (id, member_no, name, id_last4, town_id, union_id, titles, status,"
    " updated_at) VALUES (1, 'WZ1', '陈建国', '3317', 'WZ-MD', 1, '', 'active', 1)",
    "INSERT INTO devices (id, member_id, family_id, role, name, token_hash, public_key,"
    " created_at, revoked_at) VALUES ('d1', 1, NULL, 'member', 'phone', :h, :k, 1, NULL)",
    "INSERT INTO sync_devices VALUES ('d1', 3)",
    "INSERT INTO sync_changes (change_id, device_id, scope, seq, entity, record_id, status,"
    " at) VALUES ('c1', 'd1', 'member:1', 3, 'family_request', 'r1', 'applied', 1)",
    "INSERT INTO redemptions (member_id, family_id, card_serial, spot_id, ticket_id, list_fen,"
    " paid_fen, at, source) VALUES (1, NULL, 100000, 'mudu', 'mudu-4', 7800, 3978, 1, 'api')",
)


def test_an_upgrade_keeps_the_phones_their_changes_and_their_purchases(db_url: str) -> None:
    engine = db.make_engine(db_url)
    db.migrate(engine, "0005")
    with engine.begin() as connection:
        for statement in ROWS:
            connection.execute(text(statement), {"h": b"h" * 32, "k": b"k" * 32})
    db.migrate(engine)
    with engine.connect() as connection:
        device = connection.execute(text("SELECT member_id, spot_id FROM devices")).one()
        change = connection.execute(text("SELECT device_id FROM sync_changes")).scalar_one()
        bought = connection.execute(text(
            "SELECT member_id, paid_fen, override, flag FROM redemptions")).one()
    revision = db.current_revision(engine)
    engine.dispose()
    assert (tuple(device), change, revision) == ((1, None), "d1", db.HEAD)
    assert tuple(bought) == (1, 3978, False, None)
