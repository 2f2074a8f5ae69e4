"""`python -m district enroll-cadre CADRE_NO` (SPEC §8): a one-time code that enrolls the
cadre's phone for the "五个一"; the cadre's older unused codes stop working."""

from __future__ import annotations

import argparse
import sys
import time

from app.cadre_wire import ENROLL_PATH
from district.cadres import enrollment
from district.service import District


def enroll_cadre(d: District, args: argparse.Namespace) -> int:
    """The code alone on stdout (for scripts); whose it is and where to use it on stderr."""
    with d.sessions.begin() as session:
        issued = enrollment.create_cadre_code(session, args.cadre_no, args.actor,
                                              int(time.time()))
    print(issued.code, flush=True)
    days, stopped = enrollment.VALID_DAYS, len(issued.cancelled)
    older = (f"；此前未用的 {stopped} 个登记码已作废" if stopped else "",
             f"; {stopped} older unused code(s) no longer work" if stopped else "")
    print(f"干部 {issued.cadre_name}（{issued.cadre_no}）的手机登记码，{days} 天内有效，只能用一次"
          f"{older[0]}。请在干部手机的工会通“五个一”中输入此码"
          f"（手机向 {ENROLL_PATH} 登记）。 / enrollment code for cadre {issued.cadre_no}'s phone, "
          f"valid {days} days, once{older[1]}: in UnionPass on the cadre's phone open 五个一 and "
          f"enter it (the phone enrolls at {ENROLL_PATH}).", file=sys.stderr)
    return 0


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    text = "print a one-time code that enrolls a cadre's phone for the 五个一 (SPEC §10)"
    parser = sub.add_parser("enroll-cadre", help=text, description=text)
    parser.add_argument("cadre_no", metavar="CADRE_NO")
    parser.set_defaults(run=enroll_cadre)
