"""Number fields: parsed inside the validator (a Unicode digit gives a
message, never an exception), and bounded, with words saying which and why."""

from __future__ import annotations

import pytest

from arker_tui.ui.forms import validation as v


@pytest.mark.parametrize("text", ["²", "80,²", "٣", "8080 ³", "1e3", "0x50"])
def test_ports_with_unicode_or_odd_digits_get_a_message(text):
    error = v.check_ports("Ports", text)
    assert error is not None and error.startswith("Ports: ") and "port number" in error
    assert all(isinstance(p, int) for p in v.parse_ports(text))  # never raises


@pytest.mark.parametrize("text", ["²", "٣", "1.5", "ten", "1_000"])
def test_whole_numbers_need_ascii_digits(text):
    error = v.check_int("vCPU", text, minimum=1)
    assert error == f"vCPU: {text!r} is not a whole number"


def test_a_4000_digit_disk_size_is_refused_in_words():
    error = v.check_int("Disk MiB", "9" * 4000, minimum=1)
    assert error == "Disk MiB: a 4,000-character value is far too large (at most 2,147,483,647)"
    assert v.check_disk_mib("Disk MiB", "9" * 12) == "Disk MiB: 999999999999 is above the ceiling 67108864 (64 TiB)"
    assert v.check_disk_mib("Disk MiB", "20480") is None


def test_every_whole_number_field_has_a_bound():
    assert v.check_int("Max memory MiB", "3000000000", minimum=1) == (
        "Max memory MiB: 3,000,000,000 is above the largest accepted value 2,147,483,647")
    assert "16 TiB" in v.check_memory("Memory MiB", "99999999999", minimum=None, maximum=None)
    assert "the most any VM has" in v.check_vcpu("vCPU", "5000")
    assert "max_vcpus" in v.check_vcpu("vCPU", "9", maximum=8)
    assert v.check_vcpu("vCPU", "2", maximum=8) is None


@pytest.mark.parametrize("text", ["1e+308", "1e308", "700000"])
def test_an_absurd_timeout_is_refused(text):
    error = v.check_positive_number("Timeout s", text)
    assert error is not None and "longest accepted 604800 s (a week)" in error


@pytest.mark.parametrize("text", ["nan", "inf", "-1", "0", "²", "١٠"])
def test_a_timeout_that_is_no_positive_number_is_refused(text):
    error = v.check_positive_number("Timeout s", text)
    assert error is not None and error.startswith("Timeout s: ")
    assert v.parse_float(text) is None or v.parse_float(text) <= 0


def test_ordinary_values_pass():
    assert v.check_positive_number("Timeout s", "90.5") is None and v.parse_float("90.5") == 90.5
    assert v.check_ports("Ports", "80, 443 8080") is None and v.parse_ports("80, 443 8080") == [80, 443, 8080]
    assert v.check_int("vCPU", "+2", minimum=1) is None and v.parse_int("+2") == 2
