"""The audit log as sentences an office reads: "李主任 为会员 陈建国（WZ2014012345）生成了激活码
（7 天内有效）" — never an action code, epoch seconds, None or a key hash.

Each action recorded with `audit.record` across district/ has a sentence in Chinese and English
(`SENTENCES`); an action without one (added later) reads as a generic sentence. Members, towns,
spots and devices are named from the database, one query per kind for a whole page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from district.cadres.words import DUTY_WORDS
from district.console.render import china_time
from district.phones.tables import Device
from district.tables import AuditEntry, Member, Spot, Town

DAY = 86400
REASONS = {"withdrawn": ("家属已撤回", "the family member was withdrawn"),
           "replaced": ("补办，换了手机", "replaced: a new phone"),
           "revoked by the district": ("区总工会注销", "revoked by the district"),
           "SignInRefused": ("用户名或密码不对", "wrong user name or password"),
           "TooManyAttempts": ("失败次数太多，暂时锁定", "too many failures, locked for a while")}
LABELS = {  # the audit page's filter: what each action is called
    "staff.sign_in": ("登录", "sign-in"),
    "staff.sign_in_failed": ("登录失败", "failed sign-in"),
    "staff.sign_out": ("退出登录", "sign-out"),
    "staff.add": ("添加账号", "account added"),
    "members.import": ("导入会员名册", "registry import"),
    "members.import_refused": ("名册有误未导入", "registry refused"),
    "activation.code": ("生成激活码", "activation code"),
    "device.activate": ("手机激活", "phone activated"),
    "device.revoke": ("停用手机", "phone retired"),
    "card.issue": ("发卡", "card issued"),
    "card.issue_batch": ("批量发卡", "cards issued"),
    "card.revoke": ("注销卡", "card revoked"),
    "family.request": ("家属申请", "family request"),
    "family.approve": ("批准家属", "family approved"),
    "family.reject": ("驳回家属", "family rejected"),
    "family.withdraw": ("撤回家属", "family withdrawn"),
    "cadre.code": ("干部手机登记码", "cadre phone code"),
    "cadre.enroll": ("干部手机登记", "cadre phone enrolled"),
    "meeting.create": ("新建学习例会", "study meeting created"),
    "window.code": ("窗口登记码", "window code"),
    "window.enroll": ("窗口登记", "window enrolled"),
    "window.revoke": ("注销窗口", "window revoked"),
    "sale.override": ("主管放行", "override"),
    "issuer_key.create": ("创建发卡密钥", "issuer key"),
    "issuer_key.rotate": ("更换发卡密钥", "issuer key replaced"),
    "root_key.create": ("创建根密钥", "root key"),
    "demo.seed": ("演示数据", "demo data"),
    "cadre_record.approved": ("通过五个一记录", "cadre record approved"),
    "cadre_record.returned": ("退回五个一记录", "cadre record returned"),
    "cadre_record.reopened": ("重新打开五个一记录", "cadre record reopened"),
    "duty_exemption.set": ("设为不适用", "marked not applicable"),
    "duty_exemption.clear": ("取消不适用", "not-applicable cleared"),
    "cadre.add": ("添加干部", "cadre added"),
    "cadre.edit": ("修改干部", "cadre changed"),
    "cadre.leave": ("干部离开", "cadre left"),
    "enterprise.add": ("添加重点企业", "key enterprise added"),
    "enterprise.edit": ("修改重点企业", "key enterprise changed"),
    "needy.add": ("困难职工建档", "needy worker filed"),
    "needy.edit": ("修改困难职工档案", "needy-worker file changed"),
    "needy.import": ("导入困难职工档案", "needy workers imported"),
    "needy.import_refused": ("困难职工档案有误未导入", "needy workers refused"),
    "needy.list": ("查看困难职工档案列表", "needy-worker files listed"),
    "needy.read": ("查看困难职工档案", "needy-worker file read"),
}
ROLES = {"district_admin": ("区管理员", "district admin"), "town_clerk": ("镇办事员", "town clerk"),
         "reviewer": ("审核人员", "reviewer")}


@dataclass(frozen=True)
class Names:
    """What the entries of one page refer to, by id: members, towns, spots, devices."""

    members: dict[str, str]
    towns: dict[str, str]
    spots: dict[str, tuple[str, str]]
    devices: dict[str, str]


def names_for(session: Session, entries: Iterable[AuditEntry],
              details: Iterable[dict[str, object]]) -> Names:
    words = {e.subject for e in entries} | {e.actor.removeprefix("device:") for e in entries}
    words |= {str(d[k]) for d in details for k in ("member_no", "spot", "device_id", "replaced")
              if k in d}
    members = {no: name for no, name in session.execute(
        select(Member.member_no, Member.name).where(Member.member_no.in_(words)))}
    towns = {i: name for i, name in session.execute(select(Town.id, Town.name))}
    spots = {i: (name, en) for i, name, en in session.execute(
        select(Spot.id, Spot.name, Spot.name_en).where(Spot.id.in_(words)))}
    devices = {i: name for i, name in session.execute(
        select(Device.id, Device.name).where(Device.id.in_(words)))}
    return Names(members, towns, spots, devices)


@dataclass(frozen=True)
class Said:
    """One entry in words: who (a person or a device), and what they did."""

    who: str
    what: str


class _Words:
    """The pieces of sentences for one entry in one language."""

    def __init__(self, entry: AuditEntry, details: dict[str, object], names: Names,
                 lang: str) -> None:
        self.entry, self.d, self.names, self.en = entry, details, names, lang == "en"

    def pick(self, zh: str, en: str) -> str:
        return en if self.en else zh

    def get(self, key: str) -> str:
        value = self.d.get(key)
        if value is None or value == "":
            return ""
        if isinstance(value, list):
            return "、".join(map(str, value)) if not self.en else ", ".join(map(str, value))
        return str(value)

    def member(self, number: str | None = None) -> str:
        number = number or self.get("member_no") or self.entry.subject
        name = self.names.members.get(number)
        shown = f"{name}（{number}）" if name and not self.en else \
            f"{name} ({number})" if name else number
        return self.pick(f"会员 {shown}", f"member {shown}")

    def town(self, town_id: str | None = None) -> str:
        town_id = town_id or self.entry.subject
        return self.names.towns.get(town_id, town_id)

    def spot(self, spot_id: str | None = None) -> str:
        spot_id = spot_id or self.entry.subject
        zh, en = self.names.spots.get(spot_id, (spot_id, spot_id))
        return self.pick(zh, en or zh)

    def device(self, device_id: str | None = None) -> str:
        device_id = device_id or self.entry.subject
        name = self.names.devices.get(device_id)
        return f"「{name}」" if name and not self.en else f"“{name}”" if name else \
            self.pick("（已不在记录中的设备）", "(a device no longer on record)")

    def reason(self) -> str:
        raw = self.get("reason")
        zh, en = REASONS.get(raw, (raw, raw))
        return self.pick(f"，原因：{zh}", f"; reason: {en}") if raw else ""

    def until(self) -> str:
        expires = self.d.get("expires_at")
        if not isinstance(expires, int):
            return ""
        days = max(1, round((expires - self.entry.at) / DAY))
        return self.pick(f"（{days} 天内有效，至 {china_time(expires)}）",
                         f" (valid {days} days, until {china_time(expires)})")

    def family(self, number_key: str = "family_no") -> str:
        number = self.get(number_key)
        return self.pick(f"的第 {number} 位家属", f"'s family member no. {number}") if number \
            else ""


Sentence = Callable[[_Words], str]


def _activation(w: _Words) -> str:
    cancelled = w.d.get("cancelled")
    gone = w.pick(f"；此前未用的 {cancelled} 个激活码随之作废",
                  f"; {cancelled} older unused code(s) cancelled") \
        if isinstance(cancelled, int) and cancelled else ""
    return w.pick(f"为{w.member()}{w.family()}生成了激活码{w.until()}{gone}",
                  f"created an activation code for {w.member()}{w.family()}{w.until()}{gone}")


def _card_issue(w: _Words) -> str:
    printed, family = w.d.get("static") is True, w.get("kind") == "family"
    form = w.pick("纸质卡" if printed else "手机卡", "printed card" if printed else "phone card")
    kind = w.pick("家属" if family else "会员", "family" if family else "member")
    return w.pick(f"为{w.member()}发了一张{kind}{form}（卡号 {w.entry.subject}）",
                  f"issued a {kind} {form} to {w.member()} (serial {w.entry.subject})")


def _import(w: _Words) -> str:
    n = {k: f"{w.d.get(k, 0):,}" for k in ("rows", "created", "updated", "unchanged")}
    return w.pick(f"导入了会员名册：共 {n['rows']} 行，新增 {n['created']} 位，更新 "
                  f"{n['updated']} 位，未变 {n['unchanged']} 位",
                  f"imported the member registry: {n['rows']} rows, {n['created']} new, "
                  f"{n['updated']} updated, {n['unchanged']} unchanged")


def _staff_add(w: _Words) -> str:
    zh, en = ROLES.get(w.get("role"), (w.get("role"), w.get("role")))
    town = f"，{w.town(w.get('town'))}" if w.get("town") else ""
    town_en = f", {w.town(w.get('town'))}" if w.get("town") else ""
    return w.pick(f"添加了管理台账号 {w.entry.subject}（{zh}{town}）",
                  f"added the console account {w.entry.subject} ({en}{town_en})")


def _cadre_record(w: _Words) -> str:
    """"通过了干部 C001 的「当好一天工人」记录（第 2 版）", with the comment when there is one."""
    verb = {"approved": ("通过了", "approved"), "returned": ("退回了", "returned"),
            "reopened": ("重新打开（退回）了", "reopened (returned)")}[
        w.entry.action.removeprefix("cadre_record.")]
    duty = DUTY_WORDS.get(w.get("duty"), (w.get("duty"), w.get("duty")))
    said = w.pick(f"，意见：{w.get('comment')}", f"; comment: {w.get('comment')}") \
        if w.get("comment") else ""
    return w.pick(f"{verb[0]}干部 {w.get('cadre_no')} 的「{duty[0]}」记录（第 {w.get('revision')} "
                  f"版，记录号 {w.entry.subject}）{said}",
                  f"{verb[1]} cadre {w.get('cadre_no')}'s {duty[1]} record (revision "
                  f"{w.get('revision')}, record {w.entry.subject}){said}")


def _exemption(w: _Words) -> str:
    duty = DUTY_WORDS.get(w.get("duty"), (w.get("duty"), w.get("duty")))
    worker = w.pick(f"（困难职工 {w.get('worker')}）", f" (needy worker {w.get('worker')})") \
        if w.get("worker") else ""
    cell = w.pick(f"干部 {w.entry.subject} 的「{duty[0]}」{w.get('period')}{worker}",
                  f"cadre {w.entry.subject}'s {duty[1]} {w.get('period')}{worker}")
    if w.entry.action == "duty_exemption.clear":
        return w.pick(f"取消了{cell}的“不适用”", f"cleared “not applicable” on {cell}")
    return w.pick(f"把{cell}设为不适用，原因：{w.get('reason')}",
                  f"marked {cell} not applicable; reason: {w.get('reason')}")


def _cadre(w: _Words) -> str:
    return f"{w.get('name')}（{w.entry.subject}）" if not w.en else \
        f"{w.get('name')} ({w.entry.subject})"


def _needy_list(w: _Words) -> str:
    """The list of needy-worker files (with its filter), or a cadre's workers on their page."""
    shown = [w.town(w.get("town")) if w.get("town") else "", w.get("status"),
             w.pick("未分配", "unassigned") if w.get("cadre") == "-" else
             w.pick(f"干部 {w.get('cadre')}", f"cadre {w.get('cadre')}") if w.get("cadre") else ""]
    which = w.pick("、", ", ").join(s for s in shown if s) or w.pick("全部", "all")
    return w.pick(f"查看了困难职工档案列表（{which}，共 {w.get('count')} 份）",
                  f"read the list of needy-worker files ({which}; {w.get('count')} files)")


