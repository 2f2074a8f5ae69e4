"""The registry's own table: member imports started in the console, from upload to done."""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from district.tables import Base


class MemberImport(Base):
    """One uploaded registry file: read and checked (`reading` → `rejected` or `checked`), then
    written in one transaction (`writing` → `done`, or `failed` with nothing written).

    `staged` holds the checked rows (only the fields a member keeps: never a full ID number)
    until they are written. `writing` is 1 while the import writes and empty otherwise: a
    unique column, so one import writes at a time, on any number of server instances.
    `heartbeat` is when its progress last moved (a run that stopped is told apart by it).
    """

    __tablename__ = "member_imports"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    actor: Mapped[str] = mapped_column(String(64))
    town_id: Mapped[str | None] = mapped_column(String(16))
    file_name: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[int] = mapped_column(BigInteger, index=True)
    state: Mapped[str] = mapped_column(String(16))
    stage: Mapped[str] = mapped_column(String(16), default="")
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    heartbeat: Mapped[int] = mapped_column(BigInteger)
    writing: Mapped[int | None] = mapped_column(Integer, unique=True)
    rows: Mapped[int] = mapped_column(Integer, default=0)
    layout: Mapped[str] = mapped_column(Text, default="")
    preview: Mapped[str] = mapped_column(Text, default="")
    problems: Mapped[str] = mapped_column(Text, default="")
    problem_count: Mapped[int] = mapped_column(Integer, default=0)
    staged: Mapped[bytes | None] = mapped_column(LargeBinary)
    report: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str] = mapped_column(Text, default="")
