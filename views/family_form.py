"""The 申请家属卡 form: name (with a counter), relation, the ID's last 4 and 提交申请.

Its controls are built once and stay where they are; a message changes their properties only.
(Flet 1.0 stops delivering what is typed to a text field that a redraw moved into a newly built
parent: the form then sent its old, empty values and showed the same error until a reload.)
After a request is saved the page puts up a new form, under a new key: Flet does not send a
value set back to its default, so a cleared field would still show what was typed.
Each message stands under its own field, in the line the field keeps for it, so showing one
never pushes 提交申请 down; what the member types clears that field's message.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

import flet as ft

from app.family import RELATIONS, InvalidFamilyRequest, form_problems, name_problem
from app.text_rules import NAME_MAX
from views import theme
from views.services import Translator
from views.widgets import error_style, field, heading, hint, panel

RELATION_KEYS = dict(zip(RELATIONS, ("relation.spouse", "relation.child", "relation.father",
                                     "relation.mother", "relation.other"), strict=True))
ID_LENGTH = 4
Send = Callable[[], Coroutine[Any, Any, None]]


class FamilyForm:
    def __init__(self, tr: Translator, send: Send, generation: int = 0) -> None:
        self._tr, look = tr, tr.look
        self.name = field(tr("family.name"), "family-name", look=look)
        self.name.on_change = self._name_changed
        self.relation = ft.Dropdown(
            key="family-relation", label=tr("family.relation"), text_size=look.body,
            label_style=theme.text_style(look.body) if look.elder else None,
            helper_text=tr("family.relation_hint"), error_style=error_style(look),
            helper_style=theme.text_style(look.small) if look.elder else None,
            expand=True, on_select=self._relation_chosen,
            options=[ft.DropdownOption(key=r, text=tr(RELATION_KEYS[r])) for r in RELATIONS])
        self.id_last4 = field(tr("family.id_tail"), "family-id-last4", look=look,
                              capitalization=ft.TextCapitalization.CHARACTERS)
        self.id_last4.max_length = ID_LENGTH  # Flutter's own counter, and no fifth character
        self.id_last4.on_change = self._id_changed
        self.send = ft.FilledButton(tr("family.send"), key="family-send", icon=ft.Icons.SEND,
                                    height=look.touch, on_click=send)
        self.note = ft.Text("", key="family-form-note", visible=False, size=look.body)
        self._count()
        self._relation_named = ft.Semantics(
            key="family-relation-label", label=tr("family.relation"), container=True,
            content=ft.Row([self.relation]))
        fields = ft.Column(spacing=14, horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
                           controls=[self.name, self._relation_named, self.id_last4,
                                     self.send, self.note])
        self.view = ft.Column(key=f"family-form-{generation}", spacing=8, controls=[
            heading(tr("family.request_title"), look=look),
            hint(tr("family.request_hint"), look=look), panel(fields)])

    def values(self) -> tuple[str, str, str]:
        """Name, relation and ID digits as the member left them."""
        return self.name.value or "", self.relation.value or "", self.id_last4.value or ""

    # What the member sees -------------------------------------------------------------------

    def refuse(self, problem: InvalidFamilyRequest) -> None:
        """Show what is wrong under each field at fault: every field's problem, not only the
        first one the request met."""
        self._clear_errors()
        for each in form_problems(*self.values()) or [problem]:
            message = each.message(self._tr.language)
            if each.field == "name":
                self.name.error = message
            elif each.field == "relation":
                self._relation_error(message)
            elif each.field == "id_last4":
                self.id_last4.error = message
            else:
                self.say(message, error=True)

    def say(self, message: str, *, error: bool = False) -> None:
        """A line under the button: the request was saved, or why it was not."""
        self.note.value, self.note.visible = message, True
        self.note.color = ft.Colors.RED_900 if error else theme.INK
        self.note.weight = ft.FontWeight.BOLD if error else ft.FontWeight.NORMAL

    def _clear_errors(self) -> None:
        self.name.error = self.id_last4.error = None
        self._relation_error(None)
        self.note.visible = False

    def _relation_error(self, message: str | None) -> None:
        """Under the dropdown, and in its name: Flutter reads the dropdown as a button named by
        this label alone (without it, an unnamed button), its message left out."""
        self.relation.error_text = message
        label = self._tr("family.relation")
        self._relation_named.label = f"{label}：{message}" if message else label

    # As the member types --------------------------------------------------------------------

    def _count(self) -> None:
        self.name.counter = f"{len((self.name.value or '').strip())}/{NAME_MAX}"

    def _name_changed(self) -> None:
        """Count as the member types; say at once when the name is too long or holds an emoji
        (an empty field is only mentioned on 提交申请)."""
        self._count()
        typed = (self.name.value or "").strip()
        problem = name_problem(typed) if typed else None
        self.name.error = problem.message(self._tr.language) if problem else None
        self.note.visible = False

    def _relation_chosen(self) -> None:
        self._relation_error(None)
        self.note.visible = False

    def _id_changed(self) -> None:
        self.id_last4.error = None
        self.note.visible = False
