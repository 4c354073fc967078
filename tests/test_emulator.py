"""The emulator's core behaviour, through HTTP (httpx + ASGITransport) with a ManualClock."""

from __future__ import annotations

import base64

import pytest

from arker_tui.api.models import ARKER_ORG_ID, ListVmsResponse, Run, Vm
from arker_tui.emulator import Emulator, ManualClock, World


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def world(clock: ManualClock) -> World:
    w = World(clock)
    golden = w.add_vm("ubuntu", owner_org_id=ARKER_ORG_ID, public=True, max_vcpus=8,
                      max_memory_mib=16384, min_memory_mib=512,
                      files={"/etc/hostname": b"ubuntu\n"})
    w.add_session(golden)
    return w


@pytest.fixture
def emulator(world: World) -> Emulator:
    return Emulator(world)


@pytest.fixture
async def http(emulator: Emulator):
    async with emulator.client() as client:
        yield client


async def fork(http, name: str, **body) -> dict:
    r = await http.post("/v1/fork", json={"source_vm_name": "ubuntu", "name": name, **body})
    assert r.status_code == 200, r.text
    return r.json()


async def run(http, vm_id: str, command: str, **body) -> dict:
    r = await http.post(f"/v1/vms/{vm_id}/run", json={"command": command, **body})
    assert r.status_code == 200, r.text
    return r.json()


# --- runs -------------------------------------------------------------------------


async def test_background_run_is_running_until_the_clock_passes_its_end(http, clock):
    vm = await fork(http, "box")
    started = await run(http, vm["vm_id"], "progress 4 1", background=True)
    assert started["state"] == "running" and started["run_id"].startswith("run_")
    url = f"/v1/vms/{vm['vm_id']}/runs/{started['run_id']}"

    clock.advance(2.5)
    mid = Run.model_validate((await http.get(url)).json())
    assert mid.state == "running" and mid.completed_at is None and mid.exit_code is None
    assert mid.stdout == "progress 1/4 25%\nprogress 2/4 50%\n"
    assert (await http.get(f"/v1/vms/{vm['vm_id']}")).json()["state"] == "running"

    clock.advance(10)
    done = Run.model_validate((await http.get(url)).json())
    assert done.state == "completed" and done.exit_code == 0
    assert done.stdout.count("\n") == 4 and done.stdout.endswith("progress 4/4 100%\n")
    assert done.completed_at == "2026-01-01T00:00:04.000Z"
    assert (await http.get(f"/v1/vms/{vm['vm_id']}")).json()["state"] == "idle"


@pytest.mark.parametrize(
    ("command", "exit_code", "stdout", "stderr"),
    [
        ("echo hello world", 0, "hello world\n", ""),
        ("exit 3", 3, "", ""),
        ("false", 1, "", ""),
        ("true && echo yes || echo no", 0, "yes\n", ""),
        ("echo a && false && echo b; echo c", 0, "a\nc\n", ""),
        ("exit 4; echo never", 4, "", ""),
        ("frobnicate --now", 127, "", "sh: frobnicate: command not found\n"),
        ("cat /etc/hostname", 0, "box\n", ""),
        ("cat /nope", 1, "", "cat: /nope: No such file or directory\n"),
        ("sleep 30 && echo waited", 0, "waited\n", ""),
    ],
)
async def test_foreground_runs_complete_at_once(http, command, exit_code, stdout, stderr):
    vm = await fork(http, "box")
    res = await run(http, vm["vm_id"], command)
    assert res["state"] == "completed"
    assert (res["exit_code"], res["stdout"], res["stderr"]) == (exit_code, stdout, stderr)
    got = (await http.get(f"/v1/vms/{vm['vm_id']}/runs/{res['run_id']}")).json()
    assert got["state"] == "completed" and got["stdout"] == stdout


async def test_background_exit_code_and_unknown_command(http, clock):
    vm = await fork(http, "box")
    a = await run(http, vm["vm_id"], "sleep 1; exit 3", background=True)
    b = await run(http, vm["vm_id"], "nosuchthing", background=True)
    clock.advance(1)
    ra = (await http.get(f"/v1/vms/{vm['vm_id']}/runs/{a['run_id']}")).json()
    rb = (await http.get(f"/v1/vms/{vm['vm_id']}/runs/{b['run_id']}")).json()
    assert (ra["state"], ra["exit_code"]) == ("completed", 3)
    assert (rb["state"], rb["exit_code"], rb["stderr"]) == ("completed", 127, "sh: nosuchthing: command not found\n")


