"""Settings of the district server, read from the environment (never at import time)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DATA_ENV = "UNIONPASS_DATA_DIR"
DATABASE_ENV = "DATABASE_URL"
PASSPHRASE_ENV = "UNIONPASS_KEY_PASSPHRASE"
PASSPHRASE_FILE_ENV = "UNIONPASS_KEY_PASSPHRASE_FILE"
PASSPHRASE_FILE = "key-passphrase"
FORWARDED_ENV = "UNIONPASS_FORWARDED_ALLOW_IPS"
AUTO_APPROVE_ENV = "UNIONPASS_FAMILY_AUTO_APPROVE"
DAILY_LIMIT_ENV = "UNIONPASS_DAILY_LIMIT"
DEFAULT_DATA = "district-data"


@dataclass(frozen=True)
class Settings:
    """Where the district keeps its data. `passphrase` None: read it from `passphrase_file`,
    which is kept apart from the data (a copy of data_dir alone opens no private key)."""

    data_dir: Path
    database_url: str
    passphrase: str | None = None
    card_years: int = 3
    family_limit: int = 4
    family_auto_approve: bool = False  # off: the console approves family requests
    daily_limit: int = 1  # discounted tickets per card per spot per day (beyond: flagged)
    passphrase_path: Path | None = None  # None: default_passphrase_file()
    forwarded_allow_ips: tuple[str, ...] = ()  # proxies whose X-Forwarded-For is believed

    @classmethod
    def from_env(cls, data_dir: Path | str | None = None,
                 env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        data = Path(data_dir or env.get(DATA_ENV) or DEFAULT_DATA).resolve()
        url = env.get(DATABASE_ENV) or sqlite_url(data)
        auto = env.get(AUTO_APPROVE_ENV, "").strip().lower() in ("1", "true", "yes", "on")
        limit = env.get(DAILY_LIMIT_ENV, "").strip()
        chosen = env.get(PASSPHRASE_FILE_ENV)
        return cls(data, url, env.get(PASSPHRASE_ENV) or None, family_auto_approve=auto,
                   daily_limit=int(limit) if limit.isdigit() and int(limit) > 0 else 1,
                   passphrase_path=Path(chosen).expanduser().resolve() if chosen
                   else default_passphrase_file(env),
                   forwarded_allow_ips=address_list(env.get(FORWARDED_ENV, "")))

    @property
    def passphrase_file(self) -> Path:
        return self.passphrase_path or default_passphrase_file(os.environ)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def sqlite_url(data_dir: Path) -> str:
    return f"sqlite:///{data_dir / 'district.db'}"


def default_passphrase_file(env: Mapping[str, str]) -> Path:
    """`$XDG_CONFIG_HOME/unionpass/key-passphrase` (`~/.config/…`): the user's configuration,
    not the data directory, so copying or backing up the data does not carry the passphrase."""
    config = env.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config).expanduser().resolve() / "unionpass" / PASSPHRASE_FILE


def address_list(text: str) -> tuple[str, ...]:
    """"10.0.0.5, 10.0.0.6" → ("10.0.0.5", "10.0.0.6")."""
    return tuple(part.strip() for part in text.split(",") if part.strip())
