"""The shared field validators: each bad value gives a message naming the
field and why; good values give None and parse to what the API gets."""

from __future__ import annotations

import pytest

from arker_tui.ui.forms import validation as v
from arker_tui.ui.forms.output_view import hex_dump, is_binary


@pytest.mark.parametrize("text, expected", [
    ("", None),
    ("api-dev.2_b", None),
    ("x y", "Name: ' ' is not allowed (letters, digits, '.', '_', '-')"),
    ("-lead", "Name: must start with a letter or digit"),
    ("é", "Name: 'é' is not allowed (letters, digits, '.', '_', '-')"),
    ("a" * 64, "Name: 64 characters, at most 63"),
])
def test_check_name(text, expected):
    assert v.check_name("Name", text) == expected


def test_check_name_required():
    assert v.check_name("Name", "  ", required=True) == "Name: required"


@pytest.mark.parametrize("text, expected", [
    ("", None),
    ("8", None),
    ("9", "vCPU: 9 is above the ceiling 8 (max_vcpus)"),
    ("0", "vCPU: 0 is below the minimum 1"),
    ("2.5", "vCPU: '2.5' is not a whole number"),
    ("two", "vCPU: 'two' is not a whole number"),
])
def test_check_int_with_ceiling(text, expected):
    assert v.check_int("vCPU", text, minimum=1, maximum=8, ceiling="max_vcpus") == expected


@pytest.mark.parametrize("text, expected", [
    ("", None),
    ("1024", None),
    ("256", "Memory MiB: 256 MiB is below the floor 512 (min_memory_mib)"),
    ("99999", "Memory MiB: 99999 MiB is above the ceiling 16384 (max_memory_mib)"),
    ("lots", "Memory MiB: 'lots' is not a whole number"),
])
def test_check_memory(text, expected):
    assert v.check_memory("Memory MiB", text, minimum=512, maximum=16384) == expected


@pytest.mark.parametrize("text, expected", [
    ("8080", None),
    ("8080, 3000 443", None),
    ("", "Ports: at least one port is required"),
    ("0", "Ports: 0 is outside 1..65535"),
    ("65536", "Ports: 65536 is outside 1..65535"),
    ("-1", "Ports: '-1' is not a port number"),
    ("80,80", "Ports: 80 is listed twice"),
])
def test_check_ports(text, expected):
    assert v.check_ports("Ports", text) == expected


def test_parse_ports_and_optional_ports():
    assert v.parse_ports("8080, 3000 443") == [8080, 3000, 443]
    assert v.check_ports("Ports", "", required=False) is None


@pytest.mark.parametrize("text, expected", [
    ("A=1\nB_2=two words\n\n# comment\nC=", None),
    ("A", "Env: line 1 has no '=' (KEY=VALUE)"),
    ("A=1\n=2", "Env: line 2 has no key before '='"),
    ("A=1\n\n9X=1", "Env: line 3: '9X' is not a valid name (letters, digits, '_'; not a digit first)"),
    ("MY-VAR=1", "Env: line 1: 'MY-VAR' is not a valid name (letters, digits, '_'; not a digit first)"),
    ("A=1\nA=2", "Env: line 2: A is set twice"),
])
def test_check_env_lines(text, expected):
    assert v.check_env_lines("Env", text) == expected


def test_parse_env_lines_keeps_values_verbatim():
    assert v.parse_env_lines("A=1\nB=x=y\n# c\n\nC= spaced ") == {"A": "1", "B": "x=y", "C": " spaced "}


@pytest.mark.parametrize("text, expected", [
    ("/mnt/data", None),
    ("", "Mount path: required"),
    ("mnt/data", "Mount path: must be an absolute path (start with '/')"),
    ("/a\nb", "Mount path: must not contain control characters"),
])
def test_check_abs_path(text, expected):
    assert v.check_abs_path("Mount path", text) == expected


@pytest.mark.parametrize("text, expected", [
    ("", None),
    ("30", None),
    ("0.5", None),
    ("0", "Timeout s: must be more than 0 seconds"),
    ("-1", "Timeout s: must be more than 0 seconds"),
    ("nan", "Timeout s: must be more than 0 seconds"),
    ("soon", "Timeout s: 'soon' is not a number of seconds"),
])
def test_check_positive_number(text, expected):
    assert v.check_positive_number("Timeout s", text) == expected


@pytest.mark.parametrize("text, expected", [
    ("github.com, pypi.org *.example.com host:8443", None),
    ("", "Allowed hosts: an allow-list needs at least one host"),
    ("https://github.com", "Allowed hosts: 'https://github.com' is not a host name"),
    ("bad_host", "Allowed hosts: 'bad_host' is not a host name"),
])
def test_check_hosts(text, expected):
    assert v.check_hosts("Allowed hosts", text) == expected


def test_binary_detection_and_hex_dump():
    assert not is_binary("héllo\n".encode())
    assert is_binary(b"\x00abc") and is_binary(b"\xff\xfe")
    data = bytes(range(256)) * 20  # 5120 bytes
    lines = hex_dump(data).splitlines()
    assert len(lines) == 4096 // 16  # only the first 4 KiB
    assert lines[0] == "00000000  " + " ".join(f"{b:02x}" for b in range(16)) + "  |................|"
    assert lines[4].endswith("|@ABCDEFGHIJKLMNO|")