async def test_timeout_fails_the_run(http, clock):
    vm = await fork(http, "box")
    bg = await run(http, vm["vm_id"], "progress 100 1", background=True, timeout=5)
    clock.advance(4)
    url = f"/v1/vms/{vm['vm_id']}/runs/{bg['run_id']}"
    assert (await http.get(url)).json()["state"] == "running"
    clock.advance(2)
    got = (await http.get(url)).json()
    assert got["state"] == "failed" and got["fail_reason"] == "timeout after 5s"
    assert got["stdout"].count("\n") == 5 and got["exit_code"] is None
    fg = await run(http, vm["vm_id"], "sleep 60", timeout=2.5)
    assert fg["state"] == "failed" and fg["fail_reason"] == "timeout after 2.5s"


async def test_cancel_keeps_output_so_far(http, clock):
    vm = await fork(http, "box")
    bg = await run(http, vm["vm_id"], "train --epochs 100 --interval 1", background=True)
    clock.advance(3)
    base = f"/v1/vms/{vm['vm_id']}/runs/{bg['run_id']}"
    r = await http.post(base + "/cancel")
    assert r.json() == {"cancelled": True}
    clock.advance(60)
    got = (await http.get(base)).json()
    assert got["state"] == "cancelled" and got["completed_at"] == "2026-01-01T00:00:03.000Z"
    assert got["stdout"].count("epoch ") == 3 and "epoch 0003 loss=" in got["stdout"]
    assert (await http.post(base + "/cancel")).json() == {"cancelled": False}
    assert (await http.get(f"/v1/vms/{vm['vm_id']}")).json()["state"] == "idle"
    missing = await http.post(f"/v1/vms/{vm['vm_id']}/runs/run_nope/cancel")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


async def test_idempotency_key(http, world):
    vm = await fork(http, "box")
    url = f"/v1/vms/{vm['vm_id']}/run"
    body = {"command": "sleep 5", "background": True}
    first = await http.post(url, json=body, headers={"Idempotency-Key": "k1"})
    count = world.runs_created
    again = await http.post(url, json=body, headers={"Idempotency-Key": "k1"})
    assert again.status_code == 200 and again.json() == first.json()
    assert world.runs_created == count == 1
    other = await http.post(url, json={"command": "sleep 6", "background": True},
                            headers={"Idempotency-Key": "k1"})
    assert other.status_code == 409 and other.json()["code"] == "conflict"
    fresh = await http.post(url, json=body, headers={"Idempotency-Key": "k2"})
    assert fresh.json()["run_id"] != first.json()["run_id"] and world.runs_created == 2


async def test_release_and_signal_are_acks_and_signal_stops_the_session_run(http, clock):
    vm = await fork(http, "box")
    ack = await run(http, vm["vm_id"], "", release="cpu,memory")
    assert ack["state"] == "completed" and "run_id" not in ack
    bad = await http.post(f"/v1/vms/{vm['vm_id']}/run", json={"release": "gpu"})
    assert bad.status_code == 400 and bad.json()["message"].startswith("release:")
    bg = await run(http, vm["vm_id"], "sleep 100", background=True)
    clock.advance(1)
    sig = await http.post(f"/v1/vms/{vm['vm_id']}/run", json={"signal": "SIGINT"})
    assert sig.status_code == 200 and "run_id" not in sig.json()
    got = (await http.get(f"/v1/vms/{vm['vm_id']}/runs/{bg['run_id']}")).json()
    assert (got["state"], got["exit_code"]) == ("completed", 130)


