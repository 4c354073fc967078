"""LineStore holds lines as a deque[str] with a maxlen does (ui/line_store.py)."""

from __future__ import annotations

import random
import tracemalloc
from collections import deque
from itertools import islice

import pytest

from arker_tui.ui.line_store import BLOCK, LineStore


def _line(rng: random.Random) -> str:
    return rng.choice(["", "x", "epoch 0001 loss=0.4121 ok", "é ünïcode ✓", "\x1b[31mred\x1b[0m", "a" * 300])


@pytest.mark.parametrize("maxlen", [None, 1, 7, BLOCK, BLOCK + 3, 3 * BLOCK - 1])
def test_it_reads_as_a_deque_with_the_same_maxlen_after_any_extends(maxlen):
    rng = random.Random(maxlen or 0)
    store, model = LineStore(maxlen=maxlen), deque(maxlen=maxlen)
    for step in range(400):
        batch = [f"{step}:{_line(rng)}" for _ in range(rng.choice([0, 1, 2, 5, BLOCK - 1, BLOCK, 2 * BLOCK + 9]))]
        store.extend(batch)
        model.extend(batch)
        assert len(store) == len(model) and bool(store) == bool(model)
        if step % 37 == 0:
            assert list(store) == list(model)
        for index in {0, len(model) // 2, len(model) - 1, -1} if model else ():
            assert store[index] == model[index]
        if step == 250:
            store.clear()
            model.clear()
    assert list(store) == list(model)
    assert list(islice(store, 5)) == list(islice(model, 5))


def test_an_index_past_either_end_raises_index_error():
    store = LineStore(["a", "b"], maxlen=10)
    assert store[-2] == "a"
    with pytest.raises(IndexError):
        store[2]
    with pytest.raises(IndexError):
        store[-3]


def _held(store) -> int:
    """Bytes that 100,000 new 30-character lines, a few at a time, leave in ``store``."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for start in range(0, 100_000, 3):  # a few at a time, as polls bring them
            store.extend([f"epoch {i:06d} loss=0.4121 ok.." for i in range(start, min(start + 3, 100_000))])
        return tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()


def test_sealed_lines_cost_their_text_not_an_object_each():
    store = LineStore(maxlen=100_000)
    compact = _held(store)
    assert len(store) == 100_000 and store[12_345] == "epoch 012345 loss=0.4121 ok.."
    assert compact < 100_000 * (30 + 1 + 4) * 1.2  # the text, a newline and an offset per line
    assert compact * 2 < _held(deque(maxlen=100_000))  # one str object per line: over twice that
