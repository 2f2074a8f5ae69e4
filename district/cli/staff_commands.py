"""CLI commands for district staff: `add-staff`, and the demo district's two staff accounts."""

from __future__ import annotations

import argparse
import getpass
import os
import time

from sqlalchemy.orm import Session

from district.errors import Invalid
from district.service import District
from district.staff import accounts

PASSWORD_ENV = "UNIONPASS_STAFF_PASSWORD"
# The demo's staff (user name, role, town, password): printed by `demo`, for trying things out.
DEMO_STAFF = (("admin", accounts.DISTRICT_ADMIN, None, "demo-admin-2014"),
              ("mudu", accounts.TOWN_CLERK, "WZ-MD", "demo-mudu-2014"),
              ("review", accounts.REVIEWER, None, "demo-review-2014"))


def _password() -> str:
    """From UNIONPASS_STAFF_PASSWORD, else asked twice at the terminal (never echoed)."""
    given = os.environ.get(PASSWORD_ENV)
    if given:
        return given
    first = getpass.getpass("密码 / password: ")
    if getpass.getpass("再输一次 / again: ") != first:
        raise Invalid("两次输入的密码不一样", "the two passwords differ")
    return first


def add_staff(d: District, args: argparse.Namespace) -> int:
    password = _password()
    town = args.town.upper() if args.town else None
    with d.sessions.begin() as session:
        added = accounts.add_staff(session, args.username, password, args.role, town, args.actor,
                                   int(time.time()))
    print(f"已添加工作人员 / staff added: {added.username} ({added.role}"
          f"{', ' + town if town else ''})", flush=True)
    return 0


def seed_staff(session: Session, actor: str, now: int) -> list[tuple[str, str, str]]:
    """The demo's district admin and 木渎 town clerk; returns (user, role, password)."""
    for username, role, town, password in DEMO_STAFF:
        accounts.add_staff(session, username, password, role, town, actor, now)
    return [(username, role, password) for username, role, _town, password in DEMO_STAFF]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    text = f"add a console user (password from ${PASSWORD_ENV} or a prompt)"
    parser = sub.add_parser("add-staff", help=text, description=text)
    parser.set_defaults(run=add_staff)
    parser.add_argument("username", metavar="USERNAME")
    parser.add_argument("--role", choices=accounts.ROLES, required=True)
    parser.add_argument("--town", metavar="TOWN_ID", help="the town of a town clerk, e.g. WZ-MD")
