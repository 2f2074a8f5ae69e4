"""Card QR PNG render time (SPEC §9: ≤ 30 ms), against qrcode's own pypng writer.

    .venv/bin/python bench/qr_render.py [--renders 200]
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from collections.abc import Callable

import qrcode
from qrcode.image.pure import PyPNGImage
from qrcode.util import MODE_ALPHA_NUM, QRData

from app.card import CardClaims, issue_card, phone_qr_payload, present
from app.keys import KeyPair
from app.models import CardKind
from app.qrimage import render_png
from app.qrtext import encode_qr_text

NOW = 1_795_000_000


def card_text() -> str:
    issuer, device = KeyPair.generate(), KeyPair.generate()
    claims = CardClaims(100_001, CardKind.MEMBER, "陈建国", "WZ2014012345",
                        "木渎镇苏州精工机械有限公司工会", "3317", "WZ-MD", NOW, NOW + 10**7,
                        device.public_raw, titles=("蓝领之星", "劳动模范"))
    card = issue_card(claims, issuer)
    return encode_qr_text(phone_qr_payload(card, present(card, device, NOW)))


def stock_png(text: str) -> bytes:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8,
                       image_factory=PyPNGImage)
    qr.add_data(QRData(text.encode("ascii"), mode=MODE_ALPHA_NUM))
    qr.make(fit=True)
    out = io.BytesIO()
    qr.make_image().save(out)
    return out.getvalue()


def timings(renders: int, work: Callable[[], bytes]) -> list[float]:
    samples = []
    for _ in range(renders):
        start = time.perf_counter()
        work()
        samples.append((time.perf_counter() - start) * 1000)
    return sorted(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--renders", type=int, default=200)
    args = parser.parse_args()
    text = card_text()
    ours = timings(args.renders, lambda: render_png(text))
    stock = timings(max(20, args.renders // 5), lambda: stock_png(text))
    p95 = ours[int(len(ours) * 0.95) - 1]
    print(f"phone card QR text: {len(text)} characters, error correction M, 8 px modules")
    for name, s in (("render_png (ours)", ours), ("qrcode + pypng", stock)):
        q95 = s[int(len(s) * 0.95) - 1]
        print(f"  {name:18}: p50 {statistics.median(s):6.1f} ms   p95 {q95:6.1f} ms")
    ratio = statistics.median(ours) / statistics.median(stock)
    print(f"  ours / stock (p50): {ratio:.2f}×   target p95 ≤ 30 ms → "
          f"{'met' if p95 <= 30 else 'NOT met'}")


if __name__ == "__main__":
    main()
