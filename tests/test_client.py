"""The typed client against the emulator: every operation, errors, paging,
retries under injected faults, and the API key kept out of every message."""

from __future__ import annotations

import base64

import httpx
import pytest

from arker_tui.api import models as m
from arker_tui.api.client import ArkerClient, collect_all, iterate_org_runs, iterate_pages
from arker_tui.api.errors import ArkerError
from arker_tui.api.retry import RetryPolicy, parse_retry_after
from arker_tui.emulator import BASE_URL, Emulator, ManualClock, World
from arker_tui.settings import Settings, settings_from_env, split_region

SECRET = "ak_live_SECRET_never_show_1234"


class Sleeps:
    """Records the backoff delays instead of sleeping."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@pytest.fixture
def world() -> World:
    w = World(ManualClock(), org_id="org_test")
    vm = w.add_vm("base", vcpu_count=2, memory_mib=4096, disk_mib=10240, max_vcpus=4,
                  max_memory_mib=8192, min_memory_mib=512, region="us-west-2", provider="aws",
                  files={"/etc/hostname": b"base\n", "/bin/blob": bytes(range(256)),
                         "/var/big.log": b"x" * (600 * 1024)})
    w.add_session(vm)
    return w


@pytest.fixture
def emulator(world: World) -> Emulator:
    return Emulator(world, api_key=SECRET)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
async def client(emulator: Emulator, sleeps: Sleeps):
    settings = Settings(api_key=SECRET, control_url=BASE_URL)
    c = ArkerClient(settings, transport=emulator.transport(), sleep=sleeps, retry=RetryPolicy(max_retries=3))
    yield c
    await c.aclose()


def vm_id(world: World, name: str = "base") -> str:
    return world.find_vm_by_name(name).vm_id


# --- every operation ---------------------------------------------------------------


async def test_vm_operations(client: ArkerClient, world: World, emulator: Emulator):
    page = await client.list_vms()
    assert [v.name for v in page.vms] == ["base"]
    vm = await client.get_vm(vm_id(world))
    assert vm.vcpu_count == 2 and vm.max_vcpus == 4 and len(vm.sessions) == 1

    fork = await client.fork(m.ForkRequest(source_vm_name="base", name="child", vcpu_count=1))
    assert fork.name == "child" and fork.root_source_vm_name == "base"
    assert (await client.resize(fork.vm_id, m.ResizeRequest(vcpu_count=2))).resized
    assert (await client.get_vm(fork.vm_id)).vcpu_count == 2

    with pytest.raises(ArkerError) as too_big:
        await client.resize(fork.vm_id, m.ResizeRequest(vcpu_count=64))
    assert too_big.value.code == "bad_request" and too_big.value.status == 400

    assert (await client.delete_vm(fork.vm_id)).deleted
    with pytest.raises(ArkerError) as gone:
        await client.get_vm(fork.vm_id)
    assert (gone.value.code, gone.value.status) == ("not_found", 404)


async def test_fork_of_a_golden_fills_in_the_arker_org(client: ArkerClient, world: World):
    world.add_vm("ubuntu", owner_org_id=m.ARKER_ORG_ID, public=True)
    vm = await client.fork(m.ForkRequest(source_vm_name="ubuntu", name="mine"))
    assert vm.owner_org_id == "org_test" and vm.root_source_vm_name == "ubuntu"


async def test_runs_sessions_and_cancel(client: ArkerClient, world: World, emulator: Emulator):
    vid = vm_id(world)
    done = await client.run(vid, m.RunRequest(command="echo hello"))
    assert isinstance(done, m.CompletedRunResponse)
    assert done.stdout == "hello\n" and done.exit_code == 0

    bg = await client.run(vid, m.RunRequest(command="sleep 60", background=True))
    assert isinstance(bg, m.BackgroundRunResponse) and bg.state == "running"
    run = await client.get_run(vid, bg.run_id)
    assert run.state == "running" and run.command == "sleep 60"
    listed = await client.list_runs(vid, state="running")
    assert [r.run_id for r in listed.runs] == [bg.run_id]
    assert (await client.cancel_run(vid, bg.run_id)).cancelled
    assert (await client.get_run(vid, bg.run_id)).state == "cancelled"

    session = await client.create_session(vid, m.CreateSessionRequest(cwd="/tmp", env={"A": "1"}))
    assert session.cwd == "/tmp" and session.env == {"A": "1"}
    assert (await client.get_session(vid, session.session_id)).session_id == session.session_id
    assert session.session_id in [s.session_id for s in (await client.list_sessions(vid)).sessions]
    assert (await client.delete_session(vid, session.session_id)).deleted


async def test_tunnels_syncs_filesystems(client: ArkerClient, world: World):
    vid = vm_id(world)
    tunnel = await client.create_tunnel(vid, m.TunnelRequest(ports=[8080], auth_mode="authenticated"))
    assert tunnel.auth_token  # one-time secret, only here
    assert "auth_token" not in repr(tunnel) or tunnel.auth_token not in repr(tunnel)
    again = await client.get_tunnel(vid, tunnel.key)
    assert again.auth_token is None
    assert [t.port for t in (await client.list_tunnels(vid)).tunnels] == [tunnel.port]
    assert (await client.delete_tunnel(vid, tunnel.key)).deleted

    fs = await client.create_filesystem("datasets")
    assert (await client.get_filesystem(fs.filesystem_id)).name == "datasets"
    assert [f.name for f in (await client.list_filesystems(name_prefix="data")).filesystems] == ["datasets"]
    sync = await client.create_sync(vid, m.SyncCreateRequest(filesystem_id=fs.filesystem_id, path="/mnt/data"))
    assert [s.sync_id for s in (await client.list_syncs(vid)).syncs] == [sync.sync_id]
    assert (await client.delete_sync(vid, sync.sync_id)).deleted
    assert (await client.delete_filesystem(fs.filesystem_id)).deleted


async def test_file_read_write_inline_binary_and_presigned(client: ArkerClient, world: World, emulator: Emulator):
    vid = vm_id(world)
    assert await client.read_file(vid, "/etc/hostname") == b"base\n"
    assert await client.read_file(vid, "/bin/blob") == bytes(range(256))
    info = await client.read_file_info(vid, "/var/big.log")
    assert isinstance(info, m.SyncReadPresignedResponse)
    assert await client.read_file(vid, "/var/big.log") == b"x" * (600 * 1024)
    await client.write_file(vid, "/tmp/new.txt", "written\n")
    assert await client.read_file(vid, "/tmp/new.txt") == b"written\n"
    with pytest.raises(ArkerError) as missing:
        await client.read_file(vid, "/nope")
    assert missing.value.code == "not_found"


async def test_org_activity_offset_paging(client: ArkerClient, world: World):
    vid = vm_id(world)
    for i in range(7):
        await client.run(vid, m.RunRequest(command=f"echo {i}"))
    first = await client.list_org_runs(limit=3, endpoint="run")
    assert len(first.rows) == 3 and first.limit == 3
    pages = [p async for p in iterate_org_runs(client, page_size=3, endpoint="run")]
    rows = [r for p in pages for r in p.rows]
    assert len(rows) == 7 and len({r.request_id for r in rows}) == 7
    assert all(r.endpoint == "run" for r in rows)


async def test_cursor_pagination_over_several_pages(client: ArkerClient, world: World):
    for i in range(11):
        world.add_vm(f"vm-{i:02}")
    pages = [p async for p in iterate_pages(client.list_vms, limit=4)]
    assert len(pages) == 3 and pages[-1].next_cursor is None
    names = await collect_all(client.list_vms, "vms", limit=4)
    assert len(names) == 12 and len({v.vm_id for v in names}) == 12


async def test_base64_output_and_unknown_fields_and_enum_values():
    run = m.Run.model_validate({
        "run_id": "r1", "state": "paused-by-ops", "started_at": "2026-01-01T00:00:00Z", "exit_code": None,
        "stdout": base64.b64encode("héllo\n".encode()).decode(), "stdout_encoding": "base64",
        "stderr": "", "stderr_encoding": "utf-8", "brand_new_field": {"x": 1},
    })
    from arker_tui.api.output import decode_output

    assert run.state == "paused-by-ops"
    assert run.extra_fields == {"brand_new_field": {"x": 1}}
    assert decode_output(run.stdout, run.stdout_encoding) == "héllo\n"
    assert "could not be decoded" in decode_output("***not base64***", "base64")
    vm = m.Vm.model_validate({"vm_id": "v", "owner_org_id": "o", "created_at": "", "public": False,
                              "state": "hibernating", "sessions": [], "network": {"type": "allow", "hosts": ["a"]}})
    assert vm.state == "hibernating" and m.describe_network(vm.network) == "allow: a"


# --- errors -------------------------------------------------------------------------


@pytest.mark.parametrize("status, code", [
    (400, "bad_request"), (403, "forbidden"), (404, "not_found"), (409, "conflict"),
    (413, "payload_too_large"), (500, "internal"), (501, "unsupported_operation"),
])
async def test_each_error_code(client: ArkerClient, emulator: Emulator, status: int, code: str):
    emulator.faults.update({"error_rate": 1.0, "error_status": status, "error_code": code})
    with pytest.raises(ArkerError) as err:
        await client.list_filesystems()
    assert (err.value.code, err.value.status) == (code, status)
    assert emulator.count("list_filesystems") == 1  # none of these is retried


async def test_unauthorized_and_the_key_never_leaks(emulator: Emulator, sleeps: Sleeps):
    bad = ArkerClient(Settings(api_key="wrong-" + SECRET, control_url=BASE_URL),
                      transport=emulator.transport(), sleep=sleeps)
    with pytest.raises(ArkerError) as err:
        await bad.list_vms()
    assert (err.value.code, err.value.status) == ("unauthorized", 401)
    for text in (str(err.value), repr(err.value), repr(bad), repr(bad.settings)):
        assert SECRET not in text
    await bad.aclose()


async def test_no_server_is_network_error():
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    sleeps = Sleeps()
    c = ArkerClient(Settings(api_key=SECRET, control_url="http://127.0.0.1:9"),
                    transport=httpx.MockTransport(refuse), sleep=sleeps)
    with pytest.raises(ArkerError) as err:
        await c.list_vms()
    assert err.value.code == "network_error" and err.value.status == 0
    assert len(sleeps.delays) == 3 and c.stats.requests == 4  # a GET is retried
    await c.aclose()


async def test_malformed_and_wrong_shape_bodies_are_errors(client: ArkerClient, emulator: Emulator):
    emulator.faults.update({"malformed_rate": 1.0})
    with pytest.raises(ArkerError) as err:
        await client.list_vms()
    assert err.value.code == "internal" and "malformed" in err.value.message
    emulator.faults.reset()

    def wrong_shape(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"vms": [{"no_id": True}]})

    c = ArkerClient(Settings(control_url=BASE_URL), transport=httpx.MockTransport(wrong_shape))
    with pytest.raises(ArkerError) as shape:
        await c.list_vms()
    assert shape.value.code == "internal" and "vm_id" in shape.value.message
    await c.aclose()


# --- retries ------------------------------------------------------------------------


async def test_get_is_retried_then_succeeds(client: ArkerClient, emulator: Emulator, sleeps: Sleeps):
    emulator.faults.update({"fail_next": 2, "error_status": 503})
    page = await client.list_vms()
    assert page.vms and emulator.count("list_vms") == 3
    assert len(sleeps.delays) == 2 and sleeps.delays[1] > 0


async def test_unsafe_post_is_not_retried(client: ArkerClient, world: World, emulator: Emulator):
    emulator.faults.update({"fail_next": 1, "error_status": 503})
    with pytest.raises(ArkerError) as err:
        await client.create_filesystem("x")
    assert err.value.status == 503 and emulator.count("create_filesystem") == 1
    emulator.faults.update({"fail_next": 1, "error_status": 502})
    with pytest.raises(ArkerError):
        await client.delete_vm(vm_id(world))
    assert emulator.count("delete_vm") == 1 and world.find_vm_by_name("base") is not None


async def test_run_is_retried_with_its_idempotency_key(client: ArkerClient, world: World, emulator: Emulator):
    before = world.runs_created
    emulator.faults.update({"drop_rate": 1.0})
    with pytest.raises(ArkerError):
        await client.run(vm_id(world), m.RunRequest(command="echo hi"))
    assert emulator.count("run") == 4  # dropped connections, retried: the key makes it safe
    emulator.faults.reset()
    done = await client.run(vm_id(world), m.RunRequest(command="echo once"), idempotency_key="k1")
    again = await client.run(vm_id(world), m.RunRequest(command="echo once"), idempotency_key="k1")
    assert done.run_id == again.run_id and world.runs_created == before + 1
    with pytest.raises(ArkerError) as conflict:
        await client.run(vm_id(world), m.RunRequest(command="echo other"), idempotency_key="k1")
    assert conflict.value.code == "conflict"


async def test_retry_after_is_honoured(client: ArkerClient, emulator: Emulator, sleeps: Sleeps):
    emulator.faults.update({"fail_next": 1, "error_status": 429, "retry_after": 7})
    await client.list_vms()
    assert sleeps.delays == [7.0] and emulator.count("list_vms") == 2


async def test_retry_after_longer_than_the_cap_is_surfaced(client: ArkerClient, emulator: Emulator):
    emulator.faults.update({"fail_next": 1, "error_status": 429, "retry_after": 120})
    with pytest.raises(ArkerError) as err:
        await client.list_vms()
    assert err.value.code == "resource_pressure" and err.value.retry_after == 120
    assert emulator.count("list_vms") == 1


def test_retry_after_parsing_and_backoff_growth():
    assert parse_retry_after("3") == 3.0 and parse_retry_after(None) is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    policy = RetryPolicy(base_delay=1, max_delay=8)
    assert [policy.delay(a, None, rand=lambda: 1.0) for a in range(5)] == [1, 2, 4, 8, 8]


# --- settings -------------------------------------------------------------------------


def test_settings_from_env_and_legacy_region():
    s = settings_from_env({"ARKER_API_KEY": SECRET, "ARKER_REGION": "aws-burst-eu-central-1",
                           "ARKER_CONTROL_URL": "http://c", "ARKER_BASE_URL": "http://b"})
    assert (s.region, s.provider, s.control_url, s.compute_url) == ("eu-central-1", "aws-burst", "http://c", "http://b")
    assert split_region("aws-us-west-2", None) == ("us-west-2", "aws")
    assert split_region("us-west-2", "aws-burst") == ("us-west-2", "aws-burst")
    assert SECRET not in repr(s) and not s.demo
    assert settings_from_env({}).demo and settings_from_env({}).compute_url == settings_from_env({}).control_url


async def test_routes_use_two_hosts(emulator: Emulator):
    seen: list[str] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(f"{request.url.host} {request.url.path}")
        if request.url.path.endswith("/vms"):
            return httpx.Response(200, json={"vms": []})
        return httpx.Response(200, json={"vm_id": "v1", "sessions": []})

    c = ArkerClient(Settings(control_url="http://control", base_url="http://compute"),
                    transport=httpx.MockTransport(record))
    await c.list_vms()
    await c.get_vm("v1")
    assert seen == ["control /v1/vms", "compute /v1/vms/v1"]
    await c.aclose()
