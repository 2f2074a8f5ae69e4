"""Issue 120,000 printed member cards, against raw Ed25519 signing of as many messages (SPEC §9).

    .venv/bin/python bench/district_issue.py [--rows 120000] [--db sqlite|postgresql|both]

Target: ≤ 60 s for 120,000 cards. Issuance allocates serials per town, builds and signs each
card with its town's issuer key (COSE_Sign1 over the CWT claims) and bulk-inserts the card rows
in one transaction. The baseline signs the same number of card-sized messages with one
already-parsed `cryptography` Ed25519 key.
"""

from __future__ import annotations

import argparse
import os
import time

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from district_common import NOW, add_backend_options, backends, fresh_district, member_rows
from sqlalchemy import select

from app.qrtext import encode_qr_text
from district.cards import issuance, lists
from district.registry.importer import import_rows
from district.registry.members_csv import MemberRow
from district.service import District
from district.tables import Card, Member


def baseline(count: int) -> float:
    key = Ed25519PrivateKey.generate()
    messages = [os.urandom(230) for _ in range(count)]
    start = time.perf_counter()
    for message in messages:
        key.sign(message)
    return time.perf_counter() - start


def register(district: District, count: int) -> None:
    rows = [MemberRow(n + 2, *row) for n, row in enumerate(member_rows(count))]
    with district.sessions.begin() as session:
        import_rows(session, rows, "bench", NOW)


def issue_all(district: District) -> tuple[float, int]:
    keys = district.keys()
    with district.sessions() as session:
        members = list(session.scalars(select(Member)))
    start = time.perf_counter()
    with district.sessions.begin() as session:
        serials = issuance.issue_member_cards(session, keys, members, actor="bench", now=NOW)
    return time.perf_counter() - start, len(serials)


def spot_check(district: District, sample: int = 200) -> int:
    """How many of a sample of the issued cards the district's own verifier accepts."""
    with district.sessions() as session:
        verifier = lists.verifier(session)
        cards = session.scalars(select(Card).order_by(Card.serial).limit(sample)).all()
    return sum(verifier.verify(encode_qr_text(c.cose), NOW + 60).valid for c in cards)


def run(backend: str, count: int, pg_url: str) -> None:
    with fresh_district(backend, pg_url) as district:
        register(district, count)
        raw = baseline(count)
        seconds, issued = issue_all(district)
        accepted = spot_check(district)
    print(f"[{backend}] {issued:,} cards issued; {accepted}/200 sampled cards verify")
    print(f"  baseline raw Ed25519 signing: {raw:6.2f} s  ({count / raw:9,.0f} signatures/s)")
    print(f"  issuance (sign + store):      {seconds:6.2f} s  ({issued / seconds:9,.0f} cards/s)  "
          f"{seconds / raw:.2f}× baseline  target ≤ 60 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=120_000)
    add_backend_options(parser)
    args = parser.parse_args()
    for backend in backends(args.db):
        run(backend, args.rows, args.pg_url)


if __name__ == "__main__":
    main()
