"""Backup and restore of the district (district/backup/, `backup` and `restore` on the command
line), on SQLite and PostgreSQL: a backup brings back exactly what it held, in a new generation
with the lists signed above every earlier version; one taken while devices push is consistent;
one of the previous schema is migrated; a wrong passphrase, an altered file or a newer schema is
refused and changes nothing."""

from __future__ import annotations

import subprocess
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from district import db
from district.backup import sealed, snapshot
from district.backup.files import restore_backup, write_backup
from district.backup.restore import restore
from district.cards import issuance, lists, printing
from district.cards.keyring import KeyRing
from district.cards.vault import Vault
from district.errors import Invalid, KeyLocked
from district.feed import changelog
from district.feed.tables import SyncCounter, SyncLogEntry
from district.registry import importer, people
from district.service import District
from district.settings import Settings
from district.sync.tables import SyncChange, SyncDevice
from district.tables import FamilyMember, Member
from district.windows.tables import Redemption
from tests.api_support import Phone, Server
from tests.district_support import PASSPHRASE, Cli, csv_bytes
from tests.district_window_support import sale, sale_change, window, with_catalog
from tests.fakes import NOW
from tests.sync_support import activated, change, push


def unlock(salt: bytes) -> KeyRing:
    return KeyRing(Vault.unlock(PASSPHRASE, salt))


MEMBERS = ("WZ1,陈建国,3317,WZ-MD,木渎精工机械工会,蓝领之星,", "WZ2,王秀英,1234,WZ-DS,东山工会,,")
LATER = "WZ9,李后来,0009,WZ-MD,木渎精工机械工会,,"


def member_nos(district: District) -> list[str]:
    with district.sessions() as session:
        return sorted(session.scalars(select(Member.member_no)))


def list_versions(district: District) -> tuple[int, int]:
    with district.sessions() as session:
        return (lists.current(session, lists.TRUST).version,
                lists.current(session, lists.STATUS).version)


def log_counter(district: District) -> int:
    with district.sessions() as session:
        return session.scalars(select(SyncCounter.value)).one()


def generation(district: District) -> str | None:
    with district.sessions() as session:
        return changelog.generation(session)


def test_a_restore_brings_back_exactly_the_backup_in_a_new_generation(
        district: District, tmp_path: Path) -> None:
    with district.sessions.begin() as session:
        importer.import_members(session, csv_bytes(*MEMBERS), "test", NOW)
    before, backup = generation(district), tmp_path / "backup" / "district.upbak"
    written = write_backup(district.engine, backup, PASSPHRASE, NOW)
    assert oct(backup.stat().st_mode & 0o777) == "0o600" and written.revision == db.HEAD
    with district.sessions.begin() as session:
        importer.import_members(session, csv_bytes(LATER), "test", NOW + 10)
        printed = printing.static_card(session, district.keys(), "WZ1", None, "test", NOW + 10)
        issuance.revoke(session, district.keys(), printed.card.serial, "lost", "test", NOW + 20)
    signed_after_backup, cursor_after_backup = list_versions(district), log_counter(district)
    restored = restore_backup(district.engine, backup, PASSPHRASE, NOW + 3600)
    assert member_nos(district) == ["WZ1", "WZ2"] and restored.revision == db.HEAD
    assert log_counter(district) > cursor_after_backup  # cursors are not handed out again
    assert generation(district) == restored.generation != before
    versions = list_versions(district)
    assert restored.list_versions == versions
    assert all(new > old for new, old in zip(versions, signed_after_backup, strict=True))
    with district.sessions.begin() as session:
        assert lists.opened(session)[1].version == versions[1]  # signed by the restored root
        importer.import_members(session, csv_bytes(LATER), "test", NOW + 3700)  # ids go on
        again = printing.static_card(session, district.keys(), "WZ1", None, "test", NOW + 3700)
    assert member_nos(district) == ["WZ1", "WZ2", "WZ9"]
    assert again.card.serial > printed.card.serial  # the lost card keeps its serial to itself


def test_a_sqlite_backup_moves_the_district_onto_postgresql(tmp_path: Path,
                                                           pg_schema_url: str) -> None:
    sqlite = District.open(Settings(tmp_path / "a", f"sqlite:///{tmp_path}/a.db", PASSPHRASE))
    sqlite.initialize("test", NOW)
    with sqlite.sessions.begin() as session:
        importer.import_members(session, csv_bytes(*MEMBERS), "test", NOW)
    write_backup(sqlite.engine, tmp_path / "moving.upbak", PASSPHRASE, NOW)
    sqlite.close()
    postgres = District.open(Settings(tmp_path / "b", pg_schema_url, PASSPHRASE))
    try:
        restore_backup(postgres.engine, tmp_path / "moving.upbak", PASSPHRASE, NOW + 60)
        assert member_nos(postgres) == ["WZ1", "WZ2"]
        with postgres.sessions.begin() as session:
            printing.static_card(session, postgres.keys(), "WZ2", None, "test", NOW + 70)
            importer.import_members(session, csv_bytes(LATER), "test", NOW + 70)  # ids go on
    finally:
        postgres.close()


