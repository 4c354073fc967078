"""The demo world: small, deterministic, and showing every feature.

``build_demo_world(clock)`` lays everything out relative to ``clock.now()``;
with the same clock start and seed it is identical every time (ids included).
Notable objects are listed in ``world.demo``: ``(vm_id, run_id)`` pairs under
long_run, dev_server_run, nonzero_exit_run, failed_run, cancelled_run,
retried_run, base64_run, ci_run, timeout_run, exit_127_run, and
``demo["tunnels"]`` (open, open_public, starting, closed, jupyter ->
``(vm_id, tunnel_key)``), ``demo["forks"]`` (child vm_id -> the vm_id it was
forked from; its activity row is in the log, except ``DEMO_FORK_ROW_MISSING``'s).
The longest fork chain is arkuntu -> ci-runner-1 -> ci-runner-3 -> ci-runner-4.
"""

from __future__ import annotations

import json
import random
from typing import Any

from arker_tui.api.models import ARKER_ORG_ID, PUBLIC_GOLDENS

from .clock import Clock
from .records import VmRec
from .shell import Program, Progress, scripted
from .world import World

MIN, HOUR, DAY = 60.0, 3600.0, 86400.0
FORKED_BEFORE = 25 * HOUR  # the demo's forks are at least this old (their log rows too)

DEMO_ORG = "org_acme"
LONG_RUN_VM = "ml-train"
LONG_RUN_COMMAND = "python train.py --epochs 100000"

# name, source (golden / org VM / None for an image), region, provider, vcpu, mem, disk
_VMS: list[tuple[str, str | None, str, str, int, int, int]] = [
    ("api-dev", "ubuntu", "us-west-2", "aws", 2, 4096, 20480),
    ("api-dev-fork", "api-dev", "us-west-2", "aws", 2, 4096, 20480),
    ("worker-1", "ubuntu", "us-west-2", "aws", 4, 8192, 40960),
    ("worker-2", "ubuntu", "us-west-2", "aws", 4, 8192, 40960),
    ("worker-3", "worker-1", "us-west-2", "aws", 4, 8192, 40960),
    ("web-frontend", "ubuntu", "us-west-2", "aws", 2, 2048, 20480),
    ("staging-db", "ubuntu", "us-west-2", "aws", 4, 16384, 81920),
    ("ml-train", "ubuntu-py-repl", "us-west-2", "aws", 8, 16384, 81920),
    ("ml-eval", "ml-train", "us-west-2", "aws", 4, 8192, 81920),
    ("notebook-1", "ubuntu-py-repl", "us-west-2", "aws-burst", 2, 4096, 20480),
    ("data-etl", "ubuntu-py-repl", "eu-central-1", "aws", 4, 8192, 61440),
    ("scratch", "arkuntu", "us-west-2", "aws-burst", 1, 1024, 10240),
    ("scratch-2", "scratch", "us-west-2", "aws-burst", 1, 2048, 10240),
    ("ci-runner-1", "arkuntu", "eu-central-1", "aws-burst", 2, 4096, 20480),
    ("ci-runner-2", "arkuntu", "eu-central-1", "aws-burst", 2, 4096, 20480),
    ("ci-runner-3", "ci-runner-1", "eu-central-1", "aws-burst", 2, 4096, 20480),
    ("ci-runner-4", "ci-runner-3", "eu-central-1", "aws-burst", 2, 4096, 20480),
    ("sandbox-alice", "arkuntu", "us-west-2", "aws", 1, 2048, 10240),
    ("sandbox-bob", "arkuntu", "eu-central-1", "aws", 1, 2048, 10240),
    ("build-box", "ubuntu-full", "us-west-2", "aws", 8, 16384, 81920),
    ("build-box-fork", "build-box", "us-west-2", "aws", 8, 16384, 81920),
    ("docs-preview", "ubuntu-full", "us-west-2", "aws-burst", 1, 2048, 10240),
    ("e2e-tests", "ubuntu-full", "eu-central-1", "aws", 4, 8192, 40960),
    ("redis-cache", "ubuntu", "eu-central-1", "aws", 2, 4096, 20480),
    ("metrics-agent", "worker-2", "us-west-2", "aws", 1, 1024, 10240),
    ("legacy-cron", None, "eu-central-1", "aws", 1, 2048, 20480),
    ("bare-metal-test", None, "us-west-2", "aws", 2, 4096, 40960),
    ("image-base", None, "us-west-2", "aws-burst", 1, 1024, 10240),
]

