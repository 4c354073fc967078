"""The big world's VM list served from pages built once: the same bytes as
the plain route, and every change (a call, a world method, time) seen."""

from __future__ import annotations

from arker_tui.emulator import Emulator, ManualClock, build_scale_world


async def _sweep(http, **params):
    bodies, cursor = [], None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        response = await http.get("/v1/vms", params=query)
        assert response.status_code == 200
        bodies.append(response.content)
        cursor = response.json()["next_cursor"]
        if not cursor:
            return bodies


async def test_pages_built_once_match_the_plain_route_byte_for_byte():
    plain = Emulator(build_scale_world(ManualClock(), vms=450, runs_per_vm=1, output_lines=3))
    cached = Emulator(build_scale_world(ManualClock(), vms=450, runs_per_vm=1, output_lines=3, pages_once=True))
    async with plain.client() as a, cached.client() as b:
        for params in ({"limit": 100}, {"limit": 7, "state": "running"}, {"region": "eu-central-1"}):
            assert await _sweep(a, **params) == await _sweep(b, **params)
        pages = cached.world.vm_pages
        builds = pages.builds
        await _sweep(b, limit=100)
        assert pages.builds == builds  # served from what was built


async def test_a_cached_page_follows_changes_of_the_world_and_of_time():
    clock = ManualClock()
    world = build_scale_world(clock, vms=120, runs_per_vm=1, output_lines=3, pages_once=True)
    em = Emulator(world)
    async with em.client() as http:
        first = (await http.get("/v1/vms", params={"limit": 500})).json()["vms"]
        victim = first[3]["vm_id"]
        assert (await http.delete(f"/v1/vms/{victim}")).status_code == 200  # a call
        ids = [v["vm_id"] for v in (await http.get("/v1/vms", params={"limit": 500})).json()["vms"]]
        assert victim not in ids and len(ids) == len(first) - 1
        world.add_vm("made-elsewhere", vm_id="vm_elsewhere")  # a world method
        ids = [v["vm_id"] for v in (await http.get("/v1/vms", params={"limit": 500})).json()["vms"]]
        assert ids[-1] == "vm_elsewhere"
        vm = world.vms[ids[5]]
        run = world.add_run(vm, "sleep 5")  # a world method
        assert world.vms[ids[5]].state(clock.now()) == "running"
        listed = {v["vm_id"]: v for v in (await http.get("/v1/vms", params={"limit": 500})).json()["vms"]}
        assert listed[vm.vm_id]["state"] == "running"
        clock.advance(6)  # time: the run ended by itself
        listed = {v["vm_id"]: v for v in (await http.get("/v1/vms", params={"limit": 500})).json()["vms"]}
        assert listed[vm.vm_id]["state"] == "idle" and run.run_id
