"""The window desk with real signed cards: every verdict a clerk can see, the price, the sale in
the hash-chained log and the sync outbox, the usage rules at sale time, the stale-list override."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import cbor2
import pytest

from app.card import phone_qr_payload, present
from app.catalog import Catalog
from app.chinatime import china_day
from app.demo import demo_catalog
from app.keys import KeyPair
from app.models import CardKind, Change, Pinned
from app.qrtext import encode_qr_text
from app.sync import SyncEngine
from app.trust import Status
from app.verdict_text import REFUSED, Colour, Words
from app.verify import Reason
from app.window import DeskRefused, Scanned, WindowDesk
from storage.device import open_device
from tests.fakes import DAY, NOW, YEAR
from tests.kit import Kit, phone_text, static_text
from tests.window_support import SPOT, Offline, Window


@pytest.fixture
def disk_window(tmp_path: Path) -> Iterator[Window]:
    made = Window(Kit(), open_device(tmp_path))
    yield made
    made.device.close()


def assert_refused(scanned: Scanned, reason: Reason, words: str) -> None:
    assert scanned.verdict.reason is reason
    assert scanned.words.colour is Colour.RED and scanned.words.title.zh == words
    assert scanned.offers == ()


# green, blue, amber ----------------------------------------------------------------------------

def test_a_member_is_green_and_pays_39_78_for_the_mudu_package(window: Window) -> None:
    scanned = window.scan_phone()
    assert scanned.words.colour is Colour.GREEN and scanned.words.title.zh == "会员 5.1折"
    assert scanned.verdict.name == "陈建国"
    prices = {o.ticket.id: (o.list_fen, o.price_fen) for o in scanned.offers}
    assert prices == {"yanjia-1": (3000, 1530), "mudu-4": (7800, 3978)}
    sale = window.desk.sell(scanned, "mudu-4")
    assert (sale.list_fen, sale.paid_fen, sale.discount_fen) == (7800, 3978, 3822)
    assert (sale.ticket_name, sale.serial, sale.kind, sale.spot_id) == (
        "木渎古镇四景联票", 100_001, CardKind.MEMBER, SPOT)
    assert window.device.sales.all() == [sale]


def test_a_family_card_is_blue_and_pays_54_60(window: Window) -> None:
    scanned = window.scan_phone(100_002, CardKind.FAMILY, name="王喆")
    assert scanned.words.colour is Colour.BLUE and scanned.words.title.zh == "家属 7折"
    sale = window.desk.sell(scanned, "mudu-4")
    assert (sale.paid_fen, sale.kind, sale.name) == (5460, CardKind.FAMILY, "王喆")


def test_a_printed_card_is_amber_and_shows_the_id_digits_to_compare(window: Window) -> None:
    scanned = window.desk.scan(static_text(window.kit.card(window.kit.claims())))
    assert scanned.words.colour is Colour.AMBER
    assert scanned.words.detail is not None
    assert scanned.words.detail.zh == "请核对身份证后四位 3317"
    sale = window.desk.sell(scanned, "yanjia-1")
    assert sale.presentation_id is None and sale.paid_fen == 1530


def test_lists_two_days_old_still_sell_in_amber_with_a_warning(window: Window) -> None:
    window.kit.lists_issued_at = NOW - 2 * DAY
    window.pin()
    scanned = window.scan_phone()
    assert scanned.words.colour is Colour.AMBER and scanned.verdict.valid
    assert scanned.words.detail is not None and "名单超过24小时未更新" in scanned.words.detail.zh
    assert window.desk.list_ages().words().zh == "名单已 2 天未更新，请核对身份证"
    assert not window.desk.sell(scanned, "mudu-4").override


# red, with the reason in words -----------------------------------------------------------------

def test_an_expired_card_is_refused_and_cannot_be_sold(window: Window) -> None:
    scanned = window.scan_phone(iat=NOW - YEAR, exp=NOW - DAY)
    assert_refused(scanned, Reason.EXPIRED, "已过期")
    with pytest.raises(DeskRefused) as refused:
        window.desk.sell(scanned, "mudu-4")
    assert refused.value.words.zh == "此卡未通过验证，不能优惠售票"
    assert window.device.sales.all() == [] and window.sale_changes() == []


def test_a_card_revoked_after_a_sync_is_refused(window: Window) -> None:
    card, phone = window.phone_card()
    assert window.desk.scan(phone_text(card, phone, NOW)).verdict.valid
    window.kit.revoked[100_001] = Status.REVOKED
    window.pin()
    assert_refused(window.desk.scan(phone_text(card, phone, NOW)), Reason.REVOKED, "已注销")


def test_an_issuer_signing_outside_its_serial_range_is_not_of_this_district(
        window: Window) -> None:
    window.kit.add_town("WZ-DS", 150_000, 159_999)
    window.pin()
    phone = KeyPair.generate()
    card = window.kit.card(window.kit.claims(100_500, holder=phone, issuer_id="WZ-DS"), "WZ-DS")
    scanned = window.desk.scan(phone_text(card, phone, NOW))
    assert_refused(scanned, Reason.SERIAL_OUT_OF_RANGE, "非本区发卡")


def test_a_card_of_another_district_is_not_of_this_district(window: Window) -> None:
    stranger, phone = Kit(), KeyPair.generate()
    card = stranger.card(stranger.claims(holder=phone))
    assert_refused(window.desk.scan(phone_text(card, phone, NOW)), Reason.UNKNOWN_ISSUER,
                   "非本区发卡")


def test_a_tampered_card_has_an_invalid_signature(window: Window) -> None:
    card, phone = window.phone_card()
    tampered = card.replace("陈建国".encode(), "陈建军".encode())
    assert_refused(window.desk.scan(phone_text(tampered, phone, NOW)), Reason.BAD_SIGNATURE,
                   "签名无效")


def test_a_screenshot_older_than_the_window_is_out_of_date(window: Window) -> None:
    card, phone = window.phone_card()
    scanned = window.desk.scan(phone_text(card, phone, NOW - 300))
    assert_refused(scanned, Reason.STALE_PRESENTATION, "二维码已过时")


def test_a_family_card_of_a_revoked_member_is_refused(window: Window) -> None:
    window.kit.revoked[100_001] = Status.REVOKED
    window.pin()
    scanned = window.scan_phone(100_002, CardKind.FAMILY, name="王喆")
    assert_refused(scanned, Reason.PRIMARY_NOT_VALID, "会员本人的卡已失效")


def test_a_device_clock_behind_the_lists_is_said_not_crashed(window: Window) -> None:
    window.clock.now = NOW - 2 * 3600
    assert_refused(window.scan_phone(), Reason.CLOCK_BEHIND_LISTS, "本机时间早于名单时间")
    assert window.desk.list_ages().clock_behind
    assert window.desk.list_ages().words().zh == "本机时间早于名单时间，请校准时钟"


def test_a_window_clock_minutes_behind_the_district_sells_a_card_issued_just_now(
        window: Window) -> None:
    window.kit.lists_issued_at = NOW + 2 * 60  # the district's clock is 2 minutes ahead
    window.pin()
    scanned = window.scan_phone(iat=NOW + 2 * 60)
    assert scanned.verdict.valid and scanned.words.colour is Colour.GREEN
    ages = window.desk.list_ages()
    assert not ages.clock_behind and ages.words() == Words("名单刚刚更新", "Lists just updated")
    window.clock.now = NOW - 8 * 60  # 10 minutes behind is a clock to set
    assert_refused(window.scan_phone(), Reason.CLOCK_BEHIND_LISTS, "本机时间早于名单时间")
    assert window.desk.list_ages().clock_behind


@pytest.mark.parametrize("text", ["", "hello", "UP1:", "UP1:%%%", "UP1:" + "A" * 500, "\x00"])
def test_anything_else_scanned_gets_a_reason_in_words(window: Window, text: str) -> None:
    scanned = window.desk.scan(text)
    assert scanned.words.colour is Colour.RED and scanned.words.title.zh


@pytest.mark.parametrize("reason", [r for r in Reason if r is not Reason.OK])
def test_every_refusal_has_words_in_chinese_and_english(reason: Reason) -> None:
    title, _ = REFUSED[reason]
    assert title.zh and title.en and title.zh != title.en


# usage rules (SPEC §5) -------------------------------------------------------------------------

def test_a_card_that_bought_today_is_refused_until_tomorrow(window: Window) -> None:
    card, phone = window.phone_card()
    window.desk.sell(window.desk.scan(phone_text(card, phone, NOW)), "mudu-4")
    window.clock.now = NOW + 60
    again = window.desk.scan(phone_text(card, phone, NOW + 60))
    assert_refused(again, Reason.ALREADY_USED_TODAY, "今日已优惠")
    window.clock.now = NOW + DAY
    assert window.desk.scan(phone_text(card, phone, NOW + DAY)).verdict.valid


def test_one_person_buys_once_a_day_at_a_spot_with_the_phone_or_the_printed_card(
        window: Window) -> None:
    """Issue 11.2: 陈建国's phone card bought; his printed card (another serial) is refused the
    same day at the same spot. His wife and his father are persons of their own: each buys once,
    with whichever of their cards."""
    kit = window.kit
    window.desk.sell(window.scan_phone(), "mudu-4")
    window.clock.now = NOW + 60
    his_printed = static_text(kit.card(kit.claims(100_777, member_no="WZ2014012345")))
    refused = window.desk.scan(his_printed)
    assert_refused(refused, Reason.ALREADY_USED_TODAY, "今日已优惠")
    assert refused.words.detail == Words("此人今天在本景区的优惠已用完（手机卡、纸质卡合计）",
                                         "This person's discount here is used up today "
                                         "(phone and printed cards together)")
    bought = window.desk.sell(window.scan_phone(100_002, CardKind.FAMILY, name="王喆",
                                                id_last4="5208"), "mudu-4")
    her_printed = static_text(kit.card(kit.claims(100_003, CardKind.FAMILY, name="王喆",
                                                  id_last4="5208")))
    assert_refused(window.desk.scan(her_printed), Reason.ALREADY_USED_TODAY, "今日已优惠")
    father = window.scan_phone(100_004, CardKind.FAMILY, name="陈福根", relation="父亲",
                               id_last4="0016")
    assert window.desk.sell(father, "mudu-4").paid_fen == bought.paid_fen == 5460
    window.clock.now = NOW + DAY
    assert window.desk.scan(his_printed).words.colour is Colour.AMBER  # tomorrow: sells


def test_his_phone_and_printed_card_scanned_together_buy_only_once(window: Window) -> None:
    kit = window.kit
    on_phone = window.scan_phone()
    printed = window.desk.scan(static_text(kit.card(kit.claims(100_777,
                                                               member_no="WZ2014012345"))))
    assert on_phone.verdict.valid and printed.verdict.valid
    window.desk.sell(printed, "mudu-4")
    with pytest.raises(DeskRefused) as refused:
        window.desk.sell(on_phone, "yanjia-1")
    assert refused.value.words.zh == "今日已优惠"
    assert len(window.device.sales.all()) == 1 and len(window.sale_changes()) == 1


def test_the_code_that_bought_a_ticket_cannot_be_shown_again(window: Window) -> None:
    card, phone = window.phone_card()
    text = phone_text(card, phone, NOW)
    window.desk.sell(window.desk.scan(text), "mudu-4")
    assert_refused(window.desk.scan(text), Reason.PRESENTATION_USED, "该二维码已使用")


def _reframed(cose: bytes, unprotected: dict[int, object]) -> bytes:
    protected, _, payload, signature = cbor2.loads(cose).value
    return cbor2.dumps(cbor2.CBORTag(18, [protected, unprotected, payload, signature]))


def test_a_screenshot_reshaped_at_a_window_with_daily_limit_2_does_not_buy_twice(
        window: Window) -> None:
    desk = WindowDesk(window.device.trust, Catalog(window.device.catalog), window.device.sales,
                      window.sync, window.clock, SPOT, overrides=window.device.overrides,
                      daily_limit=lambda: 2)
    card, phone = window.phone_card()
    shown = present(card, phone, NOW)
    desk.sell(desk.scan(encode_qr_text(phone_qr_payload(card, shown))), "mudu-4")
    for reshaped, reason in [
            (cbor2.dumps([card, _reframed(shown, {4: b"copy 2"})]), Reason.BAD_STRUCTURE),
            (cbor2.dumps([card, shown + b"\x00"]), Reason.BAD_CBOR),
            (phone_qr_payload(card, shown) + b"\x00", Reason.BAD_CBOR)]:
        scanned = desk.scan(encode_qr_text(reshaped))
        assert_refused(scanned, reason, "二维码无法识别")
        with pytest.raises(DeskRefused):
            desk.sell(scanned, "yanjia-1")
    assert len(window.device.sales.all()) == 1 and len(window.sale_changes()) == 1
    window.clock.now = NOW + 60  # the phone itself, a minute later: the second ticket of 2
    desk.sell(desk.scan(phone_text(card, phone, NOW + 60)), "yanjia-1")
    assert len(window.device.sales.all()) == 2


def test_two_quick_scans_of_one_card_buy_only_once(window: Window) -> None:
    card, phone = window.phone_card()
    first = window.desk.scan(phone_text(card, phone, NOW))
    second = window.desk.scan(phone_text(card, phone, NOW + 30))
    assert first.verdict.valid and second.verdict.valid
    window.desk.sell(first, "mudu-4")
    with pytest.raises(DeskRefused) as refused:
        window.desk.sell(second, "yanjia-1")
    assert refused.value.words.zh == "今日已优惠"
    assert len(window.device.sales.all()) == 1 and len(window.sale_changes()) == 1


def test_a_ticket_this_spot_does_not_sell_is_refused(window: Window) -> None:
    with pytest.raises(DeskRefused) as refused:
        window.desk.sell(window.scan_phone(), "qiyuan-1")
    assert refused.value.words.zh == "本窗口不售此票"
    assert window.device.sales.all() == []


def test_a_verdict_left_on_screen_for_minutes_must_be_scanned_again(window: Window) -> None:
    scanned = window.scan_phone()
    window.clock.now = NOW + 600
    with pytest.raises(DeskRefused) as refused:
        window.desk.sell(scanned, "mudu-4")
    assert refused.value.words.zh == "请重新扫码"


# the sale is kept and goes out by sync ---------------------------------------------------------

def test_a_sale_is_chained_and_waits_in_the_outbox_with_its_fields(window: Window) -> None:
    first = window.desk.sell(window.scan_phone(), "mudu-4")
    window.clock.now += 5
    second = window.desk.sell(window.scan_phone(100_002, CardKind.FAMILY), "mudu-4")
    assert (first.seq, second.seq, second.prev_hash) == (1, 2, first.hash)
    assert window.device.sales.verify_chain() is None
    changes = window.sale_changes()
    assert [c.record_id for c in changes] == [first.id, second.id]
    assert changes[1].fields == {
        "serial": 100_002, "kind": "family", "spot_id": SPOT, "ticket_id": "mudu-4",
        "list_fen": 7800, "paid_fen": 5460, "at": NOW + 5, "day": china_day(NOW + 5),
        "presentation_id": second.presentation_id, "override": False, "hash": second.hash,
        "prev_hash": first.hash, "seq": 2}
    assert second.presentation_id is not None and len(second.presentation_id) == 32


def test_a_sale_on_disk_is_there_after_a_restart(disk_window: Window, tmp_path: Path) -> None:
    sale = disk_window.desk.sell(disk_window.scan_phone(), "mudu-4")
    disk_window.device.close()
    disk_window.device = open_device(tmp_path)
    disk_window.desk = disk_window.open_desk()
    assert disk_window.device.sales.all() == [sale]
    assert [c.record_id for c in disk_window.sale_changes()] == [sale.id]
    assert_refused(disk_window.scan_phone(), Reason.ALREADY_USED_TODAY, "今日已优惠")


def test_a_sale_logged_but_not_yet_in_the_outbox_is_sent_after_a_restart(
        window: Window) -> None:
    class Dies(SyncEngine):
        def record(self, *args: object, **kwargs: object) -> Change:
            raise KeyboardInterrupt("power cut")

    desk = WindowDesk(window.device.trust, Catalog(window.device.catalog), window.device.sales,
                      Dies(Offline(), window.device.outbox, window.device.sync_cursor,
                           Offline(), lambda: None, window.clock),
                      window.clock, SPOT, overrides=window.device.overrides)
    with pytest.raises(KeyboardInterrupt):
        desk.sell(desk.scan(phone_text(*window.phone_card())), "mudu-4")
    assert window.sale_changes() == []
    sale = window.device.sales.last()
    assert sale is not None
    window.open_desk()
    window.open_desk()  # a second restart does not send it twice
    assert [c.record_id for c in window.sale_changes()] == [sale.id]


# the stale-list policy (SPEC §4) ---------------------------------------------------------------

def test_lists_over_a_week_old_refuse_until_a_supervisor_allows_one_sale(window: Window) -> None:
    window.kit.lists_issued_at = NOW - 8 * DAY
    window.pin()
    assert window.desk.list_ages().words().zh == "名单已 8 天未更新，需主管授权"
    refused = window.scan_phone()
    assert_refused(refused, Reason.LISTS_TOO_OLD, "名单过旧需主管授权")
    allowed = window.desk.override("李主任", "网络中断，名单无法同步")
    assert allowed is not None and allowed.verdict.valid and allowed.override
    sale = window.desk.sell(allowed, "mudu-4")
    assert sale.override and sale.paid_fen == 3978
    [record] = window.device.overrides.all()
    assert (record.supervisor, record.reason, record.sale_id) == (
        "李主任", "网络中断，名单无法同步", sale.id)
    assert record.trust_age_s == 8 * DAY
    sent = window.sale_changes()[0].fields
    assert (sent["override"], sent["override_by"], sent["override_reason"]) == (
        True, "李主任", "网络中断，名单无法同步")
    assert_refused(window.scan_phone(100_002, CardKind.FAMILY), Reason.LISTS_TOO_OLD,
                   "名单过旧需主管授权")


def test_one_override_sells_one_ticket_even_after_two_scans(window: Window) -> None:
    window.kit.lists_issued_at = NOW - 8 * DAY
    window.pin()
    window.desk.override("李主任", "断网")
    first, second = window.scan_phone(), window.scan_phone(100_002, CardKind.FAMILY)
    assert first.override and second.override
    window.desk.sell(first, "mudu-4")
    with pytest.raises(DeskRefused) as refused:
        window.desk.sell(second, "mudu-4")
    assert refused.value.words.zh == "名单过旧需主管授权"
    assert len(window.device.sales.all()) == 1


def test_an_override_needs_a_name_and_a_reason_and_stale_lists(window: Window) -> None:
    with pytest.raises(DeskRefused) as no_need:
        window.desk.override("李主任", "断网")
    assert no_need.value.words.zh == "名单未超过7天，无需授权"
    window.kit.lists_issued_at = NOW - 8 * DAY
    window.pin()
    with pytest.raises(DeskRefused) as blank:
        window.desk.override(" ", "断网")
    assert blank.value.words.zh == "请填写主管姓名和授权原因"
    assert not window.desk.override_armed


def test_fresh_lists_show_their_age(window: Window) -> None:
    ages = window.desk.list_ages()
    assert (ages.trust_age_s, ages.status_age_s) == (3600, 3600)
    assert ages.words().zh == "名单 1 小时前更新"
    window.clock.now = NOW - 3600 + 30  # lists signed half a minute ago
    assert window.desk.list_ages().words() == Words("名单刚刚更新", "Lists just updated")


def test_a_window_with_no_lists_says_sync_first(window: Window) -> None:
    window.device.trust.save(Pinned(window.kit.root.public_raw))
    assert window.desk.list_ages().words().zh == "本机没有名单，请同步"
    assert_refused(window.scan_phone(), Reason.NO_LISTS, "本机没有名单")


def test_a_new_catalogue_from_a_sync_is_offered_after_a_refresh(window: Window) -> None:
    spots, tickets = demo_catalog()
    dearer = [replace(t, list_fen=10_000) if t.id == "mudu-4" else t for t in tickets]
    window.device.catalog.replace(spots, dearer)
    window.desk.refresh_catalog()
    offers = {o.ticket.id: o.price_fen for o in window.scan_phone().offers}
    assert offers["mudu-4"] == 5100


# the shift's count -----------------------------------------------------------------------------

def test_the_desk_counts_this_shifts_scans_refusals_and_sales(window: Window) -> None:
    opened = window.desk.shift()
    assert (opened.since, opened.scans, opened.refused, opened.sold) == (int(NOW), 0, 0, 0)
    window.desk.sell(window.scan_phone(), "mudu-4")
    window.desk.scan("hello")
    window.scan_phone()  # the same card again: 今日已优惠
    shift = window.desk.shift()
    assert (shift.scans, shift.refused, shift.sold) == (3, 2, 1)


def test_the_shift_count_starts_again_at_midnight_china_time(window: Window) -> None:
    window.desk.sell(window.scan_phone(), "mudu-4")
    window.clock.now += DAY
    assert window.desk.shift().scans == 0
    window.scan_phone(100_003)
    shift = window.desk.shift()
    assert (shift.scans, shift.refused, shift.sold) == (1, 0, 0)
    assert china_day(shift.since) == china_day(window.clock.now)
    assert china_day(shift.since - 1) == china_day(window.clock.now) - 1  # midnight exactly


def test_a_supervisors_override_rechecks_the_last_scan_without_counting_it_again(
        window: Window) -> None:
    window.kit.lists_issued_at = NOW - 8 * DAY
    window.pin()
    window.scan_phone()  # refused: lists too old
    again = window.desk.override("李主任", "断网")
    assert again is not None and again.verdict.valid
    assert (window.desk.shift().scans, window.desk.shift().refused) == (1, 1)
