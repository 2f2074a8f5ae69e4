"""What can go wrong talking to the district, each with a message for the member in Chinese and
English: no answer at all, a refusal with its reason, or a phone that is not activated yet."""

from __future__ import annotations


class DistrictError(Exception):
    """Something the member is told in words, in Chinese or English."""

    def __init__(self, message_zh: str, message_en: str) -> None:
        super().__init__(f"{message_zh} / {message_en}")
        self.message_zh, self.message_en = message_zh, message_en

    def message(self, language: str) -> str:
        return self.message_en if language == "en" else self.message_zh


class DistrictUnreachable(DistrictError):
    """No answer from the district server (network down, wrong address, or a fault on its side)."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(
            "无法连接区总工会服务器，请检查网络后重试；卡片和已保存的内容不会丢失",
            "Cannot reach the district server. Check the network and try again; your card "
            "and everything saved stay on this phone.",
        )
        self.detail = detail


class DistrictRefused(DistrictError):
    """The district answered no, with its reason (a used code, too many tries, …)."""

    def __init__(self, message_zh: str, message_en: str, code: str = "refused") -> None:
        super().__init__(message_zh, message_en)
        self.code = code


class ActivationRefused(DistrictRefused):
    """Activation did not happen: the district said no, or what it sent does not check out."""


class NotActivated(DistrictError):
    def __init__(self) -> None:
        super().__init__("本机还没有激活会员证，请先激活", "Activate your card on this phone first")
