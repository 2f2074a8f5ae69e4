"""The audit log reads as sentences in China time, in Chinese and English: every action the
district records has its sentence, and no page shows an action code, epoch seconds, None or a
key hash. The console answers at /console and /console/ alike."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from district.console import audit_text
from district.console.audit_text import Names
from district.tables import AuditEntry
from tests.console_support import ADMIN, CLERK, MUDU_MEMBER, Console, client, csrf, signed_in

ROOT = Path(__file__).resolve().parent.parent
AT = 1_795_000_000  # 2026-11-18 19:06:40 China time
EPOCH = re.compile(r"\b1[6-9]\d{8}\b")
KEY_HASH = re.compile(r"\b[0-9a-f]{16,}\b")


def recorded_actions() -> set[str]:
    """Every action literal passed to `audit.record` in district/ (directly, or through a
    variable assigned in the same function)."""
    found: set[str] = set()
    for path in (ROOT / "district").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef):
                continue
            assigned = {t.id: node.value for node in ast.walk(function)
                        if isinstance(node, ast.Assign) for t in node.targets
                        if isinstance(t, ast.Name)}
            for call in ast.walk(function):
                if (isinstance(call, ast.Call) and ast.unparse(call.func) == "audit.record"
                        and len(call.args) >= 3):
                    action = call.args[2]
                    source = assigned.get(action.id, action) if isinstance(
                        action, ast.Name) else action
                    found |= {c.value for c in ast.walk(source)
                              if isinstance(c, ast.Constant) and isinstance(c.value, str)}
    return found


def test_every_recorded_action_has_a_sentence_and_a_name() -> None:
    actions = recorded_actions()
    assert {"activation.code", "card.revoke", "issuer_key.rotate", "members.import"} <= actions
    assert sorted(actions - audit_text.SENTENCES.keys()) == []
    assert sorted(actions - audit_text.LABELS.keys()) == []


DETAILS: dict[str, tuple[str, dict[str, object]]] = {
    "activation.code": (MUDU_MEMBER, {"family_no": None, "expires_at": AT + 7 * 86400,
                                      "cancelled": 1}),
    "card.issue": ("100007", {"member_no": MUDU_MEMBER, "kind": "member", "static": True,
                              "kid": "9f86d081884c7d65"}),
    "card.issue_batch": ("WZ-MD", {"count": 120, "first": 100001, "last": 100120}),
    "card.revoke": ("100007", {"reason": "withdrawn"}),
    "device.activate": (MUDU_MEMBER, {"device_id": "d1", "role": "member", "card": 100008,
                                      "client": "127.0.0.1"}),
    "device.revoke": ("d1", {"reason": "补办：换手机，需重新激活", "cards": [100008]}),
    "family.request": (MUDU_MEMBER, {"family_no": 2, "name": "王喆", "relation": "配偶"}),
    "family.approve": (MUDU_MEMBER, {"family_no": 2, "name": "王喆"}),
    "family.reject": (MUDU_MEMBER, {"family_no": 2, "reason": "关系证明不全"}),
    "family.withdraw": (MUDU_MEMBER, {"family_no": 2, "cards": []}),
    "members.import": ("registry", {"rows": 120000, "created": 119000, "updated": 1000,
                                    "unchanged": 0, "unions_created": 640}),
    "members.import_refused": ("registry", {"file": "名册.xlsx", "problems": 3}),
    "issuer_key.create": ("WZ-MD", {"kid": "9f86d081884c7d65", "retired": []}),
    "issuer_key.rotate": ("WZ-MD", {"kid": "9f86d081884c7d65", "retired": ["0a1b2c3d4e5f6071"]}),
    "root_key.create": ("district", {"kid": "9f86d081884c7d65"}),
    "demo.seed": ("district", {"members": 40}),
    "sale.override": ("s-1", {"supervisor": "周经理", "reason": "网络中断", "spot": "lingyan",
                              "card": 100007, "at": AT}),
    "staff.add": ("mudu", {"role": "town_clerk", "town": "WZ-MD"}),
    "staff.sign_in": ("admin", {"ip": "10.0.0.8"}),
    "staff.sign_in_failed": ("admin", {"ip": "10.0.0.8", "reason": "SignInRefused"}),
    "staff.sign_out": ("admin", {}),
    "window.code": ("lingyan", {"expires_at": AT + 7 * 86400}),
    "window.enroll": ("lingyan", {"device_id": "w1", "name": "售票窗口1", "client": "10.0.0.9"}),
    "window.revoke": ("w1", {"spot": "lingyan"}),
    "cadre.add": ("GB0001", {"name": "周文华", "department": "区总工会机关"}),
    "cadre.edit": ("GB0001", {"name": "周文华"}),
    "cadre.leave": ("GB0001", {"name": "周文华", "released": 3}),
    "enterprise.add": ("7", {"name": "木渎精工机械有限公司"}),
    "enterprise.edit": ("7", {"name": "木渎精工机械有限公司"}),
    "needy.add": ("12", {"name": "张秀英", "status": "在档", "cadre": "GB0001"}),
    "needy.edit": ("12", {"name": "张秀英", "status": "脱困", "cadre": ""}),
    "needy.import": ("needy_workers", {"rows": 40, "created": 38, "updated": 2,
                                       "unchanged": 0}),
    "needy.import_refused": ("needy_workers", {"file": "困难职工.csv", "problems": 3}),
    "needy.list": ("needy_workers", {"town": "WZ-MD", "status": "在档", "cadre": "-",
                                     "count": 12}),
    "needy.read": ("12", {"name": "张秀英"}),
}
NAMES = Names({MUDU_MEMBER: "陈建国"}, {"WZ-MD": "木渎镇"}, {"lingyan": ("灵岩山", "Lingyan Hill")},
              {"d1": "陈建国的手机", "w1": "售票窗口1"})


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("action", sorted(DETAILS))
def test_each_action_reads_as_a_sentence_without_codes_epochs_or_hashes(action: str,
                                                                         lang: str) -> None:
    subject, details = DETAILS[action]
    entry = AuditEntry(at=AT, actor="admin", action=action, subject=subject, details="{}")
    said = audit_text.say(entry, details, NAMES, lang)
    text = f"{said.who} {said.what}"
    assert action not in text and "None" not in text and "{" not in text
    assert not EPOCH.search(text) and not KEY_HASH.search(text), text
    if lang == "zh":
        assert re.search(r"[\u4e00-\u9fff]", said.what), said.what


def test_an_activation_code_reads_with_the_member_its_validity_and_the_code_it_cancelled() -> None:
    subject, details = DETAILS["activation.code"]
    entry = AuditEntry(at=AT, actor="li", action="activation.code", subject=subject, details="")
    assert audit_text.say(entry, details, NAMES, "zh").what == (
        "为会员 陈建国（WZ2014012345）生成了激活码（7 天内有效，至 2026-11-25 19:06）；"
        "此前未用的 1 个激活码随之作废")


def test_an_action_without_a_sentence_reads_as_a_generic_one() -> None:
    entry = AuditEntry(at=AT, actor="device:w1", action="sale.flagged", subject="s-9",
                       details="")
    said = audit_text.say(entry, {"kid": "9f86d081884c7d65", "flag": "over_limit",
                                  "nothing": None}, NAMES, "zh")
    assert (said.who, said.what) == ("设备「售票窗口1」",
                                     "对 s-9 进行了操作「sale.flagged」（flag：over_limit）")


def page_text(html: str) -> str:
    body = re.sub(r"<select.*?</select>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def test_the_audit_page_reads_as_sentences_in_china_time(console: Console) -> None:
    with signed_in(console, ADMIN) as http:
        http.post(f"/console/members/{MUDU_MEMBER}/code", data={"csrf": csrf(http)})
        shown = page_text(http.get("/console/audit").text)
        keys = page_text(http.get("/console/audit", params={"action": "root_key.create"}).text)
        english = http.get("/console/lang/en", params={"next": "/console/audit"},
                           follow_redirects=True).text
    assert "admin 为会员 陈建国（WZ2014012345）生成了激活码（7 天内有效，至" in shown
    assert "此前未用的" in shown  # the demo had made a code for this member already
    assert "admin 登录了管理台（来自 127.0.0.1）" in shown
    assert "test 创建了区总工会的根密钥" in keys and "kid" not in keys
    assert "时间（北京时间）" in shown
    for code in audit_text.LABELS:
        assert code not in shown, code
    assert "None" not in shown and not EPOCH.search(shown) and not KEY_HASH.search(shown)
    assert "admin created an activation code for member 陈建国 (WZ2014012345)" in page_text(
        english)


def test_a_clerk_sees_their_own_actions_as_sentences(console: Console) -> None:
    with signed_in(console, CLERK) as http:
        shown = page_text(http.get("/console/audit").text)
    assert "mudu 登录了管理台" in shown and "admin" not in shown


@pytest.mark.parametrize("address", ["/console", "/console/"])
def test_the_console_answers_at_its_address_with_or_without_the_slash(console: Console,
                                                                       address: str) -> None:
    with client(console) as http:
        answer = http.get(address, follow_redirects=True)
    assert answer.status_code == 200
    assert str(answer.url).endswith("/console/login?next=/console/members")
    assert "工作人员登录" in answer.text