def test_a_backup_of_the_previous_schema_is_restored_and_migrated(
        district: District, tmp_path: Path) -> None:
    with district.sessions.begin() as session:
        importer.import_members(session, csv_bytes(*MEMBERS), "test", NOW)
    with district.engine.begin() as connection:
        config = db.alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, db.revisions()[-2])
    old = snapshot.take(district.engine, NOW)
    db.migrate(district.engine)
    with district.sessions.begin() as session:
        importer.import_members(session, csv_bytes(LATER), "test", NOW + 10)
    restored = restore(district.engine, old, unlock, NOW + 60)
    assert (old.revision, db.current_revision(district.engine)) == (db.revisions()[-2], db.HEAD)
    assert member_nos(district) == ["WZ1", "WZ2"] and generation(district) == restored.generation


def test_a_backup_of_a_newer_schema_is_refused_and_changes_nothing(district: District) -> None:
    taken = snapshot.take(district.engine, NOW)
    newer = snapshot.Snapshot("9999", taken.dialect, taken.taken_at, taken.tables)
    with district.sessions.begin() as session:
        importer.import_members(session, csv_bytes(*MEMBERS), "test", NOW)
    with pytest.raises(Invalid, match="newer than this program"):
        restore(district.engine, newer, unlock, NOW)
    assert member_nos(district) == ["WZ1", "WZ2"]


def test_a_sealed_backup_opens_only_with_its_passphrase_and_unaltered() -> None:
    blob = sealed.seal(b"the district", PASSPHRASE)
    assert sealed.unseal(blob, PASSPHRASE) == b"the district" and b"district" not in blob
    with pytest.raises(KeyLocked, match="wrong key passphrase"):
        sealed.unseal(blob, "guess")
    body, nonce = len(blob) - 5, blob.index(b'"nonce": "') + 10
    flip = ord("0") if blob[nonce] != ord("0") else ord("1")
    for altered in (blob[:body] + bytes([blob[body] ^ 1]) + blob[body + 1:], blob[:-1],
                    blob[:nonce] + bytes([flip]) + blob[nonce + 1:],
                    blob.replace(b'"n": 32768', b'"n": 99999')):
        with pytest.raises(Invalid, match="damaged or was altered"):
            sealed.unseal(altered, PASSPHRASE)
    with pytest.raises(Invalid, match="not a UnionPass backup"):
        sealed.unseal(b"SQLite format 3\x00", PASSPHRASE)


# A backup while devices push ----------------------------------------------------------------

def consistency(session: Session) -> list[str]:
    """What a torn copy would break: each applied sale has its redemption and its log entry,
    each applied family request its family member, each device's last seq its changes, the
    counter row its log. The problems found (none when consistent)."""
    applied = Counter(session.scalars(select(SyncChange.entity)
                                      .where(SyncChange.status == "applied")))
    sales = set(session.scalars(select(SyncChange.record_id).where(
        SyncChange.entity == "sale", SyncChange.status == "applied")))
    redemptions = {sale_id: id_ for sale_id, id_ in session.execute(
        select(Redemption.sale_id, Redemption.id))}
    logged = {int(r) for r in session.scalars(select(SyncLogEntry.record_id).where(
        SyncLogEntry.entity == "redemption"))}
    seqs = {device: seq for device, seq in session.execute(
        select(SyncChange.device_id, func.max(SyncChange.seq)).group_by(SyncChange.device_id))}
    devices = {device: seq for device, seq in session.execute(
        select(SyncDevice.device_id, SyncDevice.last_seq))}
    counter = session.scalar(select(SyncCounter.value).where(SyncCounter.name == "log")) or 0
    newest = session.scalar(select(func.max(SyncLogEntry.cursor))) or 0
    families = session.scalar(select(func.count()).select_from(FamilyMember))
    checks = {"applied sales = redemptions": sales == set(redemptions),
              "every redemption logged": set(redemptions.values()) <= logged,
              "applied requests = family members": applied["family_request"] == families,
              "last seqs = pushed seqs": seqs == devices,
              "counter covers the log": newest <= counter}
    return [name for name, ok in checks.items() if not ok]


