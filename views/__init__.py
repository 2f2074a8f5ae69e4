"""The Flet UI. Views receive app services and a navigate callable; they never touch storage."""

from views.services import MemberServices
from views.session import mount

__all__ = ["MemberServices", "mount"]
