"""The "五个一" matrix for 500 cadres × 12 months and the CSV export of 30,000 records (SPEC §9),
against the raw reads they must do, on SQLite and PostgreSQL.

    .venv/bin/python bench/compliance.py [--cadres 500] [--records 30000] [--rounds 5]
                                         [--db sqlite|postgresql|both]

Seeds a year of records: every cadre's cells (3 needy workers a quarter, a two-month enterprise
block, three monthly duties: 54 a cadre) each hold one record in a random review state, and the
rest up to --records are second records in random cells. **Matrix**: `compliance.build` for the
year (cadres, phones' last syncs, assignments, records, exemptions; one state per cell) plus its
rows for the export; its baseline is the one SELECT of the records' six columns it needs,
fetched. **Export**: `record_search.find` + `exports.record_rows` + `exports.office_csv` (UTF-8 with
BOM, Chinese headers, words); its baseline is a SELECT of the same columns written by
`csv.writer` as they come. Targets: matrix ≤ 1 s, 30,000 records exported ≤ 5 s. Best of
--rounds; ratios are ours ÷ baseline.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import random
import time
from collections.abc import Callable

from district_common import NOW, add_backend_options, backends, fresh_district
from sqlalchemy import insert, select

from app.chinatime import CHINA_OFFSET, DAY, date_day
from app.duties import DUTY_ORDER, Duty, periods_in_year
from district.cadres import compliance, exports, record_search
from district.cadres.record_search import RecordFilter
from district.cadres.tables import CadreRecord, DutyExemption, NeedyWorker
from district.phones.tables import Device
from district.service import District
from district.tables import Cadre

YEAR = 2026
STATES = ("submitted", "returned", "approved", "approved", "approved")
CONTENT = {"enterprise": "木渎精工机械有限公司", "workshop": "装配车间二班", "hours": 8,
           "work_done": "跟班装配、检验，" * 10, "workers_said": "希望改善食堂",
           "reflections": "收获很大"}


def seed(district: District, cadres: int, total: int, rng: random.Random) -> int:
    """Cadres with 3 workers and a phone each; one record per cell and extras up to `total`."""
    with district.sessions.begin() as session:
        session.execute(insert(Cadre), [{"cadre_no": f"C{n:04d}", "name": f"干部{n}",
                                         "department": "机关"} for n in range(cadres)])
        ids = list(session.scalars(select(Cadre.id).order_by(Cadre.id)))
        session.execute(insert(NeedyWorker), [
            {"name": f"职工{c}-{w}", "union_name": "工会", "town_id": "WZ-MD",
             "phone": "13800000000", "category": "因病", "household": "", "status": "在档",
             "cadre_id": c, "created_at": NOW, "updated_at": NOW} for c in ids for w in range(3)])
        workers = session.execute(select(NeedyWorker.cadre_id, NeedyWorker.id)).all()
        session.execute(insert(Device), [
            {"id": f"{c:032d}", "cadre_id": c, "role": "cadre", "name": "手机",
             "token_hash": c.to_bytes(32, "big"), "public_key": (c + 1).to_bytes(32, "big"),
             "created_at": NOW,
             "seen_at": NOW - rng.randrange(86_400 * 7)} for c in ids])
        session.execute(insert(DutyExemption), [
            {"cadre_id": c, "duty": "work_day", "period_key": f"{YEAR}-07", "subject": "",
             "reason": "年休假", "created_by": "bench", "created_at": NOW} for c in ids[::10]])
        by_cadre: dict[int | None, list[str]] = {}
        for cadre_id, worker_id in workers:
            by_cadre.setdefault(cadre_id, []).append(str(worker_id))
        cells = [(c, d, p, s) for c in ids for d in DUTY_ORDER for p in periods_in_year(d, YEAR)
                 for s in (by_cadre[c] if d is Duty.NEEDY_VISIT else [""])]
        chosen = cells + [rng.choice(cells) for _ in range(max(0, total - len(cells)))]
        rows = [_record(n, c, d, p.first, p.last, s, rng)
                for n, (c, d, p, s) in enumerate(chosen)]
        for start in range(0, len(rows), 5000):
            session.execute(insert(CadreRecord), rows[start:start + 5000])
    return len(rows)


def _record(n: int, cadre_id: int, duty: Duty, first: dt.date, last: dt.date, subject: str,
            rng: random.Random) -> dict[str, object]:
    day = date_day(first) + rng.randrange((last - first).days + 1)
    submitted = (day + rng.randrange(12)) * DAY - CHINA_OFFSET + 36_000
    state = rng.choice(STATES)
    return {"id": f"bench-{n:08d}", "cadre_id": cadre_id, "duty": duty.value,
            "subject": subject, "activity_day": day, "revision": 1, "state": state,
            "fields": json.dumps({"content": CONTENT}, ensure_ascii=False),
            "first_submitted_at": submitted, "submitted_at": submitted,
            "reviewed_at": submitted + 3600 if state != "submitted" else None,
            "comment": "请补充" if state == "returned" else None, "device_id": "d" * 32}


def best(rounds: int, work: Callable[[], int]) -> tuple[float, int]:
    """The fastest of `rounds` runs and what the work counted."""
    times, counted = [], 0
    for _ in range(rounds):
        start = time.perf_counter()
        counted = work()
        times.append(time.perf_counter() - start)
    return min(times), counted


def run(backend: str, cadres: int, total: int, rounds: int, pg_url: str) -> None:
    with fresh_district(backend, pg_url) as district:
        made = seed(district, cadres, total, random.Random(2014))
        at = NOW  # 2026-11-18: past months, the current one and December upcoming

        def matrix() -> int:
            with district.sessions() as session:
                built = compliance.build(session, compliance.selection(str(YEAR)), at)
            return len(exports.compliance_rows(built))

        def raw_read() -> int:
            with district.sessions() as session:
                return len(session.execute(select(
                    CadreRecord.cadre_id, CadreRecord.duty, CadreRecord.subject,
                    CadreRecord.activity_day, CadreRecord.state,
                    CadreRecord.first_submitted_at)).all())

        def export() -> int:
            with district.sessions() as session:
                rows = exports.record_rows(record_search.find(session, RecordFilter()))
            return len(exports.office_csv(rows, exports.RECORD_COLUMNS))

        def raw_export() -> int:
            out = io.StringIO()
            with district.sessions() as session:
                csv.writer(out).writerows(session.execute(select(*CadreRecord.__table__.c)))
            return len(out.getvalue().encode("utf-8"))

        report(backend, cadres, made, rounds, matrix, raw_read, export, raw_export)


def report(backend: str, cadres: int, made: int, rounds: int, *works: Callable[[], int]) -> None:
    (m, cells), (r, read), (e, size), (x, _) = (best(rounds, w) for w in works)
    print(f"\n{backend}: {cadres:,} cadres, {made:,} records in {YEAR}")
    print(f"  matrix, {cells:,} cells:      {m * 1000:8.0f} ms  (target ≤ 1,000 ms: "
          f"{'met' if m <= 1 else 'NOT met'})")
    print(f"  raw read of {read:,} records: {r * 1000:8.0f} ms  → matrix ÷ raw {m / r:.1f}×")
    print(f"  export of {made:,} records:   {e * 1000:8.0f} ms  ({size / 1e6:.1f} MB; target "
          f"≤ 5,000 ms: {'met' if e <= 5 else 'NOT met'})")
    print(f"  raw SELECT → csv.writer:      {x * 1000:8.0f} ms  → export ÷ raw {e / x:.1f}×")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cadres", type=int, default=500)
    parser.add_argument("--records", type=int, default=30_000)
    parser.add_argument("--rounds", type=int, default=5)
    add_backend_options(parser)
    args = parser.parse_args()
    for backend in backends(args.db):
        run(backend, args.cadres, args.records, args.rounds, args.pg_url)


if __name__ == "__main__":
    main()