def test_a_backup_taken_while_devices_push_is_consistent_and_restores_anywhere(
        server: Server, tmp_path: Path) -> None:
    with_catalog(server)
    phone, till = activated(server), window(server)
    serial = phone.get("/cards").json()["serial"]
    stop, failures, pushed = threading.Event(), list[BaseException](), Counter[str]()

    def keep_pushing(name: str, make: Callable[[int], tuple[Phone, dict[str, Any]]]) -> None:
        seq = 0
        try:
            while not stop.is_set():
                seq += 1
                push(*make(seq))
                pushed[name] += 1
        except BaseException as exc:  # reported by the test's thread below
            failures.append(exc)

    def a_sale(seq: int) -> tuple[Phone, dict[str, Any]]:
        return till, sale_change(seq, sale(serial, server.clock() + seq))

    def a_request(seq: int) -> tuple[Phone, dict[str, Any]]:
        return phone, change(seq, fields={"name": f"家属{seq}", "relation": "子女",
                                          "id_last4": "1234"})

    writers = [threading.Thread(target=keep_pushing, args=("sale", a_sale)),
               threading.Thread(target=keep_pushing, args=("family", a_request))]
    for writer in writers:
        writer.start()
    backups = []
    try:
        for n in range(4):
            while pushed["sale"] < 5 * (n + 1) and not failures:
                stop.wait(0.01)
            backups.append(write_backup(server.district.engine, tmp_path / f"b{n}.upbak",
                                        PASSPHRASE, NOW).path)
    finally:
        stop.set()
        for writer in writers:
            writer.join()
    assert failures == []
    for n, path in enumerate(backups):
        target = District.open(Settings(tmp_path / f"r{n}", f"sqlite:///{tmp_path}/r{n}.db",
                                        PASSPHRASE))
        restore_backup(target.engine, path, PASSPHRASE, NOW)
        with target.sessions() as session:
            assert consistency(session) == [], path
            assert lists.opened(session)[0].issuers and people.member_by_no(session, "WZ1")
            sold = session.scalar(select(func.count()).select_from(Redemption)) or 0
            assert sold >= 5 * (n + 1)
        target.close()


# The command line --------------------------------------------------------------------------

Runs = list[subprocess.CompletedProcess[str]]


def concurrently(*calls: Callable[[], Runs]) -> list[Runs]:
    """Each call in its own thread (each starts its commands at once); results in order."""
    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(lambda call: call(), calls))


def test_backup_and_restore_on_the_command_line_and_every_refusal_changes_nothing(
        db_url: str, tmp_path: Path) -> None:
    cli = Cli(db_url, tmp_path / "data")
    good, later = tmp_path / "members.csv", tmp_path / "later.csv"
    good.write_bytes(csv_bytes(*MEMBERS))
    later.write_bytes(csv_bytes(LATER))
    out, inside = tmp_path / "backups" / "district.upbak", cli.data / "district.upbak"
    for step in (["init"], ["import-members", str(good)]):
        assert cli.run(step)[0].returncode == 0
    made, warned = cli.run(["backup", "--out", str(out)], ["backup", "--out", str(inside)])
    assert (made.returncode, warned.returncode) == (0, 0), made.stderr
    assert "backup written" in made.stdout
    assert "warning" not in made.stderr and "inside the data directory" in warned.stderr
    assert cli.run(["import-members", str(later)])[0].returncode == 0
    blob = out.read_bytes()
    (tmp_path / "altered").write_bytes(blob[:-40] + bytes([blob[-40] ^ 0xFF]) + blob[-39:])
    (tmp_path / "cut").write_bytes(blob[: len(blob) // 2])
    wrong = Cli(db_url, cli.data)
    wrong.env["UNIONPASS_KEY_PASSPHRASE"] = "not the passphrase"
    (refused,), (altered, cut, alien) = concurrently(
        lambda: wrong.run(["restore", str(out)]),
        lambda: cli.run(["restore", str(tmp_path / "altered")],
                        ["restore", str(tmp_path / "cut")], ["restore", str(good)]))
    assert refused.returncode == 2 and "密钥口令不对" in refused.stderr
    assert "wrong key passphrase" in refused.stderr
    for damaged in (altered, cut):
        assert damaged.returncode == 2 and "备份文件已损坏或被改动" in damaged.stderr
        assert "damaged or was altered; nothing was restored" in damaged.stderr
    assert alien.returncode == 2 and "这不是工会通的备份文件" in alien.stderr
    env = {} if db_url.startswith("sqlite") else {"DATABASE_URL": db_url}
    district = District.open(Settings.from_env(cli.data, env))
    try:
        assert member_nos(district) == ["WZ1", "WZ2", "WZ9"]  # nothing was restored
        [restored] = cli.run(["restore", str(out)])
        assert restored.returncode == 0 and "restored the backup" in restored.stdout
        assert member_nos(district) == ["WZ1", "WZ2"]
    finally:
        district.close()
