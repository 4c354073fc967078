"""Paged lists decode only pages whose bytes changed (repository/pages.py)."""

from arker_tui.api.client import ArkerClient
from arker_tui.emulator import BASE_URL, Emulator, ManualClock
from arker_tui.emulator.scale import build_scale_world
from arker_tui.repository import FakeClock, Query, Repository
from arker_tui.settings import Settings


async def test_unchanged_pages_are_not_decoded_and_a_changed_one_is():
    emulator = Emulator(build_scale_world(ManualClock(), vms=120, runs_per_vm=1, output_lines=3))
    client = ArkerClient(Settings(control_url=BASE_URL), transport=emulator.transport())
    repo = Repository(client, clock=FakeClock(), page_size=50)  # 3 pages
    seen = []
    sub = repo.subscribe(Query.vms(), seen.append)
    first = await repo.refresh(Query.vms())
    assert len(first) == 120
    seen.clear()
    again = await repo.refresh(Query.vms())
    assert again is first and seen == []  # the same list object, no event

    vm_id = first[70].vm_id  # on the second page
    emulator.world.vms[vm_id].vcpu_count = 16
    changed = await repo.refresh(Query.vms())
    assert [set(e.changed) for e in seen] == [{vm_id}]
    assert changed[70].vcpu_count == 16
    assert changed[0] is first[0] and changed[110] is first[110]  # untouched pages keep their models
    sub.close()
    await repo.aclose()
    await client.aclose()
