"""What each CLI command does (SPEC §8). Each returns the process's exit code."""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import TextIO

from app.chinatime import CHINA
from district.cards import issuance, lists, printing
from district.cli import demo, staff_commands
from district.errors import Invalid, NotFound
from district.phones import activation
from district.registry import importer, people
from district.registry.members_csv import Progress
from district.service import District
from district.tables import Spot
from district.windows import window_devices


def now() -> int:
    return int(time.time())


def _say(text: str) -> None:
    print(text, flush=True)


def init(d: District, args: argparse.Namespace) -> int:
    report = d.initialize(args.actor, now())
    _say(f"区总工会已创建 / district created: root key {report.root_kid}, "
         f"{len(report.issuers)} town issuers, data in {d.settings.data_dir}")
    if not d.settings.passphrase:
        _say(f"密钥口令在 {d.settings.passphrase_file}：请另行备份，不要和数据放在一起 / the key "
             f"passphrase is in {d.settings.passphrase_file}: back it up apart from the data")
    return 0


def seed_demo(d: District, args: argparse.Namespace) -> int:
    if not d.is_initialized():
        init(d, args)
    with d.sessions.begin() as session:
        report = demo.seed(session, d.keys(), args.actor, now())
        accounts = staff_commands.seed_staff(session, args.actor, now())
    _say(f"演示数据 / demo data: {report.spots} spots, {report.tickets} tickets, "
         f"{report.cards} printed cards, cadre {report.cadre}")
    _say("会员号 / member numbers: " + ", ".join(report.members))
    _say("管理台账号 / console sign-in: " + ", ".join(
        f"{user} / {password} ({role})" for user, role, password in accounts))
    for member_no, family in report.family.items():
        _say(f"  {member_no} 家属 / family: " + "、".join(
            f"{n} = {name}" for n, name in enumerate(family, 1)))
    _say("激活码 / activation codes (one-time, 7 days):")
    for label, code in report.codes.items():
        _say(f"  {label}: {code}")
    return 0


def terminal_bar(out: TextIO | None = None) -> Progress:
    """A plain-text progress bar redrawn with \r (stderr by default)."""
    stream = out or sys.stderr

    def show(stage: str, done: int, total: int) -> None:
        filled = 30 * done // max(total, 1)
        print(f"\r{stage:>5} [{'#' * filled}{'.' * (30 - filled)}] {done:,}/{total:,}",
              end="\n" if done >= total else "", file=stream, flush=True)

    return show


