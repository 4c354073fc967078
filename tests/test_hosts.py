"""Each VM's calls go to its own compute host: the resolver's order, and the
demo world served as five hosts (control + four provider/region hosts)."""

from __future__ import annotations

import pytest

from arker_tui.api import models as m
from arker_tui.api.client import ArkerClient
from arker_tui.api.errors import ArkerError
from arker_tui.api.hosts import HostMapError, HostResolver, parse_host_key, parse_host_map
from arker_tui.api.retry import RetryPolicy
from arker_tui.emulator import Emulator, ManualClock, build_demo_world
from arker_tui.emulator.hosts import DEMO_HOSTS, HostSpecError, parse_host, parse_hosts
from arker_tui.repository import Intervals, Query, Repository
from arker_tui.settings import Settings

COMBOS = ("aws/us-west-2", "aws/eu-central-1", "aws-burst/us-west-2", "aws-burst/eu-central-1")


def vm(vm_id="vm_1", provider="aws", region="us-west-2", name=None, org="org_acme") -> m.Vm:
    return m.Vm(vm_id=vm_id, provider=provider, region=region, name=name, owner_org_id=org)


# --- the resolver, alone ---------------------------------------------------------------


def test_resolution_order_most_specific_key_then_burst_then_base_then_control():
    settings = Settings(control_url="https://control/api", base_url="https://base/",
                        burst_base_url="https://burst",
                        compute_hosts=(("aws/eu-central-1", "https://eu"), ("aws", "https://aws-any"),
                                       ("aws-burst/eu-central-1", "https://burst-eu")))
    hosts = HostResolver(settings)
    assert hosts.for_vm(vm(region="eu-central-1")).url == "https://eu"  # provider/region beats provider
    assert hosts.for_vm(vm(region="us-west-2")).url == "https://aws-any"
    assert hosts.for_vm(vm(provider="aws-burst", region="eu-central-1")).url == "https://burst-eu"
    burst = hosts.for_vm(vm(provider="aws-burst", region="us-west-2"))
    assert (burst.url, burst.rule) == ("https://burst", "burst_base_url")
    plain = HostResolver(Settings(control_url="https://control/api", base_url="https://base/"))
    assert plain.for_vm(vm()).url == "https://base"
    assert plain.for_vm(vm(provider="aws-burst")).url == "https://base"  # no burst host: base_url
    nothing = HostResolver(Settings(control_url="https://control/api"))
    choice = nothing.for_vm(vm(provider="aws-burst", region="eu-central-1"))
    assert (choice.url, choice.via_control, choice.note) == ("https://control/api", True, None)


def test_the_assumed_url_pattern_lives_in_one_place_and_is_used_before_the_control_plane():
    hosts = HostResolver(Settings(control_url="https://control"), pattern="https://{provider}.{region}.test")
    choice = hosts.for_vm(vm(provider="aws-burst", region="eu-central-1"))
    assert choice.url == "https://aws-burst.eu-central-1.test" and "assumed" in choice.rule


def test_unknown_provider_or_region_uses_the_default_host_and_says_why():
    settings = Settings(control_url="https://control", region="eu-central-1", provider="aws",
                        compute_hosts=(("aws/eu-central-1", "https://eu"),))
    hosts = HostResolver(settings)
    for odd in (vm(provider="gcp"), vm(provider=None), vm(region=None)):
        url, note = hosts.describe_host(odd)
        assert url == "https://eu", odd
        assert "default host (aws/eu-central-1)" in note and "unknown" in note or "not one" in note
    url, note = hosts.describe_host(vm(region="eu-central-1"))
    assert (url, note) == ("https://eu", 'compute_hosts "aws/eu-central-1"')
    assert HostResolver(Settings(control_url="https://c")).describe_host(vm())[1].startswith("control plane")
    # The legacy combined region form is understood.
    assert hosts.for_vm(vm(provider=None, region="aws-eu-central-1")).url == "https://eu"


def test_fork_goes_to_the_source_host_or_to_burst_for_a_public_golden():
    settings = Settings(control_url="https://control", burst_base_url="https://burst",
                        compute_hosts=(("aws/eu-central-1", "https://eu"),))
    hosts = HostResolver(settings)
    hosts.learn_all([vm("vm_eu", region="eu-central-1", name="etl"),
                     vm("vm_gold", provider="aws", name="arkuntu", org=m.ARKER_ORG_ID)])
    assert hosts.for_fork("vm_eu", None, None).url == "https://eu"
    assert hosts.for_fork(None, "etl", None).url == "https://eu"
    assert hosts.for_fork(None, "arkuntu", None).url == "https://burst"
    assert hosts.for_fork("vm_gold", None, None).url == "https://burst"  # a golden by id, too
    unknown = hosts.for_fork(None, "nobody", None)
    assert unknown.url == "https://control" and "not been listed" in unknown.note


