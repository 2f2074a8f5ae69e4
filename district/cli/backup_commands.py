"""`backup --out FILE` and `restore FILE` (SPEC §8)."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime
from pathlib import Path

from app.chinatime import CHINA
from district.backup.files import restore_backup, write_backup
from district.cards.passphrase import read_passphrase
from district.service import District


def _within(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def backup(d: District, args: argparse.Namespace) -> int:
    out = Path(args.out)
    if _within(out, d.settings.data_dir):
        print("注意：备份文件在数据目录里，磁盘坏了会和数据一起丢失，请另存一处 / warning: the "
              "backup is inside the data directory; keep a copy somewhere else",
              file=sys.stderr)
    written = write_backup(d.engine, out, read_passphrase(d.settings), int(time.time()))
    print(f"备份完成 / backup written: {written.path} ({written.size:,} bytes, "
          f"{written.rows:,} rows in {written.tables} tables, schema {written.revision}); "
          "用密钥口令加密 / sealed with the key passphrase", flush=True)
    return 0


def restore(d: District, args: argparse.Namespace) -> int:
    restored = restore_backup(d.engine, Path(args.file), read_passphrase(d.settings),
                              int(time.time()))
    taken = datetime.fromtimestamp(restored.taken_at, CHINA).strftime("%Y-%m-%d %H:%M")
    lists = (f"; lists signed again: trust {restored.list_versions[0]}, status "
             f"{restored.list_versions[1]}" if restored.list_versions else "")
    print(f"已恢复 / restored the backup of {taken} ({restored.rows:,} rows, schema "
          f"{restored.revision}); 新的同步代 / new sync generation {restored.generation}"
          f"{lists}. 各设备下次同步时会从头拉取，并重发备份之后发送过的内容 / every device "
          "pulls from the start at its next sync and sends again what it sent since",
          flush=True)
    return 0


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    text = "write a consistent, encrypted backup of the database and keys (while serving)"
    parser = sub.add_parser("backup", help=text, description=text)
    parser.set_defaults(run=backup)
    parser.add_argument("--out", metavar="FILE", required=True)
    text = "replace the database with a backup (stop the servers first)"
    parser = sub.add_parser("restore", help=text, description=text)
    parser.set_defaults(run=restore)
    parser.add_argument("file", metavar="FILE")