DEMO_VM_NAMES = tuple(spec[0] for spec in _VMS)
# Its fork row has aged out of the activity log: the fork tree cannot place it.
DEMO_FORK_ROW_MISSING = "metrics-agent"
DEMO_RUNNING_VMS = ("api-dev", "ml-train", "ci-runner-3")

_NETWORKS: list[Any] = [
    True, True, "blocked", {"type": "allow", "hosts": ["github.com", "pypi.org"]},
    {"type": "block", "hosts": ["169.254.169.254"]}, False, "open",
]

_README = "# {name}\n\nForked for the Acme demo. Try `cat /etc/hostname`.\n"


def _big_log(rng: random.Random) -> bytes:
    """Per line, what ``rng.choice(levels)``, ``rng.randint(1, 9)``,
    ``rng.getrandbits(32)`` and ``rng.randint(1, 900)`` give, with the same
    generator state after, at a third of the cost (it is most of the demo
    world's build): ``choice`` and ``randint`` draw ``getrandbits(k)`` for the
    bit length k of their range's size until the draw falls below it."""
    getrandbits = rng.getrandbits
    levels = ["INFO "] * 8 + ["WARN ", "ERROR"]
    lines = []
    for i in range(4200):
        level = getrandbits(4)
        while level >= 10:
            level = getrandbits(4)
        worker = getrandbits(4)
        while worker >= 9:
            worker = getrandbits(4)
        request = getrandbits(32)
        millis = getrandbits(10)
        while millis >= 900:
            millis = getrandbits(10)
        lines.append("2026-01-01T00:%02d:%02dZ %s worker[%d] handled request id=%08x in %dms\n"
                     % (i // 60 % 60, i % 60, levels[level], worker + 1, request, millis + 1))
    return "".join(lines).encode()


def _random_bytes(rng: random.Random, n: int) -> bytes:
    """``bytes(rng.getrandbits(8) for _ in range(n))`` in one call, with the same
    bytes and the same generator state after: each ``getrandbits(8)`` is the top
    byte of one 32-bit output, and ``getrandbits(32 * n)`` lays those outputs
    out as little-endian words."""
    return rng.getrandbits(32 * n).to_bytes(4 * n, "little")[3::4]


def _text_run(world: World, vm: VmRec, command: str, lines: list[str], *, ago: float,
              duration: float, exit_code: int = 0, err: list[str] | None = None, **kw: Any):
    events = [(duration * i / max(1, len(lines)), "out", line + "\n") for i, line in enumerate(lines)]
    events += [(duration * 0.9, "err", line + "\n") for line in err or []]
    program = scripted(command, events, duration, exit_code)
    session = next(iter(vm.sessions.values()), None)
    return world.add_run(vm, command, started_at=world.now() - ago, session=session,
                         program=program, **kw)


def build_demo_world(clock: Clock, *, seed: int = 7) -> World:
    world = World(clock, org_id=DEMO_ORG, seed=seed)
    rng = random.Random(seed)
    now = clock.now()
    big_log = _big_log(rng)
    forks: dict[str, str] = world.demo.setdefault("forks", {})

    for i, golden in enumerate(PUBLIC_GOLDENS):
        g = world.add_vm(golden, owner_org_id=ARKER_ORG_ID, public=True,
                         created_at=now - 120 * DAY + i * DAY, max_vcpus=16,
                         max_memory_mib=32768, min_memory_mib=512, worker_id="wrk-hq-1",
                         files={"/etc/hostname": f"{golden}\n".encode()})
        world.add_session(g, session_idx=0, started_at=g.created_at)

    for i, (name, source, region, provider, vcpu, mem, disk) in enumerate(_VMS):
        src = world.find_vm_by_name(source) if source else None
        src = src or (world.find_vm_by_name(source, ARKER_ORG_ID) if source else None)
        if src is None:
            root_id = root_name = None
        elif src.root_source_vm_id is None:
            root_id, root_name = src.vm_id, src.name
        else:
            root_id, root_name = src.root_source_vm_id, src.root_source_vm_name
        created = now - rng.uniform(0.5 * HOUR, 20 * DAY) if src is None or src.public else \
            max(src.created_at + MIN, now - rng.uniform(10 * MIN, 5 * DAY))
        if src is not None and src.created_at + MIN <= now - FORKED_BEFORE:
            # Every fork call is in the log, at its time: older than the activity
            # view's default day, which shows the demo's recent burst of calls.
            created = min(created, now - FORKED_BEFORE)
        files = {
            "/etc/hostname": f"{name}\n".encode(),
            "/home/user/README.md": _README.format(name=name).encode(),
            "/home/user/data.bin": _random_bytes(rng, 4096),
            "/var/log/app.log": big_log,
        }
        vm = world.add_vm(
            name, created_at=created, started_at=max(created, now - rng.uniform(2 * MIN, 3 * DAY)),
            region=region, provider=provider, vcpu_count=vcpu, memory_mib=mem, disk_mib=disk,
            max_vcpus=max(8, vcpu), max_memory_mib=max(16384, mem), min_memory_mib=512,
            network=_NETWORKS[i % len(_NETWORKS)], root_source_vm_id=root_id,
            root_source_vm_name=root_name, worker_id=f"wrk-{rng.randint(1, 40)}",
            durable=name == "staging-db", files=files)
        if src is not None:
            forks[vm.vm_id] = src.vm_id
        world.add_session(vm, session_idx=0, started_at=vm.started_at)
        if name in ("ml-train", "api-dev", "data-etl", "build-box"):
            world.add_session(vm, session_idx=1, cwd="/workspace", started_at=vm.started_at,
                              env={"PYTHONUNBUFFERED": "1", "APP_ENV": "dev", "REGION": region})
        _everyday_runs(world, vm, rng)

    _notable_runs(world)
    _tunnels(world)
    _filesystems(world)
    _activity(world, rng)
    return world


def _everyday_runs(world: World, vm: VmRec, rng: random.Random) -> None:
    pool = [
        ("uname -a", [f"Linux {vm.name} 6.8.0-arker #1 SMP x86_64 GNU/Linux"], 0),
        ("git pull", ["Already up to date."], 0),
        ("pytest -q", ["........................................", "40 passed in 3.21s"], 0),
        ("npm ci", ["added 812 packages, and audited 813 packages in 9s", "found 0 vulnerabilities"], 0),
        ("df -h /", ["Filesystem  Size  Used Avail Use% Mounted on",
                     f"/dev/vda1    {vm.disk_mib // 1024}G  3.1G  {vm.disk_mib // 1024 - 3}G  16% /"], 0),
        ("echo ready", ["ready"], 0),
    ]
    for k in range(rng.randint(1, 4)):
        command, lines, code = rng.choice(pool)
        ago = rng.uniform(30 * MIN, 30 * HOUR) - k * MIN
        _text_run(world, vm, command, lines, ago=max(ago, 20 * MIN), duration=rng.uniform(0.2, 12), exit_code=code)


def _notable_runs(world: World) -> None:
    demo = world.demo
    now = world.now()
    vm = world.find_vm_by_name(LONG_RUN_VM)
    assert vm is not None
    sess = [s for s in vm.sessions.values() if s.session_idx == 1][0]
    _text_run(world, vm, "python train.py --epochs 50", ["epoch 0050 loss=0.3012 ok", "saved model.pt"],
              ago=3 * HOUR, duration=25.0)
    program = Program(LONG_RUN_COMMAND, [(0.0, Progress(count=100000, interval=0.5, style="train"))],
                      50000.0, 0)
    long_run = world.add_run(vm, LONG_RUN_COMMAND, started_at=now - 4 * MIN, session=sess, program=program)
    demo["long_run"] = (vm.vm_id, long_run.run_id)

    api = world.find_vm_by_name("api-dev")
    assert api is not None
    dev = world.add_run(api, "npm run dev", started_at=now - 25 * MIN, session=next(iter(api.sessions.values())),
                        program=scripted("npm run dev", [
                            (0, "out", "> acme-api@1.4.0 dev\n> vite --host 0.0.0.0 --port 3000\n"),
                            (1.2, "out", "\x1b[32m  VITE v5.2.0\x1b[0m  ready in 812 ms\n"),
                            (1.3, "out", "  \x1b[1m➜\x1b[0m  Local:   http://localhost:3000/\n"),
                            (95, "err", "\x1b[33m[vite] hmr update /src/App.tsx\x1b[0m\n")],
                            duration=float("inf")))
    demo["dev_server_run"] = (api.vm_id, dev.run_id)
    failing = _text_run(world, api, "make test", [
        "go test ./...", "ok   acme/api/handlers 0.412s", "--- FAIL: TestCheckout (0.02s)",
        "    checkout_test.go:41: expected 200, got 500", "FAIL"], ago=1 * HOUR, duration=14.0,
        exit_code=2, err=["make: *** [Makefile:12: test] Error 2"])
    demo["nonzero_exit_run"] = (api.vm_id, failing.run_id)

    w1 = world.find_vm_by_name("worker-1")
    assert w1 is not None
    died = _text_run(world, w1, "./deploy.sh", ["==> building image", "==> pushing layers 3/7"],
                     ago=2 * HOUR, duration=50.0)
    world.force_end(died, "failed", died.started_at + 50.0, reason="host died: wrk-7")
    demo["failed_run"] = (w1.vm_id, died.run_id)

    w2 = world.find_vm_by_name("worker-2")
    assert w2 is not None
    job = _text_run(world, w2, "python long_job.py", ["processing shard 1/40", "processing shard 2/40"],
                    ago=50 * MIN, duration=1200.0)
    world.force_end(job, "cancelled", job.started_at + 95.0)
    demo["cancelled_run"] = (w2.vm_id, job.run_id)

    db = world.find_vm_by_name("staging-db")
    assert db is not None
    dump = _text_run(world, db, "pg_dump -Fc acme > /backups/acme.dump",
                     ["pg_dump: dumping contents of table public.orders", "pg_dump: done"],
                     ago=40 * MIN, duration=75.0, retry_count=2)
    demo["retried_run"] = (db.vm_id, dump.run_id)

    scratch = world.find_vm_by_name("scratch")
    assert scratch is not None
    b64 = world.add_run(scratch, "cat /home/user/data.bin", started_at=now - 30 * MIN,
                        session=next(iter(scratch.sessions.values())))
    b64.force_encoding = "base64"
    demo["base64_run"] = (scratch.vm_id, b64.run_id)

    ci = world.find_vm_by_name("ci-runner-3")
    assert ci is not None
    ci_run = world.add_run(ci, "progress 900 1", started_at=now - 2 * MIN,
                           session=next(iter(ci.sessions.values())))
    demo["ci_run"] = (ci.vm_id, ci_run.run_id)
    slow = _text_run(world, ci, "pytest -x tests/e2e", ["collected 212 items", "tests/e2e/test_login.py ....."],
                     ago=3 * HOUR, duration=900.0, timeout=300.0)
    demo["timeout_run"] = (ci.vm_id, slow.run_id)
    missing = world.add_run(ci, "terraform plan", started_at=now - 70 * MIN,
                            session=next(iter(ci.sessions.values())))
    demo["exit_127_run"] = (ci.vm_id, missing.run_id)


def _tunnels(world: World) -> None:
    demo = world.demo
    now = world.now()
    ml = world.find_vm_by_name(LONG_RUN_VM)
    api = world.find_vm_by_name("api-dev")
    web = world.find_vm_by_name("web-frontend")
    nb = world.find_vm_by_name("notebook-1")
    assert ml and api and web and nb
    tb = world.add_tunnel(ml, 6006, run_id=demo["long_run"][1], auth_mode="authenticated",
                          created_at=now - 3 * MIN)
    dev = world.add_tunnel(api, 3000, run_id=demo["dev_server_run"][1], visibility="public",
                           created_at=now - 24 * MIN)
    starting = world.add_tunnel(web, 8080, created_at=now, auth_mode="authenticated")
    closed = world.add_tunnel(web, 5173, created_at=now - 3 * HOUR, closed_at=now - 2 * HOUR)
    jupyter = world.add_tunnel(nb, 8888, auth_mode="authenticated", created_at=now - 40 * MIN)
    demo["tunnels"] = {"open": (ml.vm_id, tb.tunnel_key), "open_public": (api.vm_id, dev.tunnel_key),
                       "starting": (web.vm_id, starting.tunnel_key),
                       "closed": (web.vm_id, closed.tunnel_key),
                       "jupyter": (nb.vm_id, jupyter.tunnel_key)}


def _filesystems(world: World) -> None:
    now = world.now()
    specs = [("datasets", 53_687_091_200, "us-west-2", "aws"), ("models", 12_884_901_888, "us-west-2", "aws"),
             ("shared-cache", 2_147_483_648, "eu-central-1", "aws"),
             ("ci-artifacts", 734_003_200, "eu-central-1", "aws-burst"), ("empty", 0, "us-west-2", "aws")]
    fs = {name: world.create_filesystem(name, size_bytes=size, region=region, provider=provider,
                                        created_at=now - (30 - i) * DAY)
          for i, (name, size, region, provider) in enumerate(specs)}
    for vm_name, fs_name in [("ml-train", "datasets"), ("ml-train", "models"), ("ml-eval", "models"),
                             ("ci-runner-1", "ci-artifacts"), ("data-etl", "shared-cache")]:
        vm = world.find_vm_by_name(vm_name)
        assert vm is not None
        world.create_sync(vm.vm_id, fs[fs_name].filesystem_id)


def _activity(world: World, rng: random.Random) -> None:
    now_ms = world.clock.now_ms()
    vms = list(world.org_vms())
    forks = world.demo["forks"]
    missing = world.find_vm_by_name(DEMO_FORK_ROW_MISSING)
    lost = missing.vm_id if missing else None
    commands = ["pytest -q", "make test", "npm run build", "python train.py --epochs 50", "git pull",
                "ls -la", "cat /etc/hostname", "./deploy.sh", "echo ready"]
    statuses = [200] * 40 + [400, 404, 409, 429, 500, 503]
    for i in range(200):
        t_ms = now_ms - 3_600_000 + i * 18_000 + rng.randint(0, 17_000)
        vm = rng.choice(vms)
        endpoint = rng.choices(["run", "fork", "sync"], weights=[7, 1, 2])[0]
        status = rng.choice(statuses)
        command = rng.choice(commands) if endpoint == "run" else ""
        path = {"run": f"/v1/vms/{vm.vm_id}/run", "fork": "/v1/fork", "sync": f"/v1/vms/{vm.vm_id}/sync"}
        exit_code = ((0 if rng.random() < 0.85 else rng.choice([1, 2, 127]))
                     if endpoint == "run" and status == 200 else None)
        world.record_activity(
            endpoint, status=status, path=path[endpoint], vm=vm, command=command or (
                "/home/user/README.md" if endpoint == "sync" else ""),
            exit_code=exit_code, t_ms=t_ms,
            source_vm_id=forks.get(vm.vm_id, "") if endpoint == "fork" and vm.vm_id != lost else "",
            run_id=world.new_id("run") if endpoint == "run" and status == 200 else None,
            body_in='{"command": "%s"}' % command if command else "", body_out=_error_body(status))
    # The fork call that made each forked VM, when it was made (the fork tree reads these).
    for vm in vms:
        source = forks.get(vm.vm_id)
        if source is None or vm.vm_id == lost:
            continue
        body_in = json.dumps({"source_vm_id": source, "name": vm.name})
        world.record_activity("fork", status=200, path="/v1/fork", vm=vm, source_vm_id=source,
                              t_ms=int(vm.created_at * 1000), body_in=body_in,
                              body_out=json.dumps({"vm_id": vm.vm_id, "name": vm.name}))


_DEMO_ERRORS = {400: ("bad_request", "command: must not be empty"), 404: ("not_found", "vm not found"),
                409: ("conflict", "vm is busy: another run holds the session"),
                429: ("resource_pressure", "too many requests: slow down"),
                500: ("internal", "executor crashed"), 503: ("unavailable", "compute host is restarting")}


def _error_body(status: int) -> str:
    """The ErrorResponse a failed demo call answered with (empty for a 2xx)."""
    if status not in _DEMO_ERRORS:
        return ""
    code, message = _DEMO_ERRORS[status]
    return json.dumps({"code": code, "message": message})