async def test_sessions_cwd_env_and_state(http, clock):
    vm = await fork(http, "box")
    base = f"/v1/vms/{vm['vm_id']}/sessions"
    s = (await http.post(base, json={"cwd": "/srv/app", "env": {"GREETING": "hi"}})).json()
    assert s["cwd"] == "/srv/app" and s["env"] == {"GREETING": "hi"} and s["session_idx"] == 1
    out = await run(http, vm["vm_id"], "pwd; echo $GREETING", session_id=s["session_id"])
    assert out["stdout"] == "/srv/app\nhi\n"
    await run(http, vm["vm_id"], "sleep 10", session_id=s["session_id"], background=True)
    assert (await http.get(f"{base}/{s['session_id']}")).json()["state"] == "running"
    running = (await http.get(base, params={"state": "running"})).json()["sessions"]
    assert [x["session_id"] for x in running] == [s["session_id"]]
    clock.advance(11)
    assert (await http.get(f"{base}/{s['session_id']}")).json()["state"] == "idle"
    assert (await http.delete(f"{base}/{s['session_id']}")).json() == {"deleted": True}
    assert (await http.get(f"{base}/{s['session_id']}")).status_code == 404
    nope = await http.post(f"/v1/vms/{vm['vm_id']}/run", json={"command": "true", "session_id": "ses_x"})
    assert nope.status_code == 404


async def test_list_runs_filters_and_newest_first(http, clock):
    vm = await fork(http, "box")
    ids = []
    for i in range(5):
        ids.append((await run(http, vm["vm_id"], f"sleep {i * 10}", background=True))["run_id"])
        clock.advance(1)
    clock.advance(7)  # now t=12: run i (started at i, lasting 10*i) ends at 11*i
    page = (await http.get(f"/v1/vms/{vm['vm_id']}/runs", params={"limit": 2})).json()
    assert [r["run_id"] for r in page["runs"]] == ids[::-1][:2] and page["next_cursor"]
    running = (await http.get(f"/v1/vms/{vm['vm_id']}/runs", params={"state": "running"})).json()
    assert {r["run_id"] for r in running["runs"]} == set(ids[2:])
    done = (await http.get(f"/v1/vms/{vm['vm_id']}/runs", params={"state": "completed"})).json()
    assert {r["run_id"] for r in done["runs"]} == set(ids[:2])
    bad = await http.get(f"/v1/vms/{vm['vm_id']}/runs", params={"started_after": "yesterday"})
    assert bad.status_code == 400 and "started_after: not a timestamp" in bad.text
    assert (await http.get(f"/v1/vms/{vm['vm_id']}/runs", params={"started_after": ""})).status_code == 200


# --- VMs ----------------------------------------------------------------------------


async def test_fork_chain_roots_and_listing(http, world):
    a = await fork(http, "api-dev")
    golden = world.find_vm_by_name("ubuntu", ARKER_ORG_ID)
    assert (a["root_source_vm_id"], a["root_source_vm_name"]) == (golden.vm_id, "ubuntu")
    b = (await http.post("/v1/fork", json={"source_vm_id": a["vm_id"]})).json()
    assert b["name"] == "api-dev-fork-1" and b["root_source_vm_id"] == golden.vm_id
    assert b["sessions"] and b["sessions"][0]["session_idx"] == 0
    listed = ListVmsResponse.model_validate((await http.get("/v1/vms")).json())
    assert [v.name for v in listed.vms] == ["api-dev", "api-dev-fork-1"]
    goldens = (await http.get("/v1/vms", params={"source_org_id": ARKER_ORG_ID})).json()["vms"]
    assert [v["name"] for v in goldens] == ["ubuntu"] and goldens[0]["public"] is True
    dup = await http.post("/v1/fork", json={"source_vm_name": "ubuntu", "name": "api-dev"})
    assert dup.status_code == 409 and dup.json()["code"] == "conflict"
    none = await http.post("/v1/fork", json={"name": "x"})
    assert none.status_code == 400 and none.json()["message"].startswith("source_vm_id")
    unknown = await http.post("/v1/fork", json={"source_vm_name": "nope"})
    assert unknown.status_code == 404