def test_host_keys_and_map_problems_are_said_in_words():
    assert parse_host_key("aws/eu-central-1") == ("aws", "eu-central-1")
    assert parse_host_key("aws-burst") == ("aws-burst", None)
    for bad in ("", "aws/eu/1", "AWS", "aws/"):
        with pytest.raises(HostMapError, match="provider/region"):
            parse_host_key(bad)
    hosts, problems = parse_host_map({"aws/eu-central-1": "https://eu/", "bad key!": "https://x",
                                      "aws": "ftp://nope", "gcp/x": "https://g", "aws-burst": 3})
    assert hosts == {"aws/eu-central-1": "https://eu", "gcp/x": "https://g"}
    by_key = {key: (text, ignored) for key, text, ignored in problems}
    assert by_key["bad key!"][1] and "is not a host key" in by_key["bad key!"][0]
    assert "not a base URL" in by_key["aws"][0]
    assert by_key["gcp/x"] == (by_key["gcp/x"][0], False) and "not one arker-tui knows" in by_key["gcp/x"][0]
    assert "expected a base URL string" in by_key["aws-burst"][0]


# --- the emulator as five hosts ----------------------------------------------------------


def test_host_specs_of_the_emulator():
    assert [h.name for h, _ in parse_hosts("demo", 9000)] == list(DEMO_HOSTS)
    assert [p for _, p in parse_hosts("control,aws=9100,aws-burst", 9000)] == [9000, 9100, 9101]
    for bad, words in (("control,gcp/x", "is not a host"), ("aws/us-west-2", "needs a 'control'"),
                       ("control,control", "named twice"), ("control=1,aws=1", "taken"),
                       ("control=99999", "not a port"), ("", "at least one")):
        with pytest.raises(HostSpecError, match=words):
            parse_hosts(bad, 9000)
    assert parse_host("aws-burst/eu-central-1").owns("aws-burst", "eu-central-1")
    assert not parse_host("aws-burst/eu-central-1").owns("aws", "eu-central-1")


@pytest.fixture
def em() -> Emulator:
    return Emulator(build_demo_world(ManualClock()))


def hosts_client(em: Emulator, hosts_map=None, **settings_kw) -> tuple[ArkerClient, dict[str, str]]:
    transport, urls = em.hosts_transport([parse_host(h) for h in DEMO_HOSTS])
    if hosts_map is None:
        hosts_map = tuple((combo, urls[combo]) for combo in COMBOS)
    settings = Settings(api_key=None, control_url=urls["control"], compute_hosts=hosts_map, **settings_kw)
    return ArkerClient(settings, transport=transport, retry=RetryPolicy(max_retries=0)), urls


def vm_in(em: Emulator, combo: str, running: bool = False):
    provider, region = combo.split("/")
    for rec in em.world.org_vms():
        if (rec.provider, rec.region) == (provider, region) and (not running or rec.running_runs(em.clock.now())):
            return rec
    raise AssertionError(f"no demo VM in {combo}")


def test_the_demo_world_spans_four_provider_region_combinations(em):
    assert {(v.provider, v.region) for v in em.world.org_vms()} == {tuple(c.split("/")) for c in COMBOS}


async def test_a_compute_host_answers_not_found_for_a_vm_it_does_not_own(em):
    transport, urls = em.hosts_transport([parse_host(h) for h in DEMO_HOSTS])
    import httpx

    eu = vm_in(em, "aws/eu-central-1")
    async with httpx.AsyncClient(transport=transport) as http:
        assert (await http.get(f"{urls['aws/eu-central-1']}/v1/vms/{eu.vm_id}")).status_code == 200
        wrong = await http.get(f"{urls['aws/us-west-2']}/v1/vms/{eu.vm_id}")
        assert wrong.status_code == 404 and wrong.json()["code"] == "not_found"
        assert (await http.get(f"{urls['control']}/v1/vms/{eu.vm_id}")).status_code == 200  # it routes
        assert (await http.get(f"{urls['aws/us-west-2']}/v1/vms")).status_code == 404  # no control route


@pytest.mark.parametrize("combo", COMBOS)
async def test_run_cancel_and_delete_reach_the_host_of_each_combination(em, combo):
    client, _ = hosts_client(em)
    repo = Repository(client, intervals=Intervals(lists=100.0, detail=100.0, filesystems=100.0))
    try:
        await repo.get(Query.vms())  # the VM list tells the client where each VM lives
        target = vm_in(em, combo)
        em.reset_counts()
        started = await repo.run(target.vm_id, m.RunRequest(command="sleep 100", background=True))
        assert started.run_id
        cancelled = await repo.cancel_run(target.vm_id, started.run_id)
        assert cancelled.cancelled
        assert (await repo.delete_vm(target.vm_id)).deleted
        for route in ("run", "cancel_run", "delete_vm"):
            assert em.count(route, host=combo) == 1, route
            assert em.count(route) == 1, route  # and no other host was asked
        assert target.vm_id not in em.world.vms
    finally:
        await repo.aclose()
        await client.aclose()


