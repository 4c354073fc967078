"""A long run's output in the emulator: polled again and again, it is what
the run printed by then, whatever was asked before."""

from __future__ import annotations

import pytest

from arker_tui.emulator.shell import Progress


@pytest.mark.parametrize("style", ["train", "progress"])
def test_polled_output_is_the_output_at_that_moment(style):
    polled = Progress(count=400, interval=0.5, style=style)
    for dt in [0, 0.2, 0.5, 3, 7.2, 7.2, 50, 12.5, 149.9, 150, 400, 10, 0, 90]:
        assert polled.output(dt) == Progress(count=400, interval=0.5, style=style).output(dt), dt


def test_train_output_has_one_line_per_epoch_and_a_checkpoint_every_25():
    out, err = Progress(count=400, interval=0.5, style="train").output(60.0)  # 120 epochs
    lines = out.decode().splitlines()
    assert len(lines) == 1 + 120 and lines[-1].startswith("epoch 0120 ")
    notes = err.decode().splitlines()
    assert [n[-4:] for n in notes] == ["0025", "0050", "0075", "0100"]


def test_progress_output_has_a_note_every_five_lines():
    step = Progress(count=20, interval=1.0)
    step.output(4.0)
    out, err = step.output(12.0)
    assert out.decode().splitlines()[-1] == "progress 12/20 60%"
    assert err.decode() == "note: checkpoint 5\nnote: checkpoint 10\n"
