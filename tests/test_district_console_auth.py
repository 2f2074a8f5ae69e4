"""Console sign-in over a real uvicorn: hashed passwords, audited attempts, CSRF, rate limit."""

from __future__ import annotations

import hashlib
import hmac
import re
import subprocess

import pytest
from sqlalchemy import select

from district import audit, cli, db, web
from district.service import District
from district.staff import accounts, logins
from district.staff.tables import Staff, StaffSession
from district.tables import Meta
from tests.console_support import ADMIN, CLERK, Console, client, csrf, hidden, sign_in, signed_in


def test_signing_in_opens_the_members_page_and_is_audited(console: Console) -> None:
    with client(console) as http:
        answer = sign_in(http, *ADMIN)
        assert answer.status_code == 303 and answer.headers["location"] == "/console/members"
        cookie = answer.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Max-Age=28800" in cookie
        page = http.get("/console/members")
    assert page.status_code == 200 and "会员查询" in page.text and "admin" in page.text
    with console.district.sessions() as session:
        [entry] = audit.recent(session, 1, "staff.sign_in")
    assert (entry.actor, entry.subject) == ("admin", "admin")


def test_a_wrong_password_is_refused_in_words_kept_in_the_form_and_audited(
        console: Console) -> None:
    with client(console) as http:
        answer = sign_in(http, "mudu", "not-the-password")
        assert answer.status_code == 401 and "用户名或密码不对" in answer.text
        assert 'value="mudu"' in answer.text
        assert http.get("/console/members").status_code == 303  # still signed out
    with console.district.sessions() as session:
        entry = audit.recent(session, 1, "staff.sign_in_failed")[0]
    assert entry.subject == "mudu" and audit.details_of(entry)["reason"] == "SignInRefused"


def test_passwords_are_stored_as_salted_scrypt_hashes(console: Console) -> None:
    with console.district.sessions() as session:
        rows = list(session.scalars(select(Staff).order_by(Staff.id).limit(2)))
    assert [r.username for r in rows] == ["admin", "mudu"]
    for row, (_user, password) in zip(rows, (ADMIN, CLERK), strict=True):
        assert password not in row.password_hash
        assert row.password_hash.startswith("scrypt$16384$8$1$")
        assert accounts.password_matches(password, row.password_hash)
        assert not accounts.password_matches(password + "x", row.password_hash)
    assert rows[0].password_hash.split("$")[4] != rows[1].password_hash.split("$")[4]


def test_a_post_without_the_csrf_token_does_nothing_and_answers_403(console: Console) -> None:
    with signed_in(console, ADMIN) as http:
        answer = http.post("/console/cards/100000/revoke", data={"reason": "lost"})
        assert answer.status_code == 403 and "安全校验未通过" in answer.text
        wrong = http.post("/console/logout", data={"csrf": "forged"})
        assert wrong.status_code == 403
        assert http.get("/console/members").status_code == 200  # still signed in
    with client(console) as http:
        http.get("/console/login")
        forged = http.post("/console/login", data={"username": "admin", "password": ADMIN[1],
                                                   "login_token": "guess"})
        assert forged.status_code == 403


def test_signing_out_ends_the_session_for_good(console: Console) -> None:
    with signed_in(console, CLERK) as http:
        cookie = http.cookies["up_session"]
        assert http.post("/console/logout", data={"csrf": csrf(http)}).status_code == 303
    with client(console) as stranger:
        stranger.cookies.set("up_session", cookie, path="/console")
        assert stranger.get("/console/members").status_code == 303


def test_the_session_token_is_stored_hashed_and_a_forged_cookie_is_refused(
        console: Console) -> None:
    with signed_in(console, ADMIN) as http:
        token = http.cookies["up_session"].split(".")[0]
    with console.district.sessions() as session:
        stored = set(session.scalars(select(StaffSession.token_hash)))
    assert token not in stored and len(stored) >= 1
    with client(console) as forger:
        forger.cookies.set("up_session", f"{token}.0000", path="/console")
        assert forger.get("/console/members").status_code == 303


def test_five_failures_lock_the_user_name_even_for_the_right_password(console: Console) -> None:
    with console.district.sessions.begin() as session:
        accounts.add_staff(session, "locked", "right-password", accounts.DISTRICT_ADMIN, None, "t",
                           0)
    with client(console) as http:
        for _ in range(accounts.USER_FAILURES):
            assert sign_in(http, "locked", "wrong-password").status_code == 401
        answer = sign_in(http, "locked", "right-password")
    assert answer.status_code == 429 and "登录失败次数太多" in answer.text


def test_an_unknown_console_page_is_a_404_page_in_chinese(console: Console) -> None:
    with client(console) as http:
        page = http.get("/console/no-such-page")
    assert page.status_code == 404 and "没有这个页面" in page.text


def test_the_sign_in_page_switches_to_english(console: Console) -> None:
    with client(console) as http:
        http.get("/console/lang/en?next=/console/login")
        page = http.get("/console/login")
    assert "Staff sign-in" in page.text and hidden(page.text, "next") == "/console/members"


def test_add_staff_reads_the_password_from_the_environment(
        console: Console, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = console.district.settings
    monkeypatch.setenv("UNIONPASS_STAFF_PASSWORD", "clerk-of-dongshan")
    monkeypatch.setenv("UNIONPASS_KEY_PASSPHRASE", settings.passphrase or "")
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    args = ["--data", str(settings.data_dir), "add-staff", "dongshan", "--role", "town_clerk",
            "--town", "wz-ds"]
    assert cli.main(args) == 0
    assert cli.main([*args[:3], "again", "--role", "town_clerk"]) == 2  # no town: refused
    with signed_in(console, ("dongshan", "clerk-of-dongshan")) as http:
        assert "镇办事员 · WZ-DS" in http.get("/console/members").text


def signs(key: bytes, token: str, signature: str) -> bool:
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()[:32] == signature


def test_nothing_stored_in_the_database_can_sign_a_console_cookie(console: Console) -> None:
    with signed_in(console, ADMIN) as http:
        token, signature = http.cookies["up_session"].split(".")
    with console.district.sessions() as session:
        stored = "".join(session.scalars(select(Meta.value))).encode()
    files = [str(p) for p in db.sqlite_files(console.district.settings.database_url)
             if p.exists()]
    if files:  # read by another process: a close() here would drop the server's SQLite locks
        stored += subprocess.run(["cat", *files], check=True, capture_output=True).stdout
    candidates = {bytes.fromhex(h.decode()) for h in re.findall(rb"[0-9a-f]{64}", stored)}
    assert not any(signs(key, token, signature) for key in candidates)
    other_instance = District.open(console.district.settings)  # e.g. a second server on PG
    try:
        assert signs(logins.cookie_key(other_instance.keys()), token, signature)
    finally:
        other_instance.close()


def test_a_cookie_key_an_older_version_stored_in_clear_is_deleted_at_start_up(
        district: District) -> None:
    with district.sessions.begin() as session:
        session.add(Meta(key=logins.STORED_COOKIE_KEY, value="ab" * 32))
    web.unlock_keys(district)
    with district.sessions() as session:
        assert session.get(Meta, logins.STORED_COOKIE_KEY) is None
