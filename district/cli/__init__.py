"""`python -m district --data DIR <command>` (SPEC §8)."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from district.cli import backup_commands, cadre_commands, commands, enroll_cadre, staff_commands
from district.errors import DistrictError
from district.service import District
from district.settings import (
    DATA_ENV,
    FORWARDED_ENV,
    PASSPHRASE_ENV,
    PASSPHRASE_FILE_ENV,
    Settings,
    address_list,
)
from district.web import create_app, server_options

Command = Callable[[District, argparse.Namespace], int]


def serve(d: District, args: argparse.Namespace) -> int:
    """Run the ASGI app; uvicorn is imported here, so other commands start quickly."""
    import uvicorn

    settings = d.settings
    if args.forwarded_allow_ips is not None:
        settings = replace(settings, forwarded_allow_ips=address_list(args.forwarded_allow_ips))
    print(f"区总工会服务器 / district server: http://{args.host}:{args.port}/ "
          f"(OpenAPI: /openapi.json)", flush=True)
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="info",
                **server_options(settings))
    return 0


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    def add(name: str, run: Command, text: str) -> argparse.ArgumentParser:
        parser = sub.add_parser(name, help=text, description=text)
        parser.set_defaults(run=run)
        return parser

    add("init", commands.init, "create the district: root key, town issuers, database")
    add("demo", commands.seed_demo, "seed a demo district (initializes it first if needed)")
    p = add("serve", serve, "run the district server (uvicorn)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8600)
    p.add_argument("--forwarded-allow-ips", metavar="IPS",
                   help="comma-separated addresses of reverse proxies whose X-Forwarded-For "
                   f"is believed (default ${FORWARDED_ENV}, else none)")
    p = add("import-members", commands.import_members,
            "import the member registry (CSV in UTF-8 or GBK, or .xlsx; Chinese or English "
            "headers)")
    p.add_argument("file", metavar="FILE")
    p = add("card", commands.card, "issue a printed static card (no phone)")
    p.add_argument("member_no", metavar="MEMBER_NO")
    p.add_argument("--family", type=int, metavar="N", help="family member number N (1, 2, …)")
    p.add_argument("--format", choices=("payload", "png"), default="payload")
    p.add_argument("--out", metavar="FILE")
    p = add("revoke", commands.revoke, "revoke a card and re-sign the status list")
    p.add_argument("serial", type=int, metavar="SERIAL")
    p.add_argument("--reason", default="revoked by the district")
    p = add("rotate-issuer", commands.rotate_issuer, "give a town a new issuer key")
    p.add_argument("town_id", metavar="TOWN_ID")
    p = add("trust-list", commands.trust_list, "print the trust list (issuer keys in hex)")
    p.add_argument("--format", choices=("json",), default="json")
    p = add("verify", commands.verify, "verify a QR text as a window would; prints JSON")
    p.add_argument("text", metavar="TEXT")
    p.add_argument("--spot", metavar="ID")
    p.add_argument("--at", metavar="ISO-TIME", help="verify at this time (default: now; UTC+8)")
    p = add("activation-code", commands.activation_code,
            "print a one-time activation code for a member's (or family member's) phone")
    p.add_argument("member_no", metavar="MEMBER_NO")
    p.add_argument("--family", type=int, metavar="N", help="family member number N (1, 2, …)")
    p = add("enroll-window", commands.enroll_window,
            "print a one-time code that enrolls a window device for a scenic spot")
    p.add_argument("spot_id", metavar="SPOT_ID")
    enroll_cadre.add_parser(sub)
    staff_commands.add_parser(sub)
    backup_commands.add_parsers(sub)
    cadre_commands.add_parsers(sub)  # compliance, records (the cadres' 五个一)


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m district",
                                   description="UnionPass 工会通 district server")
    root.add_argument("--data", metavar="DIR", help=f"data directory (default ${DATA_ENV} "
                      "or ./district-data); DATABASE_URL selects PostgreSQL")
    root.add_argument("--key-passphrase-file", metavar="FILE",
                      help=f"the key passphrase file, outside DIR (default ${PASSPHRASE_FILE_ENV} "
                      f"or ~/.config/unionpass/key-passphrase; ${PASSPHRASE_ENV} wins)")
    root.add_argument("--actor", default=_actor(), help="who is acting, for the audit log")
    _commands(root.add_subparsers(dest="command", required=True, metavar="COMMAND"))
    return root


def _settings(args: argparse.Namespace) -> Settings:
    settings = Settings.from_env(args.data)
    if args.key_passphrase_file:
        chosen = Path(args.key_passphrase_file).expanduser().resolve()
        settings = replace(settings, passphrase_path=chosen)
    return settings


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        district = District.open(_settings(args))
    except DistrictError as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return 2
    try:
        code: int = args.run(district, args)
        return code
    except DistrictError as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return 2
    finally:
        district.close()