async def test_fork_with_tunnel_and_resources(http):
    vm = await fork(http, "web", vcpu_count=4, memory_mib=8192,
                    tunnel={"ports": [8080], "auth_mode": "authenticated"})
    assert (vm["vcpu_count"], vm["memory_mib"]) == (4, 8192)
    assert vm["tunnels"][0]["port"] == 8080 and vm["tunnels"][0]["auth_token"].startswith("tok_")
    again = (await http.get(f"/v1/vms/{vm['vm_id']}")).json()
    assert "auth_token" not in again["tunnels"][0]
    too_big = await http.post("/v1/fork", json={"source_vm_name": "ubuntu", "vcpu_count": 64})
    assert too_big.status_code == 400 and too_big.json()["message"].startswith("vcpu_count")


async def test_resize_respects_ceilings(http):
    vm = await fork(http, "box")
    url = f"/v1/vms/{vm['vm_id']}/resize"
    ok = await http.post(url, json={"vcpu_count": 8, "memory_mib": 16384})
    assert ok.status_code == 200 and ok.json() == {"resized": True}
    got = Vm.model_validate((await http.get(f"/v1/vms/{vm['vm_id']}")).json())
    assert (got.vcpu_count, got.memory_mib) == (8, 16384)
    for body, field in [({"vcpu_count": 9}, "vcpu_count"), ({"memory_mib": 16385}, "memory_mib"),
                        ({"memory_mib": 256}, "memory_mib"), ({"disk_mib": 1024}, "disk_mib"),
                        ({}, "vcpu_count"), ({"vcpu_count": "lots"}, "vcpu_count")]:
        r = await http.post(url, json=body)
        assert r.status_code == 400 and r.json()["code"] == "bad_request", body
        assert r.json()["message"].startswith(field), r.json()
    got = (await http.get(f"/v1/vms/{vm['vm_id']}")).json()
    assert got["vcpu_count"] == 8


async def test_delete_vm_cascades(http, world):
    vm = await fork(http, "doomed")
    vid = vm["vm_id"]
    fs = (await http.post("/v1/filesystems", json={"name": "data"})).json()
    sync = (await http.post(f"/v1/vms/{vid}/syncs", json={"filesystem_id": fs["filesystem_id"]})).json()
    session = (await http.post(f"/v1/vms/{vid}/sessions", json={})).json()
    tunnel = (await http.post(f"/v1/vms/{vid}/tunnels", json={"ports": [9000]})).json()
    r = await run(http, vid, "sleep 100", background=True)
    assert (await http.delete(f"/v1/vms/{vid}")).json() == {"deleted": True}
    for path in [f"/v1/vms/{vid}", f"/v1/vms/{vid}/runs/{r['run_id']}",
                 f"/v1/vms/{vid}/sessions/{session['session_id']}",
                 f"/v1/vms/{vid}/tunnels/{tunnel['tunnel_key']}", f"/v1/vms/{vid}/syncs",
                 f"/v1/vms/{vid}/runs"]:
        resp = await http.get(path)
        assert resp.status_code == 404 and resp.json()["code"] == "not_found", path
    assert (await http.delete(f"/v1/vms/{vid}/syncs/{sync['sync_id']}")).status_code == 404
    assert (await http.get("/v1/vms")).json()["vms"] == []
    # the filesystem is free again: deleting it works now
    assert (await http.delete(f"/v1/filesystems/{fs['filesystem_id']}")).json() == {"deleted": True}
    assert (await http.delete(f"/v1/vms/{vid}")).status_code == 404


async def test_public_golden_is_readable_but_not_writable(http, world):
    golden = world.find_vm_by_name("ubuntu", ARKER_ORG_ID)
    assert (await http.get(f"/v1/vms/{golden.vm_id}")).json()["name"] == "ubuntu"
    for method, path, body in [("DELETE", f"/v1/vms/{golden.vm_id}", None),
                               ("POST", f"/v1/vms/{golden.vm_id}/run", {"command": "true"}),
                               ("POST", f"/v1/vms/{golden.vm_id}/resize", {"vcpu_count": 2})]:
        r = await http.request(method, path, json=body)
        assert r.status_code == 403 and r.json()["code"] == "forbidden"


# --- tunnels -------------------------------------------------------------------------


