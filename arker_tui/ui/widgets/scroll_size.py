"""Setting a scroll view's scrollable size without laying out the screen.

``virtual_size`` is a layout reactive: setting it lays out and repaints the
whole screen. A run log under a flood of output sets it every frame, and a
list gets a new row count every time another VM is selected, so that was
most of each frame. When no scrollbar appears or goes, only the view and
its scrollbars change: the size is set without the layout, the scrollbars
are told, and a view that shrank under its scroll offset is scrolled back
(all public API)."""

from __future__ import annotations

from textual.geometry import Size
from textual.scroll_view import ScrollView


def set_virtual_size(view: ScrollView, size: Size) -> None:
    old = view.virtual_size
    if size == old:
        return
    width, height = view.container_size
    bar_v, bar_h = view.styles.scrollbar_size_vertical, view.styles.scrollbar_size_horizontal
    same_bars = (
        view.is_attached and bool(width and height)
        and all((old.height > h) == (size.height > h) for h in (height, height - bar_h))
        and all((old.width > w) == (size.width > w) for w in (width, width - bar_v))
    )
    if not same_bars:
        view.virtual_size = size
        return
    view.set_reactive(type(view).virtual_size, size)
    if view.show_vertical_scrollbar:
        view.vertical_scrollbar.window_virtual_size = size.height
    if view.show_horizontal_scrollbar:
        view.horizontal_scrollbar.window_virtual_size = size.width
    if view.scroll_y > view.max_scroll_y or view.scroll_x > view.max_scroll_x:
        view.scroll_to(min(view.scroll_x, view.max_scroll_x), min(view.scroll_y, view.max_scroll_y),
                       animate=False)
    view.refresh()