def _needy_file(w: _Words) -> str:
    cadre = w.pick(f"，联系干部 {w.get('cadre')}", f", cadre {w.get('cadre')}") \
        if w.get("cadre") else w.pick("，未分配", ", unassigned")
    return w.pick(f"{w.get('name')}（{w.get('status')}{cadre}）",
                  f"{w.get('name')} ({w.get('status')}{cadre})")


CADRE_SENTENCES: dict[str, Sentence] = {
    "cadre.add": lambda w: w.pick(f"添加了机关干部 {_cadre(w)}，{w.get('department')}",
                                  f"added the cadre {_cadre(w)}, {w.get('department')}"),
    "cadre.edit": lambda w: w.pick(f"修改了机关干部 {_cadre(w)}的信息",
                                   f"changed the cadre {_cadre(w)}"),
    "cadre.leave": lambda w: w.pick(
        f"登记机关干部 {_cadre(w)}离开，退回其联系的 {w.get('released') or 0} 名困难职工",
        f"recorded that the cadre {_cadre(w)} left; {w.get('released') or 0} needy worker(s) "
        "given back"),
    "enterprise.add": lambda w: w.pick(f"添加了重点企业「{w.get('name')}」",
                                       f"added the key enterprise “{w.get('name')}”"),
    "enterprise.edit": lambda w: w.pick(f"修改了重点企业「{w.get('name')}」",
                                        f"changed the key enterprise “{w.get('name')}”"),
    "needy.add": lambda w: w.pick(f"为困难职工建档：{_needy_file(w)}",
                                  f"filed the needy worker {_needy_file(w)}"),
    "needy.edit": lambda w: w.pick(f"修改了困难职工档案：{_needy_file(w)}",
                                   f"changed the needy-worker file {_needy_file(w)}"),
    "needy.import": lambda w: w.pick(
        f"导入了困难职工档案：共 {w.get('rows')} 行，新建 {w.get('created')} 份，更新 "
        f"{w.get('updated')} 份，未变 {w.get('unchanged')} 份",
        f"imported needy-worker files: {w.get('rows')} rows, {w.get('created')} new, "
        f"{w.get('updated')} updated, {w.get('unchanged')} unchanged"),
    "needy.import_refused": lambda w: w.pick(
        f"上传的困难职工档案「{w.get('file')}」有 {w.get('problems')} 处问题，未写入任何数据",
        f"the uploaded needy-worker file “{w.get('file')}” had {w.get('problems')} problems; "
        "nothing was written"),
    "needy.list": _needy_list,
    "needy.read": lambda w: w.pick(f"查看了困难职工档案：{w.get('name')}",
                                   f"read the needy-worker file of {w.get('name')}"),
}