def import_members(d: District, args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise NotFound(f"找不到文件：{path}", f"no such file: {path}")
    started = time.perf_counter()
    with d.sessions.begin() as session:
        report = importer.import_members(session, path.read_bytes(), args.actor, now(),
                                         terminal_bar())
    _say(f"导入完成 / imported {report.rows:,} rows in {time.perf_counter() - started:.1f} s: "
         f"{report.created:,} new, {report.updated:,} updated, {report.unchanged:,} unchanged, "
         f"{report.unions_created:,} new unions")
    if report.undrawable:
        _say(f"注意 / warning: {len(report.undrawable):,} 个姓名含有本应用字体没有的字 / "
             "names have characters the app's font cannot draw:")
        for name in report.undrawable:
            _say(f"  {name}")
    return 0


def card(d: District, args: argparse.Namespace) -> int:
    if args.format == "png" and not args.out:
        raise Invalid("PNG 格式需要 --out 文件", "--format png needs --out FILE")
    with d.sessions.begin() as session:
        printed = printing.static_card(session, d.keys(), args.member_no, args.family,
                                       args.actor, now())
    issued = printed.card
    if args.format == "png":
        Path(args.out).write_bytes(printing.png(issued))
    elif args.out:
        Path(args.out).write_text(printing.payload_text(issued) + "\n", encoding="ascii")
    else:
        _say(printing.payload_text(issued))
    print(f"卡号 / serial {issued.serial}; {_printed_words(printed)}", file=sys.stderr)
    return 0


def _printed_words(printed: printing.Printed) -> str:
    if not printed.new:
        return "此人现有的纸质卡，再次打印，未发新卡 / the person's current printed card, again"
    if not printed.replaced:
        return "新发纸质卡 / a new printed card"
    old = ", ".join(str(serial) for serial in printed.replaced)
    return (f"新发纸质卡，原纸质卡 {old} 已注销 / a new printed card; the person's printed "
            f"card {old} is revoked")


def revoke(d: District, args: argparse.Namespace) -> int:
    with d.sessions.begin() as session:
        signed = issuance.revoke(session, d.keys(), args.serial, args.reason, args.actor, now())
    _say(f"已注销 / revoked {args.serial}; status list version {signed.version}")
    return 0


def enroll_window(d: District, args: argparse.Namespace) -> int:
    """The code alone on stdout (for scripts); what it is for on stderr."""
    with d.sessions.begin() as session:
        spot = window_devices.get_spot(session, args.spot_id)
        code = window_devices.create_window_code(session, spot.id, args.actor, now())
        name = spot.name
    _say(code)
    days = window_devices.VALID_DAYS
    print(f"{name}（{args.spot_id}）窗口设备登记码，{days} 天内有效，只能用一次 / "
          f"window enrollment code for {args.spot_id}, valid {days} days, "
          "once", file=sys.stderr)
    return 0


def activation_code(d: District, args: argparse.Namespace) -> int:
    """The code alone on stdout (for scripts); whose it is on stderr. The person's older
    unused codes stop working."""
    with d.sessions.begin() as session:
        code = activation.create_activation_code(session, args.member_no, args.family,
                                                 args.actor, now())
        member = people.member_by_no(session, args.member_no)
        holder = (people.family_number(session, member, args.family).name if args.family
                  else member.name)
    _say(code)
    days, whose = activation.VALID_DAYS, f"{args.member_no}" + (
        f" family {args.family}" if args.family else "")
    print(f"{holder}（{whose}）的激活码，{days} 天内有效，只能用一次；此前未用的激活码已作废 / "
          f"activation code for {whose}, valid {days} days, once; older unused codes no "
          "longer work", file=sys.stderr)
    return 0


def rotate_issuer(d: District, args: argparse.Namespace) -> int:
    kid = d.rotate_issuer(args.town_id.upper(), args.actor, now())
    _say(f"{args.town_id} 新发卡密钥 / new issuer key {kid}; the old key stays trusted")
    return 0


def trust_list(d: District, args: argparse.Namespace) -> int:
    with d.sessions() as session:
        trust, _status = lists.opened(session)
        root = lists.root_public(session)
    issuers = [{"issuer_id": i.issuer_id, "name": i.name, "kid": i.kid.hex(),
                "public_key": i.public_key.hex(), "not_before": i.not_before,
                "not_after": i.not_after, "serial_lo": i.serial_lo, "serial_hi": i.serial_hi}
               for i in trust.issuers]
    _say(json.dumps({"version": trust.version, "issued_at": trust.issued_at,
                     "root_public_key": root.hex(), "issuers": issuers},
                    ensure_ascii=False, indent=2))
    return 0


def parse_time(text: str | None) -> float:
    """ISO 8601; without a zone it is China time (UTC+8)."""
    if text is None:
        return time.time()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise Invalid(f"时间格式不对：{text}", f"not an ISO time: {text}") from exc
    return (moment if moment.tzinfo else moment.replace(tzinfo=CHINA)).timestamp()


def verify(d: District, args: argparse.Namespace) -> int:
    with d.sessions() as session:
        if args.spot and session.get(Spot, args.spot) is None:
            raise NotFound(f"没有这个景点：{args.spot}", f"no such spot: {args.spot}")
        verdict = lists.verifier(session, args.spot).verify(args.text, parse_time(args.at))
    claims = verdict.claims
    _say(json.dumps({
        "valid": verdict.valid, "reason": verdict.reason.value,
        "kind": verdict.kind.name.lower() if verdict.kind is not None else None,
        "serial": verdict.serial, "name": verdict.name or None, "static": verdict.static,
        "check_id": verdict.check_id, "member_no": claims.member_no if claims else None,
        "issuer": claims.issuer_id if claims else None,
        "freshness": verdict.freshness.value}, ensure_ascii=False))
    return 0 if verdict.valid else 1