async def test_every_per_vm_read_goes_to_the_vm_host(em):
    client, _ = hosts_client(em)
    try:
        await client.list_vms(limit=500)
        assert em.count("list_vms", host="control") == 1
        for combo in COMBOS:
            target = vm_in(em, combo)
            em.reset_counts()
            await client.get_vm(target.vm_id)
            await client.list_runs(target.vm_id)
            await client.list_sessions(target.vm_id)
            await client.list_tunnels(target.vm_id)
            await client.list_syncs(target.vm_id)
            assert {r.host for r in em.requests} == {combo}
    finally:
        await client.aclose()


async def test_a_fork_of_a_public_golden_goes_to_burst_and_lives_there(em):
    transport, urls = em.hosts_transport([parse_host(h) for h in DEMO_HOSTS])
    settings = Settings(control_url=urls["control"], burst_base_url=urls["aws-burst/us-west-2"],
                        compute_hosts=(("aws/eu-central-1", urls["aws/eu-central-1"]),))
    client = ArkerClient(settings, transport=transport, retry=RetryPolicy(max_retries=0))
    try:
        new = await client.fork(m.ForkRequest(source_vm_name="arkuntu", name="from-golden"))
        assert em.count("fork", host="aws-burst/us-west-2") == 1
        assert (new.provider, new.region) == ("aws-burst", "us-west-2")
        await client.list_vms(limit=500)
        source = vm_in(em, "aws/eu-central-1")
        em.reset_counts()
        child = await client.fork(m.ForkRequest(source_vm_id=source.vm_id, name="child"))
        assert em.count("fork", host="aws/eu-central-1") == 1 and child.region == "eu-central-1"
    finally:
        await client.aclose()


async def test_a_misconfigured_map_is_a_clear_error_naming_the_host_and_the_entry(em):
    transport, urls = em.hosts_transport([parse_host(h) for h in DEMO_HOSTS])
    # eu-central-1 pointed at the us-west-2 host by mistake.
    wrong = (("aws/eu-central-1", urls["aws/us-west-2"]),)
    client, _ = hosts_client(em, hosts_map=wrong)
    repo = Repository(client, intervals=Intervals(lists=100.0, detail=100.0, filesystems=100.0))
    try:
        await repo.get(Query.vms())
        target = vm_in(em, "aws/eu-central-1")
        with pytest.raises(ArkerError) as info:
            await repo.delete_vm(target.vm_id)
        error = info.value
        assert error.code == "not_found"
        assert urls["aws/us-west-2"] in error.message
        assert 'compute_hosts "aws/eu-central-1"' in error.message and "aws/eu-central-1" in str(error)
        assert target.vm_id in em.world.vms  # nothing was deleted
    finally:
        await repo.aclose()
        await client.aclose()


async def test_a_host_that_is_down_is_named_in_the_error(em):
    transport, urls = em.hosts_transport([parse_host(h) for h in DEMO_HOSTS])
    hosts_map = (("aws", "http://nowhere.emulator"),)
    client = ArkerClient(Settings(control_url=urls["control"], compute_hosts=hosts_map),
                         transport=transport, retry=RetryPolicy(max_retries=0))
    try:
        await client.list_vms(limit=500)
        with pytest.raises(ArkerError) as info:
            await client.get_vm(vm_in(em, "aws/us-west-2").vm_id)
        assert "http://nowhere.emulator" in info.value.message and 'compute_hosts "aws"' in info.value.message
    finally:
        await client.aclose()


def test_the_repository_describes_the_host_of_a_vm(em):
    client, urls = hosts_client(em)
    repo = Repository(client)
    url, note = repo.describe_host(vm(provider="aws-burst", region="eu-central-1"))
    assert url == urls["aws-burst/eu-central-1"] and note == 'compute_hosts "aws-burst/eu-central-1"'


# --- the command line -----------------------------------------------------------------


def test_bad_cli_values_exit_2_with_a_clear_message(capsys):
    from arker_tui import cli

    for argv, words in ((["--run-log-cap", "-1"], "must be 1 or more"),
                        (["emulator", "--hosts", "control,gcp/x"], "'gcp/x' is not a host"),
                        (["emulator", "--port", "0"], "must be 1 or more")):
        with pytest.raises(SystemExit) as info:
            cli.main(argv)
        assert info.value.code == 2, argv
        assert words in capsys.readouterr().err, argv


def test_help_ends_with_the_environment_and_the_config_path(capsys, tmp_path, monkeypatch):
    from arker_tui import cli

    monkeypatch.setenv("ARKER_TUI_CONFIG", str(tmp_path / "c.toml"))
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = capsys.readouterr().out
    assert "ARKER_BURST_BASE_URL" in out and out.rstrip().endswith(f"config file: {tmp_path / 'c.toml'}")
    assert "--api-key-env VAR" in out and "read the API key from environment variable VAR" in out
