"""Scan text → verdict throughput against the raw Ed25519 verifications it contains (SPEC §9).

    .venv/bin/python bench/verify_throughput.py [--cards 2000] [--rounds 5]

Target: ≥ 2,000 verdicts per second on one core, and the whole pipeline (prefix, base45,
CBOR, trust list, two signatures, issuer range, dates, status list, presentation) costing
≤ 1.5× the raw Ed25519 verifications alone, both measured here in the same run.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from app.card import CardClaims, issue_card, phone_qr_payload, present
from app.cose import decode_sign1
from app.keys import KeyPair
from app.models import CardKind
from app.qrtext import encode_qr_text
from app.trust import Issuer, StatusList, TrustList
from app.verify import Verifier

NOW = 1_795_000_000


def make_cards(count: int) -> tuple[Verifier, list[str], list[tuple[bytes, bytes, bytes]]]:
    """`count` phone cards, each bound to its own device key; also their raw signature jobs."""
    issuer = KeyPair.generate()
    town = Issuer("WZ-MD", "木渎镇总工会", issuer.public_raw, NOW - 10**6, NOW + 10**8, 0, 10**6)
    verifier = Verifier(TrustList(1, NOW - 60, (town,)), StatusList.empty(10**6, 1, NOW - 60))
    texts, jobs = [], []
    for serial in range(1, count + 1):
        device = KeyPair.generate()
        claims = CardClaims(serial, CardKind.MEMBER, "陈建国", f"WZ2014{serial:06d}",
                            "木渎镇苏州精工机械有限公司工会", "3317", "WZ-MD", NOW - 86400,
                            NOW + 10**7, device.public_raw, titles=("蓝领之星",))
        card = issue_card(claims, issuer)
        presentation = present(card, device, NOW)
        texts.append(encode_qr_text(phone_qr_payload(card, presentation)))
        for data, key in ((card, issuer.public_raw), (presentation, device.public_raw)):
            sign = decode_sign1(data)
            jobs.append((key, sign.signature, sign.to_be_signed()))
    return verifier, texts, jobs


def best_of(rounds: int, work: Callable[[], None]) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cards", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    verifier, texts, jobs = make_cards(args.cards)
    assert all(verifier.verify(t, NOW).valid for t in texts)

    def pipeline() -> None:
        for text in texts:
            verifier.verify(text, NOW)

    issuer_key = Ed25519PublicKey.from_public_bytes(jobs[0][0])

    def raw() -> None:
        # The issuer's key is parsed once, as the verifier does; each phone's key is new.
        for n, (key, signature, message) in enumerate(jobs):
            public = issuer_key if n % 2 == 0 else Ed25519PublicKey.from_public_bytes(key)
            public.verify(signature, message)

    ours, baseline = best_of(args.rounds, pipeline), best_of(args.rounds, raw)
    n = len(texts)
    print(f"phone cards verified: {n} (2 Ed25519 signatures each), best of {args.rounds}")
    print(f"  scan text → verdict : {n / ours:8.0f} verdicts/s   {ours / n * 1e6:7.1f} µs each")
    each = baseline / n * 1e6
    print(f"  raw Ed25519 only    : {n / baseline:8.0f} cards/s      {each:7.1f} µs each")
    print(f"  pipeline / raw      : {ours / baseline:8.2f}×  (target ≤ 1.5×)")
    print(f"  throughput target   : ≥ 2,000/s → {'met' if n / ours >= 2000 else 'NOT met'}")


if __name__ == "__main__":
    main()
