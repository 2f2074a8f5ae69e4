"""`python -m district …` as an operator runs it: real subprocesses, outputs checked.

Commands that do not depend on each other run at the same time to keep the suite quick.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from app.device_proof import sign_activation
from app.keys import KeyPair
from district.phones import enrollment
from district.phones.activation import CodeCancelled
from district.service import District
from district.settings import Settings
from tests.district_support import Cli, csv_bytes, xlsx_bytes

ROOT = Path(__file__).resolve().parent.parent


def test_init_import_card_verify_revoke_and_trust_list(db_url: str, tmp_path: Path) -> None:
    cli = Cli(db_url, tmp_path / "data")
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_bytes(csv_bytes("WZ1,陈建国,3317,WZ-MD,木渎精工工会,蓝领之星,",
                               "WZ2,王秀英,1234,WZ-DS,东山工会,,", encoding="gbk"))
    bad.write_bytes(csv_bytes("WZ9,错,12,WZ-MD,工会,,"))
    [init] = cli.run(["init"])
    assert init.returncode == 0, init.stderr
    assert "16 town issuers" in init.stdout
    assert oct(cli.passphrase_file.stat().st_mode & 0o777) == "0o600"
    imported, refused, trust = cli.run(["import-members", str(good)],
                                       ["import-members", str(bad)], ["trust-list"])
    assert (imported.returncode, refused.returncode, trust.returncode) == (0, 2, 0)
    assert "imported 2 rows" in imported.stdout and "write [" in imported.stderr
    assert "line 2, column id_last4" in refused.stderr and "nothing was written" in refused.stderr
    issuers = json.loads(trust.stdout)["issuers"]
    assert len(issuers) == 16 and all(len(bytes.fromhex(i["public_key"])) == 32 for i in issuers)
    png, text, unknown = cli.run(
        ["card", "WZ1", "--format", "png", "--out", str(tmp_path / "c.png")],
        ["card", "WZ2", "--format", "payload", "--out", str(tmp_path / "c.txt")],
        ["card", "NOPE", "--format", "payload"])
    assert (png.returncode, text.returncode, unknown.returncode) == (0, 0, 2), png.stderr
    assert "no member with number NOPE" in unknown.stderr
    [scanned] = zxingcpp.read_barcodes(Image.open(io.BytesIO((tmp_path / "c.png").read_bytes())))
    ok, no_spot = cli.run(["verify", scanned.text], ["verify", scanned.text, "--spot", "nowhere"])
    verdict = json.loads(ok.stdout)
    assert (ok.returncode, no_spot.returncode) == (0, 2)
    assert {k: verdict[k] for k in ("valid", "reason", "kind", "name", "static")} == {
        "valid": True, "reason": "ok", "kind": "member", "name": "陈建国", "static": True}
    [revoked] = cli.run(["revoke", str(verdict["serial"])])
    assert revoked.returncode == 0 and "status list version 2" in revoked.stdout
    after, other = cli.run(["verify", scanned.text], ["verify", (tmp_path / "c.txt").read_text()])
    assert (after.returncode, json.loads(after.stdout)["reason"]) == (1, "revoked")
    assert (other.returncode, json.loads(other.stdout)["name"]) == (0, "王秀英")


def test_card_twice_prints_one_card_and_a_member_who_changed_gets_a_new_one(
        db_url: str, tmp_path: Path) -> None:
    """Issue 11.2: each `card … --format payload` used to issue another valid printed card."""
    cli = Cli(db_url, tmp_path / "data")
    members, changed = tmp_path / "members.csv", tmp_path / "changed.csv"
    members.write_bytes(csv_bytes("WZ1,陈建国,3317,WZ-MD,木渎精工工会,蓝领之星,"))
    changed.write_bytes(csv_bytes("WZ1,陈建国,3317,WZ-MD,木渎精工工会,蓝领之星;劳动模范,"))
    assert [r.returncode for r in cli.run(["init"])] == [0]
    assert [r.returncode for r in cli.run(["import-members", str(members)])] == [0]
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    runs = cli.run(["card", "WZ1", "--format", "payload", "--out", str(first)],
                   ["card", "WZ1", "--format", "payload", "--out", str(second)])  # at once
    assert [r.returncode for r in runs] == [0, 0], [r.stderr for r in runs]
    assert first.read_text() == second.read_text()
    assert sum("未发新卡" in r.stderr for r in runs) == 1
    assert [r.returncode for r in cli.run(["import-members", str(changed)])] == [0]
    renewed = tmp_path / "renewed.txt"
    [card] = cli.run(["card", "WZ1", "--format", "payload", "--out", str(renewed)])
    assert card.returncode == 0 and "已注销" in card.stderr
    old, new = cli.run(["verify", first.read_text()], ["verify", renewed.read_text()])
    assert (old.returncode, json.loads(old.stdout)["reason"]) == (1, "revoked")
    assert (new.returncode, json.loads(new.stdout)["reason"]) == (0, "ok")


def test_demo_seeds_a_district_whose_family_cards_verify_at_a_spot(db_url: str,
                                                                   tmp_path: Path) -> None:
    cli = Cli(db_url, tmp_path / "data")
    [demo] = cli.run(["demo"])
    assert demo.returncode == 0, demo.stderr
    assert "WZ2014012345" in demo.stdout and "1 = 王喆（配偶）" in demo.stdout
    assert "20 spots" in demo.stdout and "cadre GB0001" in demo.stdout
    out = tmp_path / "family.txt"
    card, again = cli.run(["card", "WZ2014012345", "--family", "1", "--out", str(out)], ["demo"])
    assert card.returncode == 0, card.stderr
    assert again.returncode == 2 and "already there" in again.stderr
    at = "2099-01-01T10:00:00"
    spot, late = cli.run(["verify", out.read_text(), "--spot", "qiyuan"],
                         ["verify", out.read_text(), "--at", at])
    verdict = json.loads(spot.stdout)
    assert (verdict["valid"], verdict["kind"], verdict["name"]) == (True, "family", "王喆")
    assert (late.returncode, json.loads(late.stdout)["reason"]) == (1, "issuer_not_valid")


def test_import_members_reads_an_office_xlsx_with_chinese_headers(db_url: str,
                                                                   tmp_path: Path) -> None:
    cli = Cli(db_url, tmp_path / "data")
    export = tmp_path / "会员名册.xlsx"
    export.write_bytes(xlsx_bytes(["会员编号", "姓名", "身份证号", "所属工会", "镇/街道"],
                                  [20140001, "陈建国", "32050619800101331X", "木渎精工工会",
                                   "木渎镇"]))
    assert [r.returncode for r in cli.run(["init"])] == [0]
    [imported] = cli.run(["import-members", str(export)])
    assert imported.returncode == 0, imported.stderr
    assert "imported 1 rows" in imported.stdout
    [card] = cli.run(["card", "20140001", "--format", "payload"])
    [verdict] = cli.run(["verify", card.stdout.strip()])
    assert json.loads(verdict.stdout)["name"] == "陈建国"


def test_activation_code_prints_a_code_that_activates_and_cancels_the_older_ones(
        db_url: str, tmp_path: Path) -> None:
    cli = Cli(db_url, tmp_path / "data")
    members = tmp_path / "members.csv"
    members.write_bytes(csv_bytes("WZ1,陈建国,3317,WZ-MD,木渎精工工会,,"))
    assert [r.returncode for r in cli.run(["init"])] == [0]
    assert [r.returncode for r in cli.run(["import-members", str(members)])] == [0]
    [older] = cli.run(["activation-code", "WZ1"])
    newer, no_family, unknown = cli.run(["activation-code", "WZ1"],
                                        ["activation-code", "WZ1", "--family", "1"],
                                        ["activation-code", "NOPE"])
    assert (older.returncode, newer.returncode) == (0, 0), older.stderr
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}\n", newer.stdout)
    assert "陈建国" in newer.stderr and "已作废" in newer.stderr
    assert (no_family.returncode, unknown.returncode) == (2, 2)
    assert "no family member number 1" in no_family.stderr
    assert "no member with number NOPE" in unknown.stderr
    with opened(cli, db_url) as district:
        with pytest.raises(CodeCancelled):
            activate(district, older.stdout.strip())
        assert activate(district, newer.stdout.strip()).role == "member"


@contextmanager
def opened(cli: Cli, db_url: str) -> Iterator[District]:
    """The district the CLI wrote, opened in this process."""
    url = db_url if not db_url.startswith("sqlite") else f"sqlite:///{cli.data / 'district.db'}"
    district = District.open(Settings(cli.data, url, passphrase_path=cli.passphrase_file))
    try:
        yield district
    finally:
        district.close()


def activate(district: District, code: str) -> enrollment.Activation:
    key = KeyPair.generate()
    ask = enrollment.Request("WZ1", code, key.public_raw, sign_activation(key, "WZ1", code),
                             "phone", "127.0.0.1")
    return enrollment.activate(district.sessions, district.keys(), ask, int(time.time()))


def test_init_keeps_the_data_private_and_a_copy_of_it_opens_no_key(tmp_path: Path) -> None:
    cli = Cli("sqlite", tmp_path / "data")
    umask = os.umask(0o022)  # the usual one: plain files would be readable by everyone
    try:
        [init] = cli.run(["init"])
    finally:
        os.umask(umask)
    assert init.returncode == 0, init.stderr
    found = {p.name: stat.S_IMODE(p.stat().st_mode) for p in [cli.data, *cli.data.iterdir()]}
    assert "district.db" in found
    assert found == {name: 0o700 if name == "data" else 0o600 for name in found}
    assert stat.S_IMODE(cli.passphrase_file.stat().st_mode) == 0o600
    assert not cli.passphrase_file.is_relative_to(cli.data)
    assert f"passphrase is in {cli.passphrase_file}: back it up apart" in init.stdout
    copy = Cli("sqlite", tmp_path / "elsewhere" / "data")
    shutil.copytree(cli.data, copy.data)
    [stolen] = copy.run(["rotate-issuer", "WZ-MD"])
    assert stolen.returncode == 2 and "no key passphrase" in stolen.stderr
