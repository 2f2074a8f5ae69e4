"""The windows' sales, kept as redemptions of a card at a spot."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, String, false
from sqlalchemy.orm import Mapped, mapped_column

from district.tables import Base


class Redemption(Base):
    """A discounted purchase with a member's (or family member's) card at a spot's window.

    A window's sale also keeps the window (`device_id`), its sale id, the China business day,
    the card kind it charged for, its supervisor override, the presentation it took, its hash
    chain as sent, and `flag` when something about it needs a look ("two_windows",
    "over_limit", "unknown_card"). A sale whose serial is unknown has no member.
    """

    __tablename__ = "redemptions"
    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)
    family_id: Mapped[int | None] = mapped_column(ForeignKey("family_members.id"))
    card_serial: Mapped[int] = mapped_column(BigInteger)
    spot_id: Mapped[str] = mapped_column(String(32))
    ticket_id: Mapped[str] = mapped_column(String(32))
    list_fen: Mapped[int]
    paid_fen: Mapped[int]
    at: Mapped[int] = mapped_column(BigInteger)
    source: Mapped[str] = mapped_column(String(64))
    sale_id: Mapped[str | None] = mapped_column(String(32), unique=True)
    device_id: Mapped[str | None] = mapped_column(ForeignKey("devices.id"))
    day: Mapped[int | None]
    kind: Mapped[str | None] = mapped_column(String(8))
    override: Mapped[bool] = mapped_column(Boolean, server_default=false(), default=False)
    presentation_id: Mapped[str | None] = mapped_column(String(64))
    sale_hash: Mapped[str | None] = mapped_column(String(128))
    prev_hash: Mapped[str | None] = mapped_column(String(128))
    flag: Mapped[str | None] = mapped_column(String(16))
    received_at: Mapped[int | None] = mapped_column(BigInteger)


Index("ix_redemptions_card_day", Redemption.card_serial, Redemption.day)
Index("ix_redemptions_day_spot", Redemption.day, Redemption.spot_id)
