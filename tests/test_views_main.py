"""main.py: the command line, the wiring of storage into the views, the saved language."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

import main
import storage
from app.demo import provision_demo
from storage.memory import in_memory_device
from tests.fakes import Clock
from views.shell import Shell


def test_the_command_line_defaults_to_a_local_app() -> None:
    args = main.parse_args([])
    assert (args.web, args.port, args.host, args.data, args.demo) == (
        False, 0, "127.0.0.1", None, False)


def test_the_command_line_reads_web_port_data_and_demo() -> None:
    args = main.parse_args(["--web", "--port", "8550", "--data", "/tmp/x", "--demo"])
    assert (args.web, args.port, args.data, args.demo) == (True, 8550, Path("/tmp/x"), True)


def test_the_language_choice_is_saved_without_touching_other_settings() -> None:
    device = in_memory_device()
    device.settings.save(dataclasses.replace(device.settings.load(), server_url="https://wz"))
    main.language_saver(device.settings)("en")
    saved = device.settings.load()
    assert (saved.language, saved.server_url) == ("en", "https://wz")


def test_the_services_read_the_demo_member_from_the_device() -> None:
    device, clock = in_memory_device(), Clock()
    provision_demo(device.keys, device.cards, device.catalog, device.trust, clock)
    services = main.build_services(device, clock)
    shell = Shell(services, language="zh", save_language=print, navigate=print)
    assert shell.screen("/card").qr is not None
    member = services.wallet.member_card()
    assert member is not None and member.name == "陈建国"
    assert len(services.catalog.price_rows()) == 21


def test_a_locked_data_folder_is_reported_not_raised(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with storage.open_device(tmp_path):
        assert main.main(["--data", str(tmp_path)]) == 2
    assert "cannot open its data" in capsys.readouterr().err
