"""Root and town issuer keys: sealed at rest, certified in the trust list, rotated safely."""

from __future__ import annotations

import stat
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from app.qrtext import encode_qr_text
from app.verify import Reason
from district import audit
from district.cards import keyring, lists, printing, vault
from district.cards.vault import Vault
from district.errors import KeyLocked
from district.registry.importer import import_members
from district.service import District
from district.settings import Settings
from district.tables import SigningKey
from tests.district_support import csv_bytes
from tests.fakes import NOW


def sealed_keys(d: District) -> list[tuple[SigningKey, bytes]]:
    with d.sessions() as session:
        rows = list(session.scalars(select(SigningKey)))
    return [(row, d.keys().pair(row).private_raw) for row in rows]


def test_private_keys_are_sealed_and_never_stored_in_the_clear(district: District,
                                                               settings: Settings) -> None:
    pairs = sealed_keys(district)
    assert len(pairs) == 17  # the root and one issuer per town
    assert all(private not in row.private_sealed for row, private in pairs)
    if settings.is_sqlite:
        files = Path(settings.database_url.removeprefix("sqlite:///")).parent.glob("district.db*")
        stored = b"".join(path.read_bytes() for path in files)
        assert all(row.public_key in stored for row, _ in pairs)
        assert not any(private in stored for _, private in pairs)


def test_a_wrong_passphrase_is_a_clear_error(district: District, settings: Settings) -> None:
    other = District.open(replace(settings, passphrase="wrong"))
    with pytest.raises(KeyLocked, match="wrong key passphrase"), other.sessions() as session:
        other.keys().root(session)
    other.close()


def test_init_without_a_passphrase_writes_one_readable_only_by_its_owner(
        db_url: str, tmp_path: Path) -> None:
    settings = Settings(tmp_path / "data", db_url, None,
                        passphrase_path=tmp_path / "config" / "key-passphrase")
    d = District.open(settings)
    d.initialize("test", NOW)
    mode = stat.S_IMODE(settings.passphrase_file.stat().st_mode)
    again = District.open(settings)
    with again.sessions() as session:
        assert again.keys().root(session).public_raw == lists.root_public(session)
    for each in (d, again):
        each.close()
    assert mode == 0o600
    settings.passphrase_file.unlink()
    locked = District.open(settings)
    with pytest.raises(KeyLocked, match="UNIONPASS_KEY_PASSPHRASE"):
        locked.keys()
    locked.close()


def test_by_default_the_passphrase_file_is_in_the_users_config_not_with_the_data(
        tmp_path: Path) -> None:
    env = {"UNIONPASS_DATA_DIR": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "c")}
    settings = Settings.from_env(env=env)
    assert settings.passphrase_file == tmp_path / "c" / "unionpass" / "key-passphrase"
    chosen = Settings.from_env(env={**env, "UNIONPASS_KEY_PASSPHRASE_FILE": "/etc/up/pass"})
    assert chosen.passphrase_file == Path("/etc/up/pass")


def passphrase_settings(district: District, path: Path) -> Settings:
    return replace(district.settings, passphrase=None, passphrase_path=path)


def unlock(settings: Settings) -> None:
    opened = District.open(settings)
    try:
        opened.keys()
    finally:
        opened.close()


def test_a_passphrase_file_inside_the_data_directory_is_refused_in_two_languages(
        district: District) -> None:
    inside = district.settings.data_dir / "secrets" / "key-passphrase"
    inside.parent.mkdir(parents=True)
    inside.write_text(district.settings.passphrase or "")
    inside.chmod(0o600)
    with pytest.raises(KeyLocked) as refused:
        unlock(passphrase_settings(district, inside))
    assert "不能放在数据目录里" in refused.value.zh
    assert "must not be inside the data directory" in refused.value.en


def test_a_passphrase_file_others_can_read_is_refused_with_the_fix(district: District,
                                                                   tmp_path: Path) -> None:
    path = tmp_path / "config" / "key-passphrase"
    path.parent.mkdir()
    path.write_text(district.settings.passphrase or "")
    path.chmod(0o640)
    with pytest.raises(KeyLocked) as refused:
        unlock(passphrase_settings(district, path))
    assert "其他用户也能读取" in refused.value.zh and f"chmod 600 {path}" in refused.value.en
    path.chmod(0o600)
    unlock(passphrase_settings(district, path))


