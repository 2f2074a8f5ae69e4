"""`python -m district compliance --period … [--at …] --format json|csv` and `records [--state S]
[--since DATE] --format json|csv` (SPEC §8): one row per cell with the SPEC's names, and the
records, read by a program."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

from app.duties import Duty
from district.service import District
from district.settings import Settings
from tests.cadre_rows import add_cadre, add_record, add_worker, noon
from tests.district_support import Cli


def _district(cli: Cli, db_url: str) -> District:
    url = db_url if not db_url.startswith("sqlite") else f"sqlite:///{cli.data / 'district.db'}"
    return District.open(Settings(cli.data, url))


def _seed(cli: Cli, db_url: str) -> str:
    [made] = cli.run(["init"])
    assert made.returncode == 0, made.stderr
    district = _district(cli, db_url)
    try:
        with district.sessions.begin() as session:
            cadre = add_cadre(session, "C001")
            worker = add_worker(session, cadre)
            add_record(session, cadre, Duty.WORK_DAY, dt.date(2026, 3, 2), "approved",
                       record_id="r-approved")
            add_record(session, cadre, Duty.NEEDY_VISIT, dt.date(2026, 3, 9), "submitted",
                       subject=str(worker.id), record_id="r-submitted",
                       first_submitted_at=noon(dt.date(2026, 4, 20)))
            return str(worker.id)
    finally:
        district.close()


def test_compliance_prints_one_row_per_cell_as_json_and_csv(db_url: str, tmp_path: Path) -> None:
    cli = Cli(db_url, tmp_path / "data")
    worker = _seed(cli, db_url)
    as_json, as_csv, wrong = cli.run(
        ["compliance", "--period", "2026-03", "--at", "2026-03-15T09:00", "--format", "json"],
        ["compliance", "--period", "2026-Q1", "--at", "2026-04-20T09:00+08:00",
         "--format", "csv"],
        ["compliance", "--period", "2026-13"])
    assert as_json.returncode == 0, as_json.stderr
    cells = {(r["duty"], r["period"], r["worker"]): r["state"] for r in json.loads(as_json.stdout)}
    assert cells == {("work_day", "2026-03", ""): "done",
                     ("needy_visit", "2026-Q1", worker): "submitted",
                     ("enterprise_visit", "2026-B2", ""): "due",
                     ("mentor_contact", "2026-03", ""): "due",
                     ("study_meeting", "2026-03", ""): "due"}
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert {"cadre_no", "duty", "period", "worker", "state"} <= set(rows[0])
    later = {(r["duty"], r["period"]): r["state"] for r in rows}
    assert later[("work_day", "2026-01")] == "overdue"
    assert later[("needy_visit", "2026-Q1")] == "submitted"
    assert wrong.returncode == 2 and "2026-Q1" in wrong.stderr


def test_records_export_by_state_and_since(db_url: str, tmp_path: Path) -> None:
    cli = Cli(db_url, tmp_path / "data")
    _seed(cli, db_url)
    approved, since, every = cli.run(
        ["records", "--state", "approved", "--format", "json"],
        ["records", "--since", "2026-04-01", "--format", "csv"],
        ["records", "--format", "csv"])
    assert approved.returncode == 0, approved.stderr
    [only] = json.loads(approved.stdout)
    assert (only["record_id"], only["state"], only["cadre_no"], only["activity_date"]) == (
        "r-approved", "approved", "C001", "2026-03-02")
    assert json.loads(only["content"]) == {"work_done": "装配线上拧螺丝"}
    assert [r["record_id"] for r in csv.DictReader(io.StringIO(since.stdout))] == [
        "r-submitted"]
    assert len(list(csv.DictReader(io.StringIO(every.stdout)))) == 2
