"""Paged lists decode only pages whose bytes changed (repository/pages.py)."""

import json

import pytest

from arker_tui.api.client import ArkerClient
from arker_tui.api.errors import ArkerError
from arker_tui.emulator import BASE_URL, Emulator, ManualClock
from arker_tui.emulator.scale import build_scale_world
from arker_tui.repository import FakeClock, Query, Repository, pages
from arker_tui.settings import Settings


def _three_pages() -> tuple[Emulator, ArkerClient, Repository]:
    """120 VMs served in pages of 50: three pages."""
    emulator = Emulator(build_scale_world(ManualClock(), vms=120, runs_per_vm=1, output_lines=3))
    client = ArkerClient(Settings(control_url=BASE_URL), transport=emulator.transport())
    return emulator, client, Repository(client, clock=FakeClock(), page_size=50)


async def test_unchanged_pages_are_not_decoded_and_a_changed_one_is(monkeypatch):
    real_walk = pages._walk
    emulator, client, repo = _three_pages()
    seen = []
    sub = repo.subscribe(Query.vms(), seen.append)
    first = await repo.refresh(Query.vms())
    assert len(first) == 120
    seen.clear()
    walked = []
    monkeypatch.setattr(pages, "_walk", lambda *a, **k: walked.append(1) or real_walk(*a, **k))
    again = await repo.refresh(Query.vms())
    assert again is first and seen == []  # the same list object, no event
    assert walked == []  # the same bytes: taken as they were, not walked

    vm_id = first[70].vm_id  # on the second page
    emulator.world.vms[vm_id].vcpu_count = 16
    changed = await repo.refresh(Query.vms())
    assert len(walked) == 1  # only the changed page
    assert [set(e.changed) for e in seen] == [{vm_id}]
    assert changed[70].vcpu_count == 16
    assert changed[0] is first[0] and changed[110] is first[110]  # untouched pages keep their models
    walked.clear()
    await repo.refresh(Query.vms())
    await repo.refresh(Query.vms())
    assert len(walked) == 1  # the page that had just changed is walked once more, then compared whole
    sub.close()
    await repo.aclose()
    await client.aclose()


async def test_first_load_emits_the_first_page_before_the_rest():
    emulator, client, repo = _three_pages()
    seen = []  # (requests sent so far, event)
    sub = repo.subscribe(Query.vms(), lambda e: seen.append((client.stats.requests, e)))
    everything = await repo.refresh(Query.vms())
    assert len(everything) == 120
    (first_at, first), (rest_at, rest) = seen
    assert first_at == 1 and rest_at == 3  # the first page is out after one request, the rest after three
    assert list(first.added) == [vm.vm_id for vm in everything[:50]]
    assert list(rest.added) == [vm.vm_id for vm in everything[50:]] and not rest.changed and not rest.removed
    assert repo.peek(Query.vms()).value is everything

    seen.clear()  # later refreshes are whole: one event at the end, and none when nothing changed
    emulator.world.vms[everything[3].vm_id].vcpu_count = 16
    await repo.refresh(Query.vms())
    assert [(n, set(e.changed)) for n, e in seen] == [(6, {everything[3].vm_id})]
    sub.close()
    await repo.aclose()
    await client.aclose()


async def test_a_single_page_list_emits_once():
    emulator = Emulator(build_scale_world(ManualClock(), vms=10, runs_per_vm=1, output_lines=3))
    client = ArkerClient(Settings(control_url=BASE_URL), transport=emulator.transport())
    repo = Repository(client, clock=FakeClock(), page_size=50)
    seen = []
    sub = repo.subscribe(Query.vms(), seen.append)
    vms = await repo.refresh(Query.vms())
    assert len(seen) == 1 and len(seen[0].added) == len(vms) == 10
    sub.close()
    await repo.aclose()
    await client.aclose()