def _cadre_named(w: _Words) -> str:
    name = w.get("name")
    shown = f"{name}（{w.entry.subject}）" if name else w.entry.subject
    return w.pick(f"干部 {shown}", f"cadre {name} ({w.entry.subject})" if name else
                  f"cadre {w.entry.subject}")


def _cadre_code(w: _Words) -> str:
    cancelled = w.d.get("cancelled")
    gone = w.pick(f"；此前未用的 {cancelled} 个登记码随之作废",
                  f"; {cancelled} older unused code(s) cancelled") \
        if isinstance(cancelled, int) and cancelled else ""
    return w.pick(f"为{_cadre_named(w)}生成了手机登记码{w.until()}{gone}",
                  f"created a phone enrollment code for {_cadre_named(w)}{w.until()}{gone}")


def _span(w: _Words) -> str:
    starts, ends = w.d.get("starts_at"), w.d.get("ends_at")
    if not isinstance(starts, int) or not isinstance(ends, int):
        return ""
    return f"{china_time(starts)} – {china_time(ends)[11:]}"


SENTENCES: dict[str, Sentence] = {
    "cadre_record.approved": _cadre_record,
    "cadre_record.returned": _cadre_record,
    "cadre_record.reopened": _cadre_record,
    "duty_exemption.set": _exemption,
    "duty_exemption.clear": _exemption,
    "activation.code": _activation,
    "card.issue": _card_issue,
    "card.issue_batch": lambda w: w.pick(
        f"为{w.town()}批量发卡 {w.get('count')} 张（卡号 {w.get('first')}–{w.get('last')}）",
        f"issued {w.get('count')} cards for {w.town()} (serials {w.get('first')}–"
        f"{w.get('last')})"),
    "card.revoke": lambda w: w.pick(f"注销了卡 {w.entry.subject}{w.reason()}",
                                    f"revoked card {w.entry.subject}{w.reason()}"),
    "device.activate": lambda w: w.pick(
        f"{w.member()}{w.family()}在这部手机上激活了会员卡（卡号 {w.get('card')}）",
        f"{w.member()}{w.family()} activated a card on this phone (serial {w.get('card')})"),
    "device.revoke": lambda w: w.pick(
        f"停用了手机{w.device()}并注销其上的卡 {w.get('cards') or '（无）'}{w.reason()}",
        f"retired the phone {w.device()} and revoked its cards {w.get('cards') or '(none)'}"
        f"{w.reason()}"),
    "family.request": lambda w: w.pick(
        f"{w.member()}申请添加家属 {w.get('name')}（{w.get('relation')}）",
        f"{w.member()} asked to add family member {w.get('name')} ({w.get('relation')})"),
    "family.approve": lambda w: w.pick(f"批准了{w.member()}的家属 {w.get('name')}",
                                       f"approved {w.member()}'s family member "
                                       f"{w.get('name')}"),
    "family.reject": lambda w: w.pick(f"驳回了{w.member()}{w.family()}的申请{w.reason()}",
                                      f"rejected {w.member()}{w.family()}{w.reason()}"),
    "family.withdraw": lambda w: w.pick(f"撤回了{w.member()}{w.family()}",
                                        f"withdrew {w.member()}{w.family()}"),
    "members.import": _import,
    "members.import_refused": lambda w: w.pick(
        f"上传的会员名册「{w.get('file')}」有 {w.get('problems')} 处问题，未写入任何数据",
        f"the uploaded registry “{w.get('file')}” had {w.get('problems')} problems; "
        "nothing was written"),
    "issuer_key.create": lambda w: w.pick(f"为{w.town()}创建了发卡密钥",
                                          f"created the issuer key of {w.town()}"),
    "issuer_key.rotate": lambda w: w.pick(
        f"更换了{w.town()}的发卡密钥（旧密钥发的卡仍然有效）",
        f"replaced the issuer key of {w.town()} (cards signed before stay valid)"),
    "root_key.create": lambda w: w.pick("创建了区总工会的根密钥",
                                        "created the district's root key"),
    "demo.seed": lambda w: w.pick("生成了演示数据", "seeded the demo data"),
    "sale.override": lambda w: w.pick(
        f"在名单过期时经主管 {w.get('supervisor')} 放行一笔售票（{w.spot(w.get('spot'))}，"
        f"卡号 {w.get('card')}{w.reason()}）",
        f"sold on stale lists by supervisor {w.get('supervisor')}'s override "
        f"({w.spot(w.get('spot'))}, card {w.get('card')}{w.reason()})"),
    "staff.add": _staff_add,
    "staff.sign_in": lambda w: w.pick(f"登录了管理台（来自 {w.get('ip')}）",
                                      f"signed in to the console (from {w.get('ip')})"),
    "staff.sign_in_failed": lambda w: w.pick(
        f"以用户名 {w.entry.subject or '（空）'} 登录失败（来自 {w.get('ip')}）{w.reason()}",
        f"failed to sign in as {w.entry.subject or '(empty)'} (from {w.get('ip')})"
        f"{w.reason()}"),
    "staff.sign_out": lambda w: w.pick("退出了管理台", "signed out of the console"),
    "cadre.code": _cadre_code,
    "cadre.enroll": lambda w: w.pick(
        f"登记为{_cadre_named(w)}的“五个一”手机（来自 {w.get('client')}）"
        + (f"；原来的手机{w.device(w.get('replaced'))}随即停用" if w.get("replaced") else ""),
        f"enrolled as {_cadre_named(w)}'s 五个一 phone (from {w.get('client')})"
        + (f"; the previous phone {w.device(w.get('replaced'))} stopped working"
           if w.get("replaced") else "")),
    "meeting.create": lambda w: w.pick(
        f"新建了学习例会「{w.get('title')}」（{_span(w)}）",
        f"created the study meeting “{w.get('title')}” ({_span(w)})"),
    "window.code": lambda w: w.pick(f"为{w.spot()}生成了窗口设备登记码{w.until()}",
                                    f"created a window enrollment code for {w.spot()}"
                                    f"{w.until()}"),
    "window.enroll": lambda w: w.pick(f"登记为{w.spot()}的窗口设备（来自 {w.get('client')}）",
                                      f"enrolled as a window of {w.spot()} "
                                      f"(from {w.get('client')})"),
    "window.revoke": lambda w: w.pick(f"注销了{w.spot(w.get('spot'))}的窗口设备{w.device()}",
                                      f"revoked the window {w.device()} of "
                                      f"{w.spot(w.get('spot'))}"),
    **CADRE_SENTENCES,
}


