"""`compliance` and `records` (SPEC §8): the "五个一" matrix one row per cell, and the cadres'
records, as JSON or CSV on standard output — the same rows as the console's downloads."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from district.cadres import compliance, exports, record_search
from district.cadres.record_search import RecordFilter
from district.cli.commands import parse_time
from district.errors import Invalid
from district.service import District

RECORD_STATES = ("submitted", "returned", "approved")


def _write(rows: list[exports.Row], columns: tuple[tuple[str, str], ...], form: str) -> None:
    text = exports.as_json(rows) + "\n" if form == "json" else exports.as_csv(rows, columns)
    sys.stdout.write(text)
    sys.stdout.flush()


def compliance_command(d: District, args: argparse.Namespace) -> int:
    """One row per cell of the period (every period of every duty overlapping it) at --at."""
    chosen = compliance.selection(args.period)
    with d.sessions() as session:
        matrix = compliance.build(session, chosen, int(parse_time(args.at)))
    _write(exports.compliance_rows(matrix), exports.COMPLIANCE_COLUMNS, args.format)
    return 0


def records_command(d: District, args: argparse.Namespace) -> int:
    """Every record (of a state; submitted or reviewed since a day, China time)."""
    since = None
    if args.since:
        try:
            since = dt.date.fromisoformat(args.since)
        except ValueError:
            raise Invalid(f"日期应写作 2026-03-01：{args.since}",
                          f"write the date as 2026-03-01: {args.since}") from None
    with d.sessions() as session:
        found = record_search.find(session, RecordFilter(state=args.state, since=since))
    _write(exports.record_rows(found), exports.RECORD_COLUMNS, args.format)
    return 0


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    text = "print the cadres' 五个一 compliance, one row per cell"
    p = sub.add_parser("compliance", help=text, description=text)
    p.set_defaults(run=compliance_command)
    p.add_argument("--period", required=True, metavar="YYYY-MM|YYYY-Qn|YYYY")
    p.add_argument("--at", metavar="ISO-TIME", help="the states at this time (default: now; "
                   "UTC+8 unless a zone is given)")
    p.add_argument("--format", choices=("json", "csv"), default="json")
    text = "export the cadres' records"
    p = sub.add_parser("records", help=text, description=text)
    p.set_defaults(run=records_command)
    p.add_argument("--state", choices=RECORD_STATES)
    p.add_argument("--since", metavar="DATE", help="submitted or reviewed on or after this day")
    p.add_argument("--format", choices=("json", "csv"), default="json")