async def test_only_changed_items_are_decoded_and_insertions_and_removals_stay_exact():
    emulator, client, repo = _three_pages()
    query = Query.vms()
    first = await repo.refresh(query)
    cache = repo.peek(query)._pages
    assert cache.decoded == 120

    for i in (5, 60, 61, 119):  # spread over the three pages
        emulator.world.vms[first[i].vm_id].memory_mib = 123_456  # a longer number: the text shifts
    second = await repo.refresh(query)
    assert cache.decoded == 4
    assert [i for i, (a, b) in enumerate(zip(first, second, strict=True)) if a is not b] == [5, 60, 61, 119]
    assert second[60].memory_mib == 123_456

    # Every item exactly what a plain decode of the same pages gives.
    plain = Repository(client, clock=FakeClock(), page_size=50)
    assert await plain.refresh(query) == second
    await plain.aclose()

    # A hostile name that looks like JSON structure is just a name.
    emulator.world.vms[second[7].vm_id].name = 'x"},{"vm_id":"fake","name":"y'
    third = await repo.refresh(query)
    assert third[7].name == 'x"},{"vm_id":"fake","name":"y' and len(third) == 120
    assert "fake" not in {vm.vm_id for vm in third}

    # A VM deleted from the middle and one added at the end: ids and order as a plain decode says.
    events = []
    sub = repo.subscribe(query, events.append)
    gone = third[30].vm_id
    emulator.world.delete_vm(gone)
    emulator.world.add_vm("newcomer")
    fourth = await repo.refresh(query)
    assert gone not in {vm.vm_id for vm in fourth} and fourth[-1].name == "newcomer"
    plain = Repository(client, clock=FakeClock(), page_size=50)
    assert await plain.refresh(query) == fourth
    assert events[-1].removed == {gone} and [vm.name for vm in events[-1].added.values()] == ["newcomer"]
    sub.close()
    await plain.aclose()
    await repo.aclose()
    await client.aclose()


async def test_the_host_map_learns_only_the_vms_a_refresh_decoded(monkeypatch):
    emulator, client, repo = _three_pages()
    learned = []
    real_learn = client.hosts.learn
    monkeypatch.setattr(client.hosts, "learn", lambda vm: learned.append(vm.vm_id) or real_learn(vm))
    events = []
    sub = repo.subscribe(Query.vms(), events.append)
    first = await repo.refresh(Query.vms())
    assert len(learned) == 120  # the first load teaches every VM
    learned.clear()
    events.clear()
    await repo.refresh(Query.vms())
    assert learned == [] and events == []  # nothing changed: no event, the host map untouched

    renamed = first[70].vm_id
    emulator.world.vms[renamed].name = "renamed-etl"
    await repo.refresh(Query.vms())
    assert learned == [renamed]  # only the VM that changed
    assert client.hosts.for_fork(None, "renamed-etl", first[70].owner_org_id).placement \
        == client.hosts.for_vm_id(renamed).placement  # its new name is known
    sub.close()
    await repo.aclose()
    await client.aclose()


async def test_a_walk_decodes_long_and_non_ascii_changes_as_a_plain_decode_does():
    emulator, client, repo = _three_pages()
    query = Query.vms()
    first = await repo.refresh(query)
    cache = repo.peek(query)._pages
    long_name = "n" * 20_000  # longer than any window a changed item is first decoded from
    emulator.world.vms[first[10].vm_id].name = long_name
    second = await repo.refresh(query)
    assert cache.decoded == 1 and second[10].name == long_name

    emulator.world.vms[first[60].vm_id].name = "café-ü"  # the ASCII page is not ASCII any more
    third = await repo.refresh(query)
    assert third[60].name == "café-ü" and third[10].name == long_name
    emulator.world.vms[first[61].vm_id].name = "naïve"  # and is walked as text from then on
    fourth = await repo.refresh(query)
    assert cache.decoded == 1 and fourth[61].name == "naïve"
    plain = Repository(client, clock=FakeClock(), page_size=50)
    assert await plain.refresh(query) == fourth
    await plain.aclose()
    await repo.aclose()
    await client.aclose()


async def test_a_page_decoded_item_by_item_gives_the_plain_parse_and_words_a_bad_item_the_same(monkeypatch):
    """A first-load page is validated one VM at a time (its thread hands the
    GIL to the UI between VMs): the models equal the whole page's parse, and
    a VM that does not validate fails the page with the plain parse's words."""
    emulator, client, repo = _three_pages()
    body = await client.request("list_vms", query={"limit": 50}, raw=True)
    _, field, page_model, item_model = pages.PAGED["vms"]
    calls = []
    real = item_model.model_validate
    monkeypatch.setattr(item_model, "model_validate", lambda data: calls.append(1) or real(data))
    items, next_cursor, layout, decoded, _, _ = pages._decode_page(body, page_model, item_model, field, None,
                                                                   lambda vm: vm.vm_id)
    plain = ArkerClient._parse(page_model, json.loads(body))
    assert items == plain.vms and decoded == items and len(items) == 50
    assert next_cursor == plain.next_cursor and layout is not None
    assert len(calls) == 50  # one validation per VM, none over the whole page

    broken = json.loads(body)
    broken["vms"][7]["vcpu_count"] = "many"
    bad = json.dumps(broken).encode()
    with pytest.raises(ArkerError) as raised:
        pages._decode_page(bad, page_model, item_model, field, None, lambda vm: vm.vm_id)
    with pytest.raises(ArkerError) as plain_raised:
        ArkerClient._parse(page_model, broken)
    assert str(raised.value) == str(plain_raised.value) and "vms.7.vcpu_count" in str(raised.value)
    await repo.aclose()
    await client.aclose()
