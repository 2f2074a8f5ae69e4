"""The app's message catalogue: zh-CN first, English second. Pure data and one lookup function.

Keys are dotted (`card.title`); texts may hold `str.format` fields (`{n}`). Views get every
string they show from here.
"""

from __future__ import annotations

from app.i18n_cadre import CADRE_MESSAGES

LANGUAGES: tuple[str, ...] = ("zh", "en")
DEFAULT_LANGUAGE = "zh"

MESSAGES: dict[str, dict[str, str]] = {
    # Shell
    "app.title": {"zh": "工会通", "en": "UnionPass"},
    "nav.card": {"zh": "会员证", "en": "Card"},
    "nav.family": {"zh": "家属", "en": "Family"},
    "nav.spots": {"zh": "景区", "en": "Spots"},
    "nav.savings": {"zh": "优惠", "en": "Savings"},
    "nav.settings": {"zh": "设置", "en": "Settings"},
    "nav.back": {"zh": "返回", "en": "Back"},
    "lang.switch": {"zh": "English", "en": "中文"},
    "lang.name": {"zh": "中文", "en": "English"},
    # Card
    "card.title": {"zh": "吴中区总工会 会员证", "en": "Wuzhong Union Member Card"},
    "card.title_family": {
        "zh": "吴中区总工会 家属优惠证",
        "en": "Wuzhong Union Family Card",
    },
    "card.member_no": {"zh": "会员号", "en": "Member no."},
    "card.union": {"zh": "所属工会", "en": "Union"},
    "card.valid": {"zh": "有效期", "en": "Valid"},
    "card.valid_range": {"zh": "{start} 至 {end}", "en": "{start} to {end}"},
    "card.rate_member": {"zh": "会员购票 5.1折", "en": "Member tickets: 51% of list price"},
    "card.rate_family": {"zh": "家属购票 7折", "en": "Family tickets: 70% of list price"},
    "card.not_valid": {"zh": "此卡当前不在有效期内", "en": "This card is not valid today"},
    "card.qr_label": {"zh": "会员证二维码", "en": "Member card QR code"},
    "card.refresh_in": {"zh": "{n} 秒后刷新", "en": "Refreshes in {n} s"},
    "card.auto_refresh": {
        "zh": "二维码每30秒自动刷新，截图无效",
        "en": "The code refreshes every 30 s; screenshots do not work",
    },
    "card.brightness": {"zh": "请调高屏幕亮度", "en": "Please turn up screen brightness"},
    "card.empty_title": {"zh": "本机还没有会员证", "en": "No card on this phone yet"},
    "card.empty_body": {
        "zh": "请向所在基层工会领取激活码，激活后即可离线出示",
        "en": "Ask your grassroots union for an activation code; once activated "
        "the card works offline",
    },
    # Family
    "family.title": {"zh": "家属卡", "en": "Family cards"},
    "family.hint": {
        "zh": "家属凭卡在优惠窗口享受7折购票",
        "en": "Family members buy tickets at 70% of list price at the union window",
    },
    "family.empty": {"zh": "还没有家属卡", "en": "No family cards yet"},
    "family.show": {"zh": "出示", "en": "Show"},
    "family.not_found": {"zh": "找不到这张家属卡", "en": "This family card is not on this phone"},
    "family.refresh": {"zh": "刷新", "en": "Refresh"},
    "family.refreshed": {
        "zh": "已与区总工会同步",
        "en": "Synced with the district",
    },
    "family.requests": {"zh": "家属卡申请", "en": "Family card requests"},
    "family.state_pending": {"zh": "等待区总工会批准", "en": "Waiting for approval"},
    "family.state_approved": {"zh": "已批准", "en": "Approved"},
    "family.state_rejected": {"zh": "未获批准", "en": "Not approved"},
    "family.state_unsent": {
        "zh": "待发送 · 联网后自动发送",
        "en": "Waiting to send · goes out by itself when online",
    },
    "family.withdraw": {"zh": "撤回", "en": "Withdraw"},
    "family.withdraw_confirm": {"zh": "确认撤回", "en": "Confirm"},
    "family.withdrawn": {
        "zh": "已撤回{name}的家属卡",
        "en": "The family card of {name} was withdrawn",
    },
    "family.cancel": {"zh": "取消", "en": "Cancel"},
    "family.request_title": {"zh": "申请家属卡", "en": "Ask for a family card"},
    "family.request_hint": {
        "zh": "每位会员最多可为4位家属申请，经区总工会批准后家属卡会出现在本机",
        "en": "Up to 4 family members per member; once the district approves, "
        "the card appears on this phone",
    },
    "family.name": {"zh": "家属姓名", "en": "Family member's name"},
    "family.relation": {"zh": "与您的关系", "en": "Relation to you"},
    "family.relation_hint": {"zh": "家属卡上会写明关系", "en": "The card shows the relation"},
    "family.id_tail": {"zh": "身份证后4位", "en": "Last 4 of ID number"},
    "family.send": {"zh": "提交申请", "en": "Send request"},
    "family.queued": {
        "zh": "申请已保存在本机，会自动发送给区总工会；批准后家属卡会自动出现在这里",
        "en": "Request saved on this phone; it goes to the district by itself, and once "
        "approved the family card appears here",
    },
    "family.activate_first": {
        "zh": "激活会员证后，才能为家属申请家属卡",
        "en": "Activate your card first, then you can ask for family cards",
    },
    "relation.spouse": {"zh": "配偶", "en": "Spouse"},
    "relation.child": {"zh": "子女", "en": "Child"},
    "relation.father": {"zh": "父亲", "en": "Father"},
    "relation.mother": {"zh": "母亲", "en": "Mother"},
    "relation.other": {"zh": "其他", "en": "Other"},
    # Activation
    "activate.title": {"zh": "激活会员证", "en": "Activate your card"},
    "activate.hint": {
        "zh": "输入会员号和所在工会发给您的一次性激活码。激活后，会员证离线也能出示",
        "en": "Enter your member number and the one-time code from your union. "
        "Once activated, the card works offline",
    },
    "activate.member_no": {"zh": "会员号", "en": "Member number"},
    "activate.code": {"zh": "激活码", "en": "Activation code"},
    "activate.server": {"zh": "区总工会服务器地址", "en": "District server address"},
    "activate.server_hint": {
        "zh": "服务器地址一般无需修改；如工会另有通知，请按通知填写",
        "en": "You rarely need to change the server address; use the one your union gives",
    },
    "activate.submit": {"zh": "激活", "en": "Activate"},
    "activate.working": {"zh": "正在连接区总工会…", "en": "Contacting the district…"},
    # Spots
    "spots.title": {"zh": "优惠景区", "en": "Scenic spots"},
    "spots.hint": {
        "zh": "在各景区「吴中区工会会员优惠窗口」出示会员证购票",
        "en": "Show your card at the spot's union member window",
    },
    "spots.list": {"zh": "门市价", "en": "List"},
    "spots.member": {"zh": "会员价", "en": "Member"},
    "spots.family": {"zh": "家属价", "en": "Family"},
    "spots.package": {"zh": "联票", "en": "Package"},
    "spots.covers": {"zh": "含：{spots}", "en": "Covers: {spots}"},
    "spots.empty": {"zh": "暂无景区信息", "en": "No scenic spots yet"},
    # Savings
    "savings.title": {"zh": "我的优惠", "en": "My savings"},
    "savings.empty": {"zh": "还没有优惠购票记录", "en": "No discounted tickets yet"},
    "savings.empty_hint": {
        "zh": "在景区优惠窗口购票后，记录会显示在这里",
        "en": "Tickets bought at a union window will show here",
    },
    "savings.total": {"zh": "{year}年已节省", "en": "Saved in {year}"},
    "savings.count": {"zh": "共 {n} 张优惠票", "en": "{n} discounted tickets"},
    "savings.saved": {"zh": "省 ¥{amount}", "en": "saved ¥{amount}"},
    "savings.paid": {"zh": "实付 ¥{amount}", "en": "paid ¥{amount}"},
    # Money and kinds
    "money.yuan": {"zh": "¥{amount}", "en": "¥{amount}"},
    "kind.member": {"zh": "会员", "en": "Member"},
    "kind.family": {"zh": "家属", "en": "Family"},
    # Settings and roles
    "settings.language": {"zh": "语言", "en": "Language"},
    "settings.look": {"zh": "显示", "en": "Display"},
    "settings.elder": {"zh": "长辈模式", "en": "Elder mode"},
    "settings.elder_hint": {
        "zh": "字更大、按钮更大，所有会员页面一起变",
        "en": "Larger text and buttons on every member screen",
    },
    "settings.elder_on": {"zh": "已开启", "en": "On"},
    "settings.elder_off": {"zh": "已关闭", "en": "Off"},
    "settings.role": {"zh": "使用身份", "en": "Use this device as"},
    "settings.card": {"zh": "会员证", "en": "Member card"},
    "settings.activate_hint": {
        "zh": "用激活码激活，或换手机后重新激活（补办）",
        "en": "Activate with a code, or again on a new phone (replacement)",
    },
    # Sync
    "sync.title": {"zh": "同步", "en": "Sync"},
    "sync.now": {"zh": "立即同步", "en": "Sync now"},
    "sync.waiting": {"zh": "{n} 条待发送", "en": "{n} waiting to send"},
    "sync.all_sent": {"zh": "全部已发送", "en": "All sent"},
    "sync.parked": {"zh": "{n} 条需处理", "en": "{n} need attention"},
    "sync.last": {"zh": "上次同步 {time}", "en": "last synced {time}"},
    "sync.never": {"zh": "尚未同步", "en": "not synced yet"},
    "sync.offline": {"zh": "暂时连不上服务器，会自动重试", "en": "Server not reachable; "
                     "retrying by itself"},
    "window.title": {"zh": "景区窗口", "en": "Spot window"},
    "window.enroll_title": {"zh": "登记为景区窗口", "en": "Enroll as a spot window"},
    "window.enroll_hint": {
        "zh": "输入区总工会后台为本景区生成的登记码。登记后本机只为这个景区售优惠票。",
        "en": "Enter the code the district console made for this spot. Once enrolled, this "
        "device sells discounted tickets for that spot only.",
    },
    "window.code": {"zh": "登记码", "en": "Enrollment code"},
    "window.enroll": {"zh": "登记", "en": "Enroll"},
    "window.scan_label": {"zh": "扫码", "en": "Scan"},
    "window.scan_hint": {"zh": "用扫码枪扫会员证，或粘贴二维码内容后按回车",
                         "en": "Scan the card with the scanner, or paste the code and press Enter"},
    "window.confirm": {"zh": "确认收款 ¥{price} · {ticket}",
                       "en": "Confirm ¥{price} paid · {ticket}"},
    "window.shift": {"zh": "本班 {since} 起：扫码 {scans} 次 · 拒绝 {refused} · 售出 {sold} 张",
                     "en": "Since {since}: {scans} scans · {refused} refused · {sold} sold"},
    "window.sold": {"zh": "已售出 {ticket} · 收款 ¥{price}", "en": "Sold {ticket} · ¥{price}"},
    "window.supervisor": {"zh": "主管姓名", "en": "Supervisor"},
    "window.override_reason": {"zh": "授权原因", "en": "Reason"},
    "window.override_hint": {
        "zh": "名单超过7天未更新。主管授权后可售一张，授权会记录在本机。",
        "en": "The lists are over 7 days old. A supervisor may allow one sale; it is logged.",
    },
    "window.override": {"zh": "主管授权", "en": "Supervisor override"},
    "camera.toggle_on": {"zh": "相机扫码", "en": "Scan with camera"},
    "camera.toggle_off": {"zh": "关闭相机", "en": "Close camera"},
    "camera.capture": {"zh": "拍照识别", "en": "Capture and read"},
    "camera.starting": {"zh": "正在打开相机…", "en": "Opening the camera…"},
    "camera.watching": {
        "zh": "请把会员证二维码对准相机",
        "en": "Hold the card's QR code to the camera",
    },
    "camera.nothing": {"zh": "未识别到会员证二维码", "en": "No member card QR code found"},
    "camera.read": {"zh": "已识别", "en": "Read"},
    "camera.no_decoder": {
        "zh": "本机无法识别二维码（缺少解码组件）",
        "en": "This device cannot decode QR codes",
    },
    "camera.no_camera": {"zh": "相机不可用：", "en": "Camera unavailable: "},
    "camera.unsupported": {
        "zh": "本设备不支持相机，请用扫码枪",
        "en": "No camera here: use the scanner",
    },
    "report.open": {"zh": "当日报表", "en": "Day report"},
    "report.title": {"zh": "{date} 当日报表", "en": "Day report {date}"},
    "report.sold": {"zh": "售出张数", "en": "Tickets sold"},
    "report.by_kind": {"zh": "会员 / 家属", "en": "Member / family"},
    "report.counts": {"zh": "{member} / {family}", "en": "{member} / {family}"},
    "report.list_total": {"zh": "原价合计", "en": "List total"},
    "report.charged": {"zh": "实收合计", "en": "Charged"},
    "report.discount": {"zh": "优惠金额", "en": "Discount given"},
    "report.overrides": {"zh": "主管授权", "en": "Overrides"},
    "report.export": {"zh": "导出对账表 (CSV)", "en": "Export for reconciliation (CSV)"},
    "report.downloaded": {"zh": "已下载 {name}", "en": "Downloaded {name}"},
    "report.shared": {"zh": "已分享 {name}", "en": "Shared {name}"},
    "report.saved": {"zh": "已保存 {name}", "en": "Saved {name}"},
    "report.cancelled": {"zh": "未导出：已取消", "en": "Not exported: cancelled"},
    "report.none": {"zh": "今天还没有优惠售票", "en": "No discounted tickets sold today"},
    "report.kind_member": {"zh": "会员 5.1折", "en": "Member · 51%"},
    "report.kind_family": {"zh": "家属 7折", "en": "Family · 70%"},
    "sync.attention": {"zh": "需要处理", "en": "Needs attention"},
    "sync.attention_hint": {
        "zh": "区总工会未能办理以下内容，原因见每一条。看过后可以移除。",
        "en": "The district could not take the items below; each says why. Remove them once read.",
    },
    "sync.dismiss": {"zh": "移除", "en": "Remove"},
    "sync.item_family": {"zh": "家属卡申请：{name}", "en": "Family card request: {name}"},
    "sync.item_other": {"zh": "待同步内容 {entity}", "en": "Change {entity}"},
    "sync.open": {"zh": "同步详情", "en": "Sync details"},
    "sync.signed_out": {"zh": "登录已失效，请重新激活", "en": "Signed out: activate again"},
    "role.member": {"zh": "会员", "en": "Member"},
    "role.window": {"zh": "景区窗口", "en": "Scenic-spot window"},
    "role.cadre": {"zh": "机关干部", "en": "Union cadre"},
    "role.not_enrolled": {"zh": "尚未登记", "en": "Not enrolled yet"},
    "role.window_body": {
        "zh": "窗口设备需凭区总工会发放的登记码登记后，才能验证会员证",
        "en": "A window device verifies cards after it is enrolled with a code "
        "from the district union",
    },
    "role.cadre_body": {
        "zh": "机关干部登记后可在此记录「五个一」履职情况",
        "en": "Once enrolled, cadres keep their \u201cfive ones\u201d duty records here",
    },
    **CADRE_MESSAGES,
}


def text(key: str, language: str = DEFAULT_LANGUAGE, **params: object) -> str:
    """The message `key` in `language` (zh when the language is unknown), formatted with params.

    An unknown key raises KeyError: tests check that every key a view uses is here.
    """
    entry = MESSAGES[key]
    message = entry.get(language, entry[DEFAULT_LANGUAGE])
    return message.format(**params) if params else message


def normalize_language(language: str | None) -> str:
    """A supported language code; anything else falls back to zh."""
    return language if language in LANGUAGES else DEFAULT_LANGUAGE