def _generic(w: _Words) -> str:
    shown = [f"{k}：{w.get(k)}" if not w.en else f"{k}: {w.get(k)}" for k in sorted(w.d)
             if w.get(k) and k not in ("kid", "retired")]
    extra = w.pick(f"（{'；'.join(shown)}）", f" ({'; '.join(shown)})") if shown else ""
    return w.pick(f"对 {w.entry.subject} 进行了操作「{w.entry.action}」{extra}",
                  f"did “{w.entry.action}” on {w.entry.subject}{extra}")


def _who(w: _Words) -> str:
    actor = w.entry.actor
    if actor.startswith("device:"):
        return w.pick(f"设备{w.device(actor.removeprefix('device:'))}",
                      f"the device {w.device(actor.removeprefix('device:'))}")
    if actor.startswith("cli:"):
        return w.pick(f"命令行（{actor[4:]}）", f"the command line ({actor[4:]})")
    if actor == "auto-approval":
        return w.pick("系统自动批准", "automatic approval")
    return actor if actor not in ("", "?") else w.pick("（未填用户名）", "(no user name)")


def say(entry: AuditEntry, details: dict[str, object], names: Names, lang: str) -> Said:
    words = _Words(entry, details, names, lang)
    return Said(_who(words), SENTENCES.get(entry.action, _generic)(words))
