"""The window clerk's words for a verdict, zh first with English, and its colour (SPEC §2):
green member (51%), blue family (70%), amber check the ID (printed card, aging lists), red refused.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from app.models import CardKind
from app.verify import Freshness, Reason, Verdict


class Colour(enum.Enum):
    GREEN = "green"
    BLUE = "blue"
    AMBER = "amber"
    RED = "red"


@dataclass(frozen=True)
class Words:
    zh: str
    en: str

    def __str__(self) -> str:
        return f"{self.zh} / {self.en}"


@dataclass(frozen=True)
class VerdictText:
    """`title` is the big line at arm's length; `detail` what the clerk does or why."""

    colour: Colour
    title: Words
    detail: Words | None = None


UNREADABLE = Words("二维码无法识别", "Unreadable code")
NOT_DISTRICT = Words("非本区发卡", "Not issued in this district")

REFUSED: dict[Reason, tuple[Words, Words | None]] = {
    Reason.NOT_UNIONPASS: (Words("不是工会会员证", "Not a union card"), None),
    Reason.BAD_BASE45: (UNREADABLE, None),
    Reason.BAD_CBOR: (UNREADABLE, None),
    Reason.BAD_STRUCTURE: (UNREADABLE, None),
    Reason.UNKNOWN_ISSUER: (NOT_DISTRICT, Words("发卡单位不在本区名单中",
                                                "The issuer is not on the district's list")),
    Reason.BAD_SIGNATURE: (Words("签名无效", "Invalid signature"),
                           Words("卡面内容被改动或伪造", "The card was altered or forged")),
    Reason.ISSUER_NOT_VALID: (Words("发卡单位授权已失效", "Issuer no longer authorised"), None),
    Reason.SERIAL_OUT_OF_RANGE: (NOT_DISTRICT, Words("卡号不在发卡单位的号段内",
                                                     "Serial outside the issuer's range")),
    Reason.NOT_YET_VALID: (Words("尚未生效", "Not yet valid"), None),
    Reason.EXPIRED: (Words("已过期", "Expired"), None),
    Reason.EXP_BEYOND_ISSUER: (Words("有效期超出发卡授权", "Validity beyond the issuer's"), None),
    Reason.NOT_IN_STATUS_LIST: (Words("卡号不在名单中", "Not on the status list"),
                                Words("请同步名单后再试", "Sync the lists and try again")),
    Reason.REVOKED: (Words("已注销", "Revoked"), None),
    Reason.SUSPENDED: (Words("已暂停", "Suspended"), None),
    Reason.PRESENTATION_MISSING: (Words("缺少动态码", "Live code missing"),
                                  Words("请出示手机上的会员证", "Show the card on the phone")),
    Reason.BAD_PRESENTATION: (Words("不是持卡手机出示", "Not shown from the holder's phone"),
                              None),
    Reason.DIGEST_MISMATCH: (Words("二维码与卡不符", "Code does not match the card"), None),
    Reason.STALE_PRESENTATION: (Words("二维码已过时", "Code out of date"),
                                Words("截图无效，请打开手机上的会员证",
                                      "Screenshots do not work: open the card on the phone")),
    Reason.PRIMARY_NOT_VALID: (Words("会员本人的卡已失效", "The member's own card is not valid"),
                               None),
    Reason.NO_LISTS: (Words("本机没有名单", "No lists on this device"),
                      Words("请先同步", "Sync first")),
    Reason.CLOCK_BEHIND_LISTS: (Words("本机时间早于名单时间", "Device clock behind the lists"),
                                Words("请校准本机时钟", "Set this device's clock")),
    Reason.LISTS_TOO_OLD: (Words("名单过旧需主管授权", "Lists too old: supervisor needed"),
                           Words("名单超过7天未更新；主管授权后可售一张",
                                 "Lists over 7 days old; a supervisor may allow one sale")),
    Reason.ALREADY_USED_TODAY: (Words("今日已优惠", "Already discounted today"),
                                Words("此人今天在本景区的优惠已用完（手机卡、纸质卡合计）",
                                      "This person's discount here is used up today "
                                      "(phone and printed cards together)")),
    Reason.PRESENTATION_USED: (Words("该二维码已使用", "This code was already used"),
                               Words("请刷新手机上的二维码", "Refresh the code on the phone")),
}

KIND_WORDS = {
    CardKind.MEMBER: (Colour.GREEN, Words("会员 5.1折", "Member · 51%")),
    CardKind.FAMILY: (Colour.BLUE, Words("家属 7折", "Family · 70%")),
}


def verdict_text(verdict: Verdict) -> VerdictText:
    if verdict.valid and verdict.claims is not None:
        colour, title = KIND_WORDS[verdict.claims.kind]
        if verdict.check_id:
            return VerdictText(Colour.AMBER, title, _check_id(verdict))
        return VerdictText(colour, title)
    title, detail = REFUSED[verdict.reason]
    return VerdictText(Colour.RED, title, detail)


def _check_id(verdict: Verdict) -> Words:
    last4 = verdict.claims.id_last4 if verdict.claims else ""
    check = Words(f"请核对身份证后四位 {last4}", f"Check the ID card: last 4 digits {last4}")
    if verdict.freshness is Freshness.FRESH:
        return check
    return Words(f"名单超过24小时未更新，{check.zh}", f"Lists over 24 h old. {check.en}")


def age_words(seconds: int) -> Words:
    """3 分钟 / 5 小时 / 8 天, for the list-age banner."""
    if seconds < 3600:
        return Words(f"{seconds // 60} 分钟", f"{seconds // 60} min")
    if seconds < 48 * 3600:
        return Words(f"{seconds // 3600} 小时", f"{seconds // 3600} h")
    return Words(f"{seconds // 86400} 天", f"{seconds // 86400} days")
