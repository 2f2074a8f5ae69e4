"""`python -m district --data DIR enroll-window SPOT_ID` prints a code that enrolls a window."""

from __future__ import annotations

import re
import time
from pathlib import Path

from app.device_proof import sign_window
from app.keys import KeyPair
from district.service import District
from district.settings import Settings
from district.windows import window_devices
from tests.district_support import Cli


def test_enroll_window_prints_a_one_time_code_for_the_spot(db_url: str, tmp_path: Path) -> None:
    cli = Cli(db_url, tmp_path / "data")
    [seeded] = cli.run(["demo"])
    assert seeded.returncode == 0, seeded.stderr
    made, unknown = cli.run(["enroll-window", "yanjia"], ["enroll-window", "nowhere"])
    assert made.returncode == 0, made.stderr
    code = made.stdout.strip()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code) and "严家花园" in made.stderr
    assert unknown.returncode == 2 and "没有这个景点" in unknown.stderr
    district = District.open(Settings(cli.data, db_url if not db_url.startswith("sqlite")
                                      else f"sqlite:///{cli.data / 'district.db'}"))
    try:
        key = KeyPair.generate()
        ask = window_devices.Enrollment(code, key.public_raw, sign_window(key, code), "", "test")
        done = window_devices.enroll(district.sessions, ask, int(time.time()))
    finally:
        district.close()
    assert (done.spot_id, done.spot_name) == ("yanjia", "严家花园")
