"""The district as one object: settings, database, key ring. Built on demand, never at import."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from district import db
from district.cards import keyring, lists
from district.cards.keyring import KeyRing
from district.cards.passphrase import ensure_passphrase, read_passphrase
from district.cards.vault import Vault
from district.errors import Conflict, KeyLocked
from district.registry import towns
from district.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class InitReport:
    root_kid: str
    issuers: dict[str, str]
    trust_version: int
    status_version: int


@dataclass
class District:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    readers: sessionmaker[Session]
    _keys: KeyRing | None = field(default=None, repr=False)
    _refused: tuple[str, bytes] | None = field(default=None, repr=False)  # a wrong passphrase

    @classmethod
    def open(cls, settings: Settings, migrate: bool = True) -> District:
        """Connect (and bring the schema up to date unless `migrate` is False). The data folder
        and the SQLite files are made private (0700/0600) first, with a warning if they were not."""
        engine = db.make_engine(settings.database_url)
        _make_private(settings)
        if migrate:
            db.migrate(engine)
        return cls(settings, engine, db.sessions(engine), db.readers(engine))

    def keys(self) -> KeyRing:
        """The key ring, unlocked with the passphrase (scrypt runs once per process); a wrong
        passphrase raises KeyLocked here, not at the first signature."""
        if self._keys is None:
            with self.sessions() as session:
                salt = keyring.vault_salt(session)
            passphrase = read_passphrase(self.settings)
            if (passphrase, salt) == self._refused:  # scrypt once per wrong passphrase
                raise KeyLocked("密钥口令错误，无法打开私钥",
                                "wrong key passphrase: the private keys cannot be opened")
            ring = KeyRing(Vault.unlock(passphrase, salt))
            try:
                with self.sessions() as session:
                    ring.root(session)
            except KeyLocked:
                self._refused = (passphrase, salt)
                raise
            self._keys = ring
        return self._keys

    def is_unlocked(self) -> bool:
        """Whether this process has opened the key ring (what `/healthz` reports)."""
        return self._keys is not None

    def initialize(self, actor: str, now: int) -> InitReport:
        """Root key, the towns, an issuer key per town, the first signed lists."""
        passphrase = ensure_passphrase(self.settings)
        with self.sessions.begin() as session:
            if keyring.is_initialized(session):
                raise Conflict("区总工会已经初始化过了", "the district is already initialized")
            keys = KeyRing(Vault.unlock(passphrase, keyring.vault_salt(session, create=True)))
            root = keyring.create_root(session, keys, now, actor)
            towns.add_towns(session)
            issuers = {t.id: keyring.certify_town(session, keys, t.id, now, actor).kid.hex()
                       for t in towns.all_towns(session)}
            trust = lists.sign_trust(session, keys, now)
            status = lists.sign_status(session, keys, now)
        self._keys = keys
        return InitReport(root.kid.hex(), issuers, trust.version, status.version)

    def is_initialized(self) -> bool:
        with self.sessions() as session:
            return keyring.is_initialized(session)

    def rotate_issuer(self, town_id: str, actor: str, now: int) -> str:
        """A new issuer key for the town and a re-signed trust list; returns the new kid."""
        keys = self.keys()
        with self.sessions.begin() as session:
            towns.get_town(session, town_id)
            row = keyring.certify_town(session, keys, town_id, now, actor)
            lists.sign_trust(session, keys, now)
            return row.kid.hex()

    def close(self) -> None:
        self.engine.dispose()


def _make_private(settings: Settings) -> None:
    loose = db.make_private([settings.data_dir, *db.sqlite_files(settings.database_url)])
    if loose:
        log.warning("数据目录里有其他用户可读的文件，已改为仅本人可读写 / made private "
                    "(0700/0600), they were readable by other users: %s",
                    ", ".join(map(str, loose)))
