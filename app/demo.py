"""A demo member on a fresh device, before the district server exists (SPEC §1 data).

The demo district's root and issuer keys live only for the call: the device keeps the root's
public key pinned and the signed lists, exactly as after a real activation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.card import CardClaims, issue_card
from app.keys import KeyPair
from app.models import CardKind, Pinned, Spot, Ticket
from app.ports import CardRepository, CatalogRepository, Clock, DeviceKeyStore, TrustStore
from app.trust import (
    Issuer,
    StatusList,
    TrustList,
    open_status_list,
    open_trust_list,
    sign_status_list,
    sign_trust_list,
)
from app.verify import Verdict, Verifier
from app.wallet import Wallet

YEAR = 365 * 24 * 3600

# (id, name, English name, company, list price in yuan) — illustrative prices.
SPOTS: tuple[tuple[str, str, str, str, int], ...] = (
    ("qiyuan", "启园", "Qi Garden", "东山旅游公司", 45),
    ("zijinan", "紫金庵", "Zijin Temple", "东山旅游公司", 20),
    ("diaohualou", "东山雕花楼", "Carved Mansion", "东山旅游公司", 40),
    ("luxiang", "陆巷古村", "Luxiang Village", "东山旅游公司", 60),
    ("yanjia", "严家花园", "Yan Family Garden", "木渎古镇旅游公司", 30),
    ("hongyin", "虹饮山房", "Hongyin Villa", "木渎古镇旅游公司", 25),
    ("gusong", "古松园", "Ancient Pine Garden", "木渎古镇旅游公司", 20),
    ("bangyan", "榜眼府第", "Bangyan Mansion", "木渎古镇旅游公司", 25),
    ("lingyan", "灵岩山", "Lingyan Hill", "灵岩山景区公司", 30),
    ("tianping", "天平山", "Tianping Hill", "天平山景区公司", 30),
    ("linwu", "林屋洞", "Linwu Cave", "金庭旅游公司", 70),
    ("shigong", "石公山", "Shigong Hill", "金庭旅游公司", 40),
    ("mingyuewan", "明月湾古村", "Mingyue Bay", "金庭旅游公司", 30),
    ("wansheng", "万盛米行", "Wansheng Rice Shop", "甪直古镇旅游公司", 20),
    ("baosheng", "保圣寺", "Baosheng Temple", "甪直古镇旅游公司", 25),
    ("xiangxuehai", "香雪海", "Xiangxue Sea", "光福旅游公司", 30),
    ("situmiao", "司徒庙", "Situ Temple", "光福旅游公司", 20),
    ("qionglong", "穹窿山", "Qionglong Hill", "穹窿山景区公司", 60),
    ("xuhu", "太湖湿地公园", "Taihu Wetland Park", "太湖湿地公司", 60),
    ("sanshan", "三山岛", "Sanshan Island", "东山旅游公司", 75),
)
MUDU_PACKAGE = ("yanjia", "hongyin", "gusong", "bangyan")


def demo_catalog() -> tuple[list[Spot], list[Ticket]]:
    spots = [Spot(sid, name, en, company) for sid, name, en, company, _ in SPOTS]
    tickets = [Ticket(f"{sid}-1", f"{name}门票", f"{en} ticket", (sid,), yuan * 100)
               for sid, name, en, _, yuan in SPOTS]
    tickets.append(Ticket("mudu-4", "木渎古镇四景联票", "Mudu 4-spot package", MUDU_PACKAGE, 7800))
    return spots, tickets


@dataclass(frozen=True)
class DemoPerson:
    serial: int
    kind: CardKind
    name: str
    id_last4: str
    relation: str | None = None
    titles: tuple[str, ...] = ()


MEMBER_NO = "WZ2014012345"
UNION = "木渎镇苏州精工机械有限公司工会"
PEOPLE = (
    DemoPerson(100_001, CardKind.MEMBER, "陈建国", "3317", None, ("蓝领之星",)),
    DemoPerson(100_002, CardKind.FAMILY, "王喆", "5208", "配偶"),
    DemoPerson(100_003, CardKind.FAMILY, "陈德明", "0412", "父亲"),
)


def _claims(p: DemoPerson, holder: bytes, now: int) -> CardClaims:
    return CardClaims(
        serial=p.serial, kind=p.kind, name=p.name, member_no=MEMBER_NO, union=UNION,
        id_last4=p.id_last4, issuer_id="WZ-MD", iat=now - 3600, exp=now + 2 * YEAR,
        holder_key=holder, titles=p.titles,
        primary_serial=PEOPLE[0].serial if p.kind is CardKind.FAMILY else None,
        relation=p.relation,
    )


def _signed_lists(root: KeyPair, issuer: KeyPair, now: int) -> Pinned:
    town = Issuer("WZ-MD", "木渎镇总工会", issuer.public_raw, now - 3600, now + 5 * YEAR,
                  100_000, 199_999)
    trust = sign_trust_list(TrustList(1, now - 60, (town,)), root)
    status = sign_status_list(StatusList.empty(200_000, 1, now - 60), root)
    return Pinned(root.public_raw, trust, status)


def provision_demo(keys: DeviceKeyStore, cards: CardRepository, catalog: CatalogRepository,
                   trust: TrustStore, clock: Clock) -> bool:
    """Put the demo member's card, two family cards, the spots and signed lists on a device.

    Does nothing (returns False) when the device already holds a card.
    """
    if cards.all():
        return False
    wallet = Wallet(keys, cards, clock)
    root, issuer, now = KeyPair.generate(), KeyPair.generate(), int(clock())
    for person in PEOPLE:
        wallet.add_card(issue_card(_claims(person, wallet.device_public_key(), now), issuer))
    catalog.replace(*demo_catalog())
    trust.save(_signed_lists(root, issuer, now))
    return True


def verifier_from(pinned: Pinned) -> Verifier:
    """A verifier built from what a device has pinned and synced."""
    tl = open_trust_list(pinned.trust_list, pinned.root_public_key) if pinned.trust_list else None
    sl = (open_status_list(pinned.status_list, pinned.root_public_key)
          if pinned.status_list else None)
    return Verifier(tl, sl)


def demo_verifier(trust: TrustStore, clock: Clock) -> Callable[[str], Verdict]:
    """Verify QR texts against the lists pinned on a demo device (for tests and tools)."""
    pinned = trust.load()
    if pinned is None:
        raise LookupError("no pinned root key on this device")
    verifier = verifier_from(pinned)
    return lambda text: verifier.verify(text, clock())
