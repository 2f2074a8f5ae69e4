"""What a needy-worker file (困难职工档案) holds and the rule for each field, the same for the
console's form and the CSV import: name, union, town, phone number (an 11-digit mobile or a
landline), difficulty category, household notes and status (在档 / 脱困). Nothing here reads
the database; the town is looked up in the `TownNames` given."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from app.cadre_wire import CATEGORIES
from app.text_rules import NAME_MAX, has_control_characters, has_symbols
from district.errors import Invalid
from district.registry.towns import TownNames

IN_FILE, RELIEVED = "在档", "脱困"  # a worker 脱困 keeps their cadre but leaves the phone
STATUSES = (IN_FILE, RELIEVED)
FIELDS = ("name", "union_name", "town_id", "phone", "category", "household", "status")
UNION_MAX, HOUSEHOLD_MAX = 100, 2000
MOBILE = re.compile(r"1[3-9][0-9]{9}")
LANDLINE = re.compile(r"0[1-9][0-9]{1,2}-?[2-9][0-9]{6,7}")  # 0512-66881234, 01065123456
LOCAL = re.compile(r"[2-9][0-9]{6,7}")  # a landline of the district without its area code
DROPPED = re.compile(r"[\s()]")


@dataclass(frozen=True)
class NeedyFields:
    """A file's fields as checked: trimmed, the town as its id, the phone number normalized."""

    name: str
    union_name: str
    town_id: str
    phone: str
    category: str
    household: str
    status: str


@dataclass(frozen=True)
class FieldProblem:
    """What is wrong with one field, in Chinese and English."""

    field: str
    zh: str
    en: str


def normal_phone(text: str) -> str | None:
    """The number as kept: a mobile as its 11 digits (spaces, dashes and +86 dropped), a
    landline as written without spaces (0512-66881234); None when it is neither."""
    compact = DROPPED.sub("", unicodedata.normalize("NFKC", text))
    digits = compact.replace("-", "").removeprefix("+86")
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    if MOBILE.fullmatch(digits):
        return digits
    return compact if LANDLINE.fullmatch(compact) or LOCAL.fullmatch(compact) else None


def _phone(text: str) -> tuple[str, FieldProblem | None]:
    phone = normal_phone(text)
    if phone is not None:
        return phone, None
    if "E+" in text.upper():
        return text, FieldProblem(
            "phone", "号码被 Excel 存成了数字：请把这一列设为“文本”格式后重新填写",
            "Excel stored the number as a number: format the column as Text and enter the "
            "numbers again")
    lost_zero = "（Excel 可能去掉了区号开头的 0：请把这一列设为“文本”格式）" \
        if text.isdigit() and text[:1] in "23456789" and len(text) >= 9 else ""
    return text, FieldProblem(
        "phone", "电话号码应为 11 位手机号或带区号的座机号（如 0512-66881234）" + lost_zero,
        "a phone number is an 11-digit mobile number or a landline with its area code "
        "(0512-66881234)")


def _text(values: Mapping[str, str], name: str, limit: int, label: tuple[str, str],
          problems: list[FieldProblem]) -> str:
    value = values.get(name, "").strip()
    zh, en = label
    if not value:
        problems.append(FieldProblem(name, f"请填写{zh}", f"the {en} must be given"))
    elif len(value) > limit:
        problems.append(FieldProblem(name, f"{zh}最多 {limit} 个字",
                                     f"the {en} is at most {limit} characters"))
    elif has_control_characters(value) or (name == "name" and has_symbols(value)):
        problems.append(FieldProblem(name, f"{zh}里有不能使用的符号或控制字符",
                                     f"the {en} holds a symbol or control character"))
    return value


def _choice(values: Mapping[str, str], name: str, allowed: tuple[str, ...], default: str,
            problems: list[FieldProblem]) -> str:
    value = values.get(name, "").strip() or default
    if value not in allowed:
        shown = " / ".join(allowed)
        problems.append(FieldProblem(name, f"应为 {shown} 之一，不是“{value}”",
                                     f"must be one of {shown}, not “{value}”"))
    return value


def _household(values: Mapping[str, str], problems: list[FieldProblem]) -> str:
    value = values.get("household", "").strip().replace("\r\n", "\n")
    if len(value) > HOUSEHOLD_MAX or has_control_characters(value, multiline=True):
        problems.append(FieldProblem(
            "household", f"家庭情况最多 {HOUSEHOLD_MAX} 个字，不能有控制字符",
            f"household notes are at most {HOUSEHOLD_MAX} characters, without control "
            "characters"))
    return value


def _town(values: Mapping[str, str], towns: TownNames, problems: list[FieldProblem]) -> str:
    value = values.get("town_id", "").strip()
    town_id = towns.find(value) if value else None
    if town_id is None:
        problems.append(FieldProblem("town_id", f"没有这个镇（街道、开发区）：{value or '（空）'}",
                                     f"no such town: {value or '(empty)'}"))
    return town_id or value


def read_fields(values: Mapping[str, str], towns: TownNames,
                default_category: str = "") -> tuple[NeedyFields, list[FieldProblem]]:
    """The fields of one file from text (a form's or a CSV row's), and every problem found."""
    problems: list[FieldProblem] = []
    name = _text(values, "name", NAME_MAX, ("姓名", "name"), problems)
    union = _text(values, "union_name", UNION_MAX, ("所在工会", "union"), problems)
    town_id = _town(values, towns, problems)
    phone, bad_phone = _phone(values.get("phone", "").strip())
    problems += [bad_phone] if bad_phone else []
    category = _choice(values, "category", CATEGORIES, default_category, problems)
    household = _household(values, problems)
    status = _choice(values, "status", STATUSES, IN_FILE, problems)
    return NeedyFields(name, union, town_id, phone, category, household, status), problems


class FieldsRejected(Invalid):
    """A form's fields have problems (`problems`, each in both languages); nothing was kept."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        super().__init__("；".join(p.zh for p in problems), "; ".join(p.en for p in problems))
        self.problems = problems


def checked_fields(values: Mapping[str, str], towns: TownNames) -> NeedyFields:
    """The fields of a form, or FieldsRejected naming every problem."""
    fields, problems = read_fields(values, towns)
    if problems:
        raise FieldsRejected(problems)
    return fields
