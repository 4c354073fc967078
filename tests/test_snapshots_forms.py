"""SVG snapshots of every action form (and the token dialog and output view).

Each form is shown alone on a blank screen of a host app (no dashboard behind
it), over the demo world on a ManualClock: nothing time-dependent is in the
picture, and dashboard changes do not move these snapshots."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from forms_support import QUIET

from arker_tui.api import models as m
from arker_tui.backend import open_demo
from arker_tui.emulator import ManualClock, build_demo_world
from arker_tui.repository import Query
from arker_tui.settings import Settings
from arker_tui.ui import app as app_module
from arker_tui.ui import format as fmt
from arker_tui.ui.app import ArkerApp
from arker_tui.ui.forms.filesystems import MountForm, NewFilesystemForm
from arker_tui.ui.forms.fork import ForkForm
from arker_tui.ui.forms.output_view import file_view
from arker_tui.ui.forms.read_file import ReadFileForm
from arker_tui.ui.forms.release import ReleaseForm
from arker_tui.ui.forms.resize import ResizeForm
from arker_tui.ui.forms.run_command import RunCommandForm
from arker_tui.ui.forms.sessions import NewSessionForm, SignalForm
from arker_tui.ui.forms.tunnels import NewTunnelForm, OneTimeToken, TokenDialog
from arker_tui.ui.forms.write_file import WriteFileForm
from arker_tui.ui.targets import item_target
from arker_tui.ui.widgets.status_bar import StatusBar
from tests.dashboard_support import picture_settled


@pytest.fixture(autouse=True)
def fixed_data_age(monkeypatch):
    # The screen behind a form says how old its data is; waiting for that data
    # must not change the picture.
    monkeypatch.setattr(StatusBar, "age_text", lambda self: "0 s ago")


class FormHost(ArkerApp):
    """An ArkerApp with one form pushed on its main screen."""

    CSS_PATH = Path(app_module.__file__).parent / ArkerApp.CSS_PATH

    def __init__(self, make_screen) -> None:
        self.world = build_demo_world(ManualClock())
        # Ages on screen ("3d") are counted from the world's still clock, not today.
        fmt.clock = lambda: datetime.fromtimestamp(self.world.clock.now(), timezone.utc)
        backend = open_demo(Settings(), intervals=QUIET, world=self.world)
        super().__init__(backend.repository, settings=backend.settings, demo=False)
        self.make_screen = make_screen

    async def on_mount(self) -> None:
        await super().on_mount()
        await self.push_screen(self.make_screen(self))

    def vm(self, name: str) -> m.Vm:
        rec = self.world.find_vm_by_name(name)
        return m.Vm.model_validate(rec.render(self.world.now()))

    def filesystem(self) -> m.Filesystem:
        fs = min(self.world.filesystems.values(), key=lambda f: f.name)
        return m.Filesystem.model_validate(fs.render())


def session_of(app: FormHost, name: str) -> m.Session:
    return app.vm(name).sessions[0]


SCREENS = {
    "fork": lambda app: ForkForm(app.vm("api-dev")),
    "run_command": lambda app: RunCommandForm(app.vm("ml-train")),
    "new_session": lambda app: NewSessionForm(app.vm("api-dev")),
    "signal": lambda app: SignalForm(item_target("session", Query.sessions(app.vm("api-dev").vm_id),
                                                 session_of(app, "api-dev"), app.vm("api-dev"))),
    "new_tunnel": lambda app: NewTunnelForm(app.vm("api-dev")),
    "token": lambda app: TokenDialog([OneTimeToken("port 8080 · https://example.invalid",
                                                   "tok_example_not_a_real_secret_0000")]),
    "new_filesystem": lambda app: NewFilesystemForm(),
    "mount": lambda app: MountForm(app.vm("api-dev"), app.filesystem()),
    "resize": lambda app: ResizeForm(app.vm("worker-1")),
    "read_file": lambda app: ReadFileForm(app.vm("api-dev")),
    "release": lambda app: ReleaseForm(app.vm("worker-1")),
    "write_file": lambda app: WriteFileForm(app.vm("api-dev")),
    "file_view": lambda app: file_view("api-dev", "/home/user/README.md",
                                       app.world.find_vm_by_name("api-dev").files["/home/user/README.md"]),
}

# Typing that shows a form's validation on screen.
TYPED = {
    "fork": ["tab", *"x y"],  # past the name, into vCPU: not a whole number
    "resize": [*"9"],  # the vCPU field: 49 > max_vcpus 8
    "new_session": ["tab", *"BAD", "enter", *"A=1"],
    "new_tunnel": [*"80,80"],
}


async def settled(pilot) -> None:
    """The form has mounted, validated and focused its first field, and the
    screen behind it has its data (the VM tree nests forks once their rows came)."""
    await pilot.pause()
    for _ in range(250):
        if pilot.app.repository.stats.in_flight == 0:
            break
        await pilot.pause(0.02)
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await picture_settled(pilot, pilot.app)


def typed_then_settled(keys: list[str]):
    """``settled``, then the typing, then every repaint it causes."""
    async def run_before(pilot) -> None:
        await settled(pilot)
        if keys:
            await pilot.press(*keys)
            await picture_settled(pilot, pilot.app)
    return run_before


@pytest.mark.parametrize("name", sorted(SCREENS))
def test_form_snapshot(name, snap_compare):
    size = (120, 40) if name in ("fork", "run_command", "file_view") else (80, 24)
    assert snap_compare(FormHost(SCREENS[name]), terminal_size=size, run_before=typed_then_settled(TYPED.get(name, [])))


def test_fork_snapshot_small_terminal(snap_compare):
    assert snap_compare(FormHost(SCREENS["fork"]), terminal_size=(80, 24), run_before=settled)
