"""The `/` line's terms, parsed and matched without Textual."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from arker_tui.api.models import RunSummary, Vm
from arker_tui.ui.filter_terms import (
    RUN_FIELDS,
    VM_FIELDS,
    FilterTermError,
    describe,
    parse,
    parse_duration,
    parse_size_mib,
)

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


def ago(**delta) -> str:
    return (NOW - timedelta(**delta)).isoformat().replace("+00:00", "Z")


def vm(name, **kw) -> Vm:
    fields = dict(vm_id=f"vm_{name}", name=name, state="idle", region="us-west-2", provider="aws",
                  vcpu_count=2, memory_mib=4096, created_at=ago(days=1), started_at=ago(hours=1))
    fields.update(kw)
    return Vm(**fields)


VMS = [
    vm("ci-1", region="eu-central-1", provider="aws-burst", created_at=ago(days=9), started_at=ago(days=8),
       root_source_vm_name="arkuntu"),
    vm("ci-2", region="eu-central-1", state="running", created_at=ago(days=2), started_at=ago(minutes=5),
       root_source_vm_name="arkuntu"),
    vm("api-dev", vcpu_count=4, memory_mib=8192, public=True, root_source_vm_name="ubuntu",
       created_at=ago(days=30), started_at=ago(minutes=90)),
    vm("big", vcpu_count=8, memory_mib=16384, root_source_vm_name="ubuntu-full"),
    vm("tiny", vcpu_count=1, memory_mib=512, created_at=ago(minutes=20), started_at=ago(minutes=20)),
]


def names(text: str, items=VMS, fields=VM_FIELDS) -> list[str]:
    expression = parse(text, fields)
    now = NOW.timestamp()
    return [v.name for v in items
            if expression.matches(v, f"{v.name}\n{v.vm_id}".lower(), now)]


@pytest.mark.parametrize("text, expected", [
    ("state:idle", ["ci-1", "api-dev", "big", "tiny"]),
    ("state:running", ["ci-2"]),
    ("state!=idle", ["ci-2"]),
    ("region:eu-central-1", ["ci-1", "ci-2"]),
    ("REGION:EU-CENTRAL-1", ["ci-1", "ci-2"]),
    ("provider:aws-burst", ["ci-1"]),
    ("name:ci-*", ["ci-1", "ci-2"]),
    ("name:ci", []),  # a glob: no wildcard means the whole name
    ("name:?i?", ["big"]),
    ("cpu>=4", ["api-dev", "big"]),
    ("cpu<2", ["tiny"]),
    ("cpu:8", ["big"]),
    ("mem>=8G", ["api-dev", "big"]),
    ("mem<=512M", ["tiny"]),
    ("mem>4096MiB", ["api-dev", "big"]),
    ("age>7d", ["ci-1", "api-dev"]),
    ("age<30m", ["tiny"]),
    ("age>1w", ["ci-1", "api-dev"]),
    ("started<2h", ["ci-2", "api-dev", "big", "tiny"]),
    ("started>1d", ["ci-1"]),
    ("public:true", ["api-dev"]),
    ("public:false", ["ci-1", "ci-2", "big", "tiny"]),
    ("golden:ubuntu", ["api-dev"]),
    ("golden:ubuntu*", ["api-dev", "big"]),
    # AND: every term and every plain word
    ("state:idle age>7d region:eu-central-1", ["ci-1"]),
    ("ci state:running", ["ci-2"]),
    ("ci", ["ci-1", "ci-2"]),  # plain words stay substrings
    ("", ["ci-1", "ci-2", "api-dev", "big", "tiny"]),
])
def test_each_vm_term(text, expected):
    assert names(text) == expected


@pytest.mark.parametrize("text, term", [
    ("cpu>=x", "cpu>=x"),
    ("mem>=8", "mem>=8"),  # a size needs its unit
    ("mem>=8Q", "mem>=8Q"),
    ("age>7", "age>7"),
    ("age:7d", "age:7d"),  # an age is compared, not equal
    ("started<soon", "started<soon"),
    ("colour:red", "colour:red"),
    ("public:maybe", "public:maybe"),
    ("state:", "state:"),
    ("state>idle", "state>idle"),
    ("ci state:idle cpu>=", "cpu>="),  # the bad one is named, not the first
    ('cmd:"unclosed', None),
])
def test_a_bad_term_is_an_error_naming_it(text, term):
    with pytest.raises(FilterTermError) as caught:
        parse(text, VM_FIELDS)
    if term is not None:
        assert caught.value.term == term
        assert term in str(caught.value)


def test_question_mark_asks_for_the_terms():
    with pytest.raises(FilterTermError) as caught:
        parse("state:idle ?", VM_FIELDS)
    assert caught.value.term == "?"
    listing = describe(VM_FIELDS)
    for example in ("state:idle", "region:eu-central-1", "provider:aws-burst", "name:ci-*", "cpu>=4",
                    "mem>=8G", "age>7d", "started<2h", "public:true", "golden:ubuntu"):
        assert example in listing


RUNS = [
    RunSummary(run_id="run_ok", command="pytest -q", state="completed", exit_code=0, started_at=ago(hours=3)),
    RunSummary(run_id="run_two", command="make test", state="completed", exit_code=2, started_at=ago(minutes=10)),
    RunSummary(run_id="run_live", command="python train.py", state="running", started_at=ago(minutes=1)),
    RunSummary(run_id="run_bad", command="./deploy.sh", state="failed", started_at=ago(days=2)),
]


def run_ids(text: str) -> list[str]:
    expression = parse(text, RUN_FIELDS)
    return [r.run_id for r in RUNS if expression.matches(r, f"{r.run_id} {r.command}".lower(), NOW.timestamp())]


@pytest.mark.parametrize("text, expected", [
    ("state:completed", ["run_ok", "run_two"]),
    ("exit!=0", ["run_two"]),  # a run without an exit code is not "not 0"
    ("exit:0", ["run_ok"]),
    ("cmd:test", ["run_ok", "run_two"]),  # a substring of the command
    ("cmd:make", ["run_two"]),
    ("cmd:py*", ["run_ok", "run_live"]),
    ('cmd:"make test"', ["run_two"]),
    ("age>1h", ["run_ok", "run_bad"]),
    ("age>1h state:failed", ["run_bad"]),
    ("train", ["run_live"]),
])
def test_each_run_term(text, expected):
    assert run_ids(text) == expected


def test_run_lists_refuse_vm_terms():
    with pytest.raises(FilterTermError) as caught:
        parse("cpu>=4", RUN_FIELDS)
    assert caught.value.term == "cpu>=4"


def test_units():
    assert parse_duration("30m") == 1800 and parse_duration("2h") == 7200 and parse_duration("7d") == 604800
    assert parse_size_mib("512M") == 512 and parse_size_mib("8G") == 8192 and parse_size_mib("1T") == 1048576
    with pytest.raises(ValueError):
        parse_duration("7")
    with pytest.raises(ValueError):
        parse_size_mib("lots")
