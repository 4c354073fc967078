"""The cyclic garbage collector while a big list is first loaded.

A first load of 100,000 VMs leaves some 500,000 long-lived objects behind
(models, their lists, the tree's entries). The collector walks the whole old
generation again each time it has grown by a quarter: 18 full passes over
that load, growing to 250 ms each, every one a frozen frame (and a key not
answered). So while a list is loaded for the first time the collector is
held off, and when the load brought ``BULK`` items or more, what survived is
collected once and frozen (``gc.freeze``: left out of every later pass).
One pause where there were eighteen. Freezing keeps nothing alive: the
models are acyclic, so reference counting still frees a VM that is replaced
or deleted; the collect just before it means no garbage is frozen.

Holds nest (several lists load at once); the collector comes back on when
the last one ends, unless it was off already. Start-up is one such hold
(``hold_for_startup``, from the command line, to ``end_startup`` at the first
frame): it allocates the modules, classes and the first screen, which are
frozen as they are when it ends.
"""

from __future__ import annotations

import gc

BULK = 5_000  # items in one first load from which the survivors are frozen


class _Holds:
    def __init__(self) -> None:
        self.count = 0
        self.turned_off = False  # whether the first hold turned the collector off
        self.loaded = 0  # items the current holds brought
        self.startup = False  # the start-up hold is on
        self.freeze = False  # freeze when the last hold ends, even under BULK


_holds = _Holds()


def hold() -> None:
    """A first load starts."""
    if _holds.count == 0:
        _holds.turned_off = gc.isenabled()
        _holds.loaded = 0
        gc.disable()
    _holds.count += 1


def release(items: int) -> None:
    """A first load ended (or failed) after bringing ``items`` items."""
    _holds.count -= 1
    _holds.loaded += items
    if _holds.count > 0:
        return
    if _holds.turned_off:
        if _holds.loaded >= BULK:
            gc.collect()
            gc.freeze()
        elif _holds.freeze:
            gc.freeze()
        gc.enable()
    _holds.turned_off = _holds.freeze = False


def hold_for_startup() -> None:
    _holds.startup = True
    hold()


def end_startup() -> None:
    """The first frame is up: what start-up made is frozen (now, or when the
    first loads still running end)."""
    if _holds.startup:
        _holds.startup = False
        _holds.freeze = True
        release(0)
