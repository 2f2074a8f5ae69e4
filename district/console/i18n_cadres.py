"""The console's messages for the cadres, their key enterprises and the needy-worker files
(SPEC §10): Chinese first, English second; merged into `i18n.MESSAGES`."""

from __future__ import annotations

CADRE_MESSAGES: dict[str, tuple[str, str]] = {
    "nav.cadres": ("机关干部", "Cadres"),
    "nav.enterprises": ("重点企业", "Key enterprises"),
    "nav.needy": ("困难职工档案", "Needy workers"),
    "save": ("保存", "Save"),
    "edit": ("修改", "Edit"),
    "choose": ("请选择", "Choose"),
    "cadres.title": ("机关干部", "District cadres"),
    "cadres.add": ("添加干部", "Add a cadre"),
    "cadres.search": ("干部编号或姓名", "Cadre number or name"),
    "cadres.none": ("没有找到干部。干部编号按开头查找，姓名按包含查找。",
                    "No cadres found. Numbers match from the start; names anywhere."),
    "cadre.no": ("干部编号", "Cadre no."),
    "cadre.name": ("姓名", "Name"),
    "cadre.department": ("所在部门", "Department"),
    "cadre.enterprise": ("重点企业", "Key enterprise"),
    "cadre.mentor": ("拜师劳模", "Model-worker mentor"),
    "cadre.needy_count": ("联系困难职工", "Needy workers"),
    "cadre.state": ("状态", "State"),
    "cadre.serving": ("在职", "serving"),
    "cadre.left_on": ("{when} 离开", "left {when}"),
    "cadre.done.added": ("已添加干部。", "Cadre added."),
    "cadre.done.edited": ("已保存，干部的手机同步后即可看到。",
                          "Saved: the cadre's phone shows it after its next sync."),
    "cadre.done.left": ("已登记离开；联系的困难职工已退回待分配，并从其手机上移除。",
                        "Recorded as left: their needy workers are back to be assigned and "
                        "leave their phone."),
    "cadre.code": ("生成手机登记码", "Phone enrollment code"),
    "cadre.edit": ("修改干部信息", "Edit the cadre"),
    "cadre.leave": ("登记离开", "Record leaving"),
    "cadre.has_left": ("该干部已于 {when} 离开，信息只读。",
                       "This cadre left on {when}; read only."),
    "cadre.not_set": ("未设置", "not set"),
    "cadre.outside_registry": ("名册外劳模", "outside the registry"),
    "cadre.workers": ("联系的困难职工（{n} / {limit}）", "Needy workers ({n} / {limit})"),
    "cadre.names_only": ("困难职工档案只有区总工会管理员和审核人员可以查看。",
                         "Only district admins and reviewers see the needy-worker files."),
    "cadre.no_workers": ("还没有分配困难职工。", "No needy workers assigned yet."),
    "cadre.assign": ("新建困难职工档案并分配给该干部", "File a needy worker for this cadre"),
    "cadre.enterprise_hint": ("列表里没有的企业，请先添加：", "Not in the list? Add it first:"),
    "cadre.mentor_no": ("劳模的会员号", "The mentor's member number"),
    "cadre.mentor_name": ("或：名册外劳模的姓名", "Or: the name of a mentor outside the registry"),
    "cadre.mentor_hint": ("会员须有“劳动模范”或“劳模”荣誉称号；填了会员号时不用填姓名。",
                          "The member must hold a 劳动模范 or 劳模 title; with a member number "
                          "the name is not needed."),
    "cadre.leave_warning": ("登记离开后，该干部联系的 {n} 名困难职工退回待分配，从其手机上移除，"
                            "已提交的记录保留；此后不能再修改或分配。",
                            "Once recorded, the cadre's {n} needy worker(s) go back to be "
                            "assigned and leave their phone; their records stay. Nothing can be "
                            "assigned to them after."),
    "cadre.leave_yes": ("确认离开", "Record leaving"),
    "enterprises.title": ("重点企业", "Key enterprises"),
    "enterprises.add": ("添加重点企业", "Add a key enterprise"),
    "enterprises.edit": ("修改重点企业", "Edit the key enterprise"),
    "enterprises.none": ("还没有重点企业。", "No key enterprises yet."),
    "enterprises.done.added": ("已添加重点企业。", "Key enterprise added."),
    "enterprises.done.edited": ("已保存；走访它的干部手机同步后即可看到。",
                                "Saved: the phones of its cadres show it after their next sync."),
    "enterprises.edit_hint": ("修改后，走访这家企业的干部手机同步后即更新。",
                              "The phones of the cadres who visit it are updated at their next "
                              "sync."),
    "enterprise.name": ("企业名称", "Enterprise"),
    "enterprise.town": ("所在镇（街道）", "Town"),
    "enterprise.union": ("企业工会", "Union"),
    "enterprise.cadres": ("走访干部", "Cadres"),
    "needy.title": ("困难职工档案", "Needy-worker files"),
    "needy.add": ("新建档案", "New file"),
    "needy.edit": ("修改档案", "Edit the file"),
    "needy.import": ("导入困难职工档案", "Import needy-worker files"),
    "needy.private": ("困难职工档案只有区总工会管理员和审核人员可以查看，每次查看都记入审计日志。",
                      "Only district admins and reviewers read these files; every read is in "
                      "the audit log."),
    "needy.read_logged": ("本次查看已记入审计日志。", "This read is in the audit log."),
    "needy.done.added": ("已建档。", "File added."),
    "needy.done.edited": ("已保存。", "Saved."),
    "needy.all": ("全部", "All"),
    "needy.unassigned": ("未分配", "unassigned"),
    "needy.name": ("姓名", "Name"),
    "needy.union": ("所在工会", "Union"),
    "needy.town": ("镇（街道）", "Town"),
    "needy.phone": ("电话号码", "Phone"),
    "needy.category": ("困难类别", "Difficulty"),
    "needy.household": ("家庭情况", "Household notes"),
    "needy.status": ("状态", "Status"),
    "needy.cadre": ("联系干部", "Cadre"),
    "needy.count": ("共 {n} 份档案。", "{n} files."),
    "needy.none": ("没有符合条件的档案。", "No files match."),
    "needy.household_hint": ("家庭情况只在管理台查看，不会发到干部手机上。",
                             "Household notes stay in the console: they never go to a phone."),
    "needy.cadre_hint": ("每位干部最多联系 {limit} 名在档困难职工；标为“脱困”的不计入，"
                         "也不再显示在干部手机上。",
                         "A cadre visits at most {limit} needy workers in file (在档); one "
                         "marked 脱困 does not count and leaves the cadre's phone."),
    "needy.imported": ("「{file}」已导入：共 {rows} 行，新建 {created} 份，更新 {updated} 份，"
                       "未变 {unchanged} 份。",
                       "“{file}” imported: {rows} rows, {created} new, {updated} updated, "
                       "{unchanged} unchanged."),
    "needy.import_rejected": ("「{file}」有 {n} 处问题，没有写入任何数据。"
                              "请在原文件里改正下列各处后重新上传。",
                              "“{file}” has {n} problems; nothing was written. Correct them in "
                              "your file and upload it again."),
    "needy.import_upload": ("上传并导入", "Upload and import"),
    "needy.import_hint": ("第一行是列名：姓名、所在工会、镇/街道、手机号码（11 位手机号或带区号的"
                          "座机号）、困难类别（因病、因残、子女就学、失业、其他）、家庭情况、"
                          "状态（在档或脱困，空为在档）、联系干部(干部编号)（空为暂不分配）。"
                          "CSV（UTF-8 或 Excel 另存的 GB18030）或 .xlsx 均可。",
                          "The first row names the columns: name, union, town, phone (an 11-digit "
                          "mobile or a landline with its area code), difficulty (因病, 因残, "
                          "子女就学, 失业, 其他), household notes, status (在档 or 脱困; empty "
                          "is 在档) and the cadre's number (empty: not yet assigned). CSV "
                          "(UTF-8, or GB18030 as Excel saves it) or .xlsx."),
    "needy.import_template": ("下载表头模板", "Download the header template"),
    "needy.import_safe": ("只要有一处错误，就一条也不写入。"
                          "姓名和电话都相同的，更新原档案，不会重复。",
                          "Nothing at all is written while there is a problem. A row with the "
                          "name and phone of a kept file updates it, never duplicates it."),
}