async def test_tunnel_starting_then_open_and_token_only_on_create(http, clock):
    vm = await fork(http, "box")
    base = f"/v1/vms/{vm['vm_id']}/tunnels"
    created = (await http.post(base, json={"ports": [8080], "auth_mode": "authenticated"})).json()
    assert created["state"] == "starting" and created["auth_token"]
    key = created["tunnel_key"]
    assert key.startswith("p8080-") and created["url"] == f"https://{key}.tunnels.arker.local"
    clock.advance(1)
    assert (await http.get(f"{base}/{key}")).json()["state"] == "starting"
    clock.advance(1.5)
    got = (await http.get(f"{base}/{key}")).json()
    assert got["state"] == "open" and "auth_token" not in got
    by_port = (await http.get(f"{base}/8080")).json()
    assert by_port["tunnel_key"] == key
    listed = (await http.get(base)).json()["tunnels"]
    assert len(listed) == 1 and "auth_token" not in listed[0]
    assert all("auth_token" not in t for t in (await http.get(f"/v1/vms/{vm['vm_id']}")).json()["tunnels"])
    dup = await http.post(base, json={"ports": [8080]})
    assert dup.status_code == 409
    bad = await http.post(base, json={"ports": [8081], "auth_mode": "magic"})
    assert bad.status_code == 400 and bad.json()["message"].startswith("auth_mode")
    assert (await http.delete(f"{base}/{key}")).json() == {"deleted": True}
    assert (await http.get(f"{base}/{key}")).status_code == 404


async def test_run_scoped_tunnel_closes_with_its_run(http, clock):
    vm = await fork(http, "box")
    bg = await run(http, vm["vm_id"], "sleep 10", background=True,
                   network={"inbound": {"ports": {"3000": {"visibility": "public"}}}})
    clock.advance(3)
    t = (await http.get(f"/v1/vms/{vm['vm_id']}/tunnels/3000")).json()
    assert (t["state"], t["run_id"], t["visibility"]) == ("open", bg["run_id"], "public")
    clock.advance(10)
    assert (await http.get(f"/v1/vms/{vm['vm_id']}/tunnels/3000")).json()["state"] == "closed"
    closed = (await http.get(f"/v1/vms/{vm['vm_id']}/tunnels", params={"state": "closed"})).json()
    assert len(closed["tunnels"]) == 1


# --- pagination -------------------------------------------------------------------------