def test_a_passphrase_file_left_in_the_data_directory_by_an_older_init_must_be_moved(
        district: District, tmp_path: Path) -> None:
    old = district.settings.data_dir / "key-passphrase"
    old.parent.mkdir(parents=True, exist_ok=True)
    old.write_text(district.settings.passphrase or "")
    old.chmod(0o600)
    wanted = tmp_path / "config" / "key-passphrase"
    with pytest.raises(KeyLocked) as refused:
        unlock(passphrase_settings(district, wanted))
    assert f"请把它移到 {wanted}" in refused.value.zh and f"move it to {wanted}" in refused.value.en
    wanted.parent.mkdir(mode=0o700)
    old.rename(wanted)
    unlock(passphrase_settings(district, wanted))


def test_a_wrong_passphrase_fails_when_the_keys_are_unlocked_and_costs_one_scrypt(
        district: District, monkeypatch: pytest.MonkeyPatch) -> None:
    derived: list[str] = []
    real = vault.derive_key

    def counted(passphrase: str, salt: bytes) -> bytes:
        derived.append(passphrase)
        return real(passphrase, salt)

    monkeypatch.setattr(vault, "derive_key", counted)
    locked = District.open(replace(district.settings, passphrase="wrong"))
    try:
        for _ in range(3):  # e.g. three console requests while the keys are locked
            with pytest.raises(KeyLocked, match="wrong key passphrase"):
                locked.keys()
    finally:
        locked.close()
    assert derived == ["wrong"]


def test_the_vault_binds_each_sealed_key_to_its_public_key() -> None:
    vault = Vault.unlock("pass", b"0123456789abcdef")
    sealed = vault.seal(b"k" * 32, b"public-a")
    assert vault.open(sealed, b"public-a") == b"k" * 32
    with pytest.raises(KeyLocked):
        vault.open(sealed, b"public-b")


def test_the_trust_list_certifies_every_town_with_its_own_serial_range(
        district: District) -> None:
    with district.sessions() as session:
        trust, status = lists.opened(session)
    ranges = {i.issuer_id: (i.serial_lo, i.serial_hi) for i in trust.issuers}
    assert len(ranges) == 16
    assert ranges["WZ-MD"] == (100_000, 199_999)
    assert ranges["WZ-THXC"] == (1_600_000, 1_699_999)
    assert status.size == 1_700_000


def test_rotation_keeps_old_cards_valid_and_signs_new_cards_with_the_new_key(
        district: District) -> None:
    with district.sessions.begin() as session:
        import_members(session, csv_bytes("WZ1,陈建国,3317,WZ-MD,木渎精工工会,,",
                                          "WZ2,王秀英,1234,WZ-MD,木渎精工工会,,"), "t", NOW)
        old_card = printing.static_card(session, district.keys(), "WZ1", None, "t", NOW).card
    old_kid = old_card.issuer_kid
    new_kid = district.rotate_issuer("WZ-MD", "admin", NOW + 100)
    with district.sessions.begin() as session:
        new_card = printing.static_card(session, district.keys(), "WZ2", None, "t",
                                        NOW + 200).card
        verifier = lists.verifier(session)
        active = keyring.active_issuer(session, "WZ-MD").kid
        [entry] = audit.recent(session, action="issuer_key.rotate")
    assert (new_card.issuer_kid.hex(), active.hex()) == (new_kid, new_kid)
    assert new_kid != old_kid.hex()
    assert {i.kid for i in verifier.trust.issuers if i.issuer_id == "WZ-MD"} == {  # type: ignore[union-attr]
        old_kid, bytes.fromhex(new_kid)}
    for card in (old_card, new_card):
        assert verifier.verify(encode_qr_text(card.cose), NOW + 300).reason is Reason.OK
    assert audit.details_of(entry)["retired"] == [old_kid.hex()]