async def test_vm_pagination_walks_every_page_once(http, world):
    for i in range(7):
        world.add_vm(f"vm-{i}")
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        body = (await http.get("/v1/vms", params=params)).json()
        pages += 1
        seen += [v["name"] for v in body["vms"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages == 3 and seen == [f"vm-{i}" for i in range(7)]
    assert (await http.get("/v1/vms", params={"cursor": "garbage!"})).status_code == 400
    assert (await http.get("/v1/vms", params={"limit": 0})).status_code == 400
    full = (await http.get("/v1/vms", params={"limit": 7})).json()
    assert len(full["vms"]) == 7 and full["next_cursor"] is None


async def test_vm_list_filters(http, world, clock):
    world.add_vm("west", region="us-west-2", provider="aws")
    world.add_vm("east", region="eu-central-1", provider="aws-burst", started_at=clock.now() - 3600)
    names = lambda r: [v["name"] for v in r.json()["vms"]]  # noqa: E731
    assert names(await http.get("/v1/vms", params={"region": "eu-central-1"})) == ["east"]
    assert names(await http.get("/v1/vms", params={"region": "aws-us-west-2"})) == ["west"]
    assert names(await http.get("/v1/vms", params={"provider": "aws-burst"})) == ["east"]
    assert names(await http.get("/v1/vms", params={"started_before": "2025-12-31T23:30:00Z"})) == ["east"]
    assert names(await http.get("/v1/vms", params={"state": "running"})) == []
    bad = await http.get("/v1/vms", params={"started_after": "yesterday"})
    assert bad.status_code == 400 and bad.json()["message"].startswith("started_after")


# --- files ---------------------------------------------------------------------------------


async def test_file_read_inline_binary_presigned_and_missing(http, world):
    vm = await fork(http, "box")
    rec = world.vms[vm["vm_id"]]
    rec.files["/bin.dat"] = bytes(range(256))
    rec.files["/big.log"] = b"x" * (300 * 1024)
    url = f"/v1/vms/{vm['vm_id']}/sync"
    text = (await http.post(url, json={"path": "/etc/hostname"})).json()
    assert text == {"path": "/etc/hostname", "size": 4, "content": "box\n", "encoding": "utf-8"}
    binary = (await http.post(url, json={"path": "/bin.dat"})).json()
    assert binary["encoding"] == "base64" and base64.b64decode(binary["content"]) == bytes(range(256))
    big = (await http.post(url, json={"path": "/big.log"})).json()
    assert big["size"] == 300 * 1024 and "content" not in big
    fetched = await http.get(big["presigned_url"])
    assert fetched.status_code == 200 and fetched.content == b"x" * (300 * 1024)
    missing = await http.post(url, json={"path": "/nope"})
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    relative = await http.post(url, json={"path": "etc/hostname"})
    assert relative.status_code == 400 and relative.json()["message"].startswith("path")


async def test_file_write_then_read_and_presigned_upload(http):
    vm = await fork(http, "box")
    url = f"/v1/vms/{vm['vm_id']}/sync"
    w = await http.post(url, json={"writes": [
        {"path": "/tmp/a.txt", "content": "hello", "encoding": "utf-8"},
        {"path": "/tmp/b.bin", "content": base64.b64encode(b"\x00\xff").decode()}]})
    assert w.json() == {"results": [{"path": "/tmp/a.txt", "bytes_written": 5},
                                    {"path": "/tmp/b.bin", "bytes_written": 2}]}
    assert (await http.post(url, json={"path": "/tmp/a.txt"})).json()["content"] == "hello"
    assert (await run(http, vm["vm_id"], "cat /tmp/a.txt"))["stdout"] == "hello"
    start = (await http.post(url, json={"writes": [{"path": "/tmp/up.bin", "size": 3}]})).json()
    up = start["results"][0]
    assert (await http.put(up["presigned_url"], content=b"abc")).status_code == 200
    commit = await http.post(url, json={"writes": [{"path": "/tmp/up.bin", "upload_id": up["upload_id"]}]})
    assert commit.json()["results"] == [{"path": "/tmp/up.bin", "size": 3}]
    assert (await http.post(url, json={"path": "/tmp/up.bin"})).json()["content"] == "abc"
    bad = await http.post(url, json={"writes": [{"path": "/x", "content": "%%%"}]})
    assert bad.status_code == 400 and bad.json()["message"] == "writes[0].content: invalid base64"
    huge = await http.post(url, json={"writes": [{"path": "/x", "size": 10**12}]})
    assert huge.status_code == 413 and huge.json()["code"] == "payload_too_large"


# --- filesystems and syncs ----------------------------------------------------------------


async def test_filesystems_and_syncs(http):
    vm = await fork(http, "box")
    a = (await http.post("/v1/filesystems", json={"name": "datasets"})).json()
    await http.post("/v1/filesystems", json={"name": "models"})
    assert (await http.post("/v1/filesystems", json={"name": "datasets"})).status_code == 409
    assert (await http.post("/v1/filesystems", json={})).json()["message"].startswith("name")
    got = (await http.get("/v1/filesystems", params={"name_prefix": "data"})).json()
    assert [f["name"] for f in got["filesystems"]] == ["datasets"] and got["next_cursor"] is None
    assert (await http.get(f"/v1/filesystems/{a['filesystem_id']}")).json()["region"] == "us-west-2"
    sync = (await http.post(f"/v1/vms/{vm['vm_id']}/syncs", json={"filesystem_id": a["filesystem_id"]})).json()
    assert sync["path"] == "/mnt/datasets"
    listed = (await http.get(f"/v1/vms/{vm['vm_id']}/syncs", params={"filesystem_id": a["filesystem_id"]})).json()
    assert [s["sync_id"] for s in listed["syncs"]] == [sync["sync_id"]]
    busy = await http.delete(f"/v1/filesystems/{a['filesystem_id']}")
    assert busy.status_code == 409 and "box" in busy.json()["message"]
    assert (await http.delete(f"/v1/vms/{vm['vm_id']}/syncs/{sync['sync_id']}")).json() == {"deleted": True}
    assert (await http.delete(f"/v1/filesystems/{a['filesystem_id']}")).json() == {"deleted": True}
    assert (await http.get(f"/v1/filesystems/{a['filesystem_id']}")).status_code == 404
    bad = await http.post(f"/v1/vms/{vm['vm_id']}/syncs", json={"filesystem_id": "fs_nope"})
    assert bad.status_code == 404


# --- errors and features ---------------------------------------------------------------------


async def test_bad_bodies_name_the_field(http):
    vm = await fork(http, "box")
    url = f"/v1/vms/{vm['vm_id']}/run"
    raw = await http.post(url, content=b"{not json", headers={"content-type": "application/json"})
    assert raw.status_code == 400 and raw.json()["message"].startswith("body: invalid JSON")
    arr = await http.post(url, json=[1, 2])
    assert arr.status_code == 400 and arr.json()["message"] == "body: expected a JSON object"
    wrong = await http.post(url, json={"command": 5})
    assert wrong.status_code == 400 and wrong.json()["message"].startswith("command:")
    missing = await http.post(url, json={})
    assert missing.status_code == 400 and missing.json()["message"].startswith("command:")
    end = await http.post(url, json={"command": "true", "end_symbol": "$$"})
    assert end.status_code == 501 and end.json()["code"] == "not_implemented"


async def test_api_key_is_required_when_configured(world):
    em = Emulator(world, api_key="sekret")
    async with em.client() as good:
        assert (await good.get("/v1/vms")).status_code == 200
    async with em.client(headers={"Authorization": "Bearer wrong"}) as bad:
        r = await bad.get("/v1/vms")
        assert r.status_code == 401 and r.json()["code"] == "unauthorized"
    import httpx

    async with httpx.AsyncClient(transport=em.transport(), base_url="http://emulator") as anon:
        r = await anon.get("/v1/vms")
        assert r.status_code == 401 and "missing" in r.json()["message"]


async def test_disabled_features_answer_unsupported_operation(http, world):
    vm = await fork(http, "box")
    world.features -= {"filesystems", "tunnels"}
    for path in ["/v1/filesystems", f"/v1/vms/{vm['vm_id']}/tunnels"]:
        r = await http.get(path)
        assert r.status_code == 501 and r.json()["code"] == "unsupported_operation", path
    assert (await http.get(f"/v1/vms/{vm['vm_id']}/sessions")).status_code == 200


# --- org activity ------------------------------------------------------------------------------


async def test_org_activity_rows_for_run_fork_sync(http, clock):
    vm = await fork(http, "box")
    clock.advance(1)
    await run(http, vm["vm_id"], "echo one")
    clock.advance(1)
    await http.post(f"/v1/vms/{vm['vm_id']}/sync", json={"path": "/etc/hostname"})
    clock.advance(1)
    await http.post(f"/v1/vms/{vm['vm_id']}/run", json={"command": 1})  # a 400
    await http.get(f"/v1/vms/{vm['vm_id']}")  # not logged
    rows = (await http.get("/v1/runs")).json()["rows"]
    assert [(r["endpoint"], r["status"]) for r in rows] == [("run", 400), ("sync", 200), ("run", 200), ("fork", 200)]
    assert rows[2]["command"] == "echo one" and rows[2]["exit_code"] == 0 and rows[2]["run_id"]
    asc = (await http.get("/v1/runs", params={"sort": "when", "dir": "asc", "limit": 2, "offset": 1})).json()
    assert [r["endpoint"] for r in asc["rows"]] == ["run", "sync"] and asc["offset"] == 1
    only = (await http.get("/v1/runs", params={"endpoint": "run", "status_min": 400})).json()["rows"]
    assert len(only) == 1 and only[0]["status"] == 400
    found = (await http.get("/v1/runs", params={"search": "ECHO"})).json()["rows"]
    assert [r["command"] for r in found] == ["echo one"]
    by_vm = (await http.get("/v1/runs", params={"vm_ids": vm["vm_id"]})).json()["rows"]
    assert len(by_vm) == 4
    window = (await http.get("/v1/runs", params={"since": clock.now_ms() - 1500})).json()["rows"]
    assert len(window) == 2
    assert (await http.get("/v1/runs", params={"sort": "bogus"})).status_code == 400
