"""Every action of the app, described once.

Each ``Action`` is a key binding id (what users remap in the config file's
keymap), its default keys, its words (the footer's label, the help line, the
command palette's title) and its handler. The widgets' ``BINDINGS``, the
footer, the ``?`` help, the command palette and the keymap check all come
from this table, so a key is bound in exactly one place.

A handler is one of:

- ``local``: an ``action_<handler>`` method of the widget (or screen, or app)
  the binding lives on: moving a cursor, following a log, a tab switch;
- otherwise the screen's controller: the binding makes the widget post
  ``ActionRequested(action id)`` (see ``intents``) and the controller's
  ``do_<handler>`` resolves the target from what is on screen, confirms and
  calls the repository. ``target`` names what it acts on.

No Textual widget imports here: widgets, screens and the app all read it.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding, BindingType


@dataclass(frozen=True)
class Action:
    id: str  # the binding id, e.g. "tunnels.delete"
    keys: str  # default keys, comma-separated, in Textual's key names
    description: str  # the footer's words
    scope: str  # where the key works: a key of SCOPES
    handler: str  # local: the action method's name; else the controller's do_<handler>
    local: bool = False
    target: str = ""  # what a controller action acts on: vm, run, session, tunnel, sync, filesystem
    help: str = ""  # one line for ? (defaults to the description)
    command: str = ""  # the command palette's title ("" = not in the palette)
    mutating: bool = False  # changes something on the server: refused read-only
    show: bool = True  # in the footer
    priority: bool = False

    @property
    def binding_action(self) -> str:
        return self.handler if self.local else f"intent('{self.id}')"

    def binding(self, keys: str | None = None) -> Binding:
        return Binding(keys or self.keys, self.binding_action, self.description, show=self.show,
                       priority=self.priority, id=self.id)


# Scope -> the heading of its section in the ? help, in the order shown there.
SCOPES = {
    "app": "Everywhere",
    "main": "Main screen",
    "vms": "VM tree",
    "tree": "VM tree",
    "list": "Every list",
    "listpane": "Every list",
    "runs": "Runs",
    "sessions": "Sessions",
    "tunnels": "Tunnels",
    "filesystems": "Filesystems",
    "syncs": "Filesystems: mounted in this VM",
    "runview": "Run log",
    "runlog": "Run log",
    "logsearch": "Run log: search line",
    "detail": "Details",
    "filter": "Filter line",
    "activity": "Org activity (a)",
    "confirm": "Confirmation",
    "form": "Forms",
    "textview": "Text viewer",
    "output": "Output viewer",
    "token": "Tunnel token",
    "history": "Command field",
    "help": "Help",
    "console": "Console",
    "consoleinput": "Console: command line",
    "watched": "Watched runs",
}


def _local(id: str, keys: str, description: str, scope: str, handler: str, **extra) -> Action:
    return Action(id, keys, description, scope, handler, local=True, **extra)


def _act(id: str, keys: str, description: str, scope: str, handler: str, target: str = "", **extra) -> Action:
    return Action(id, keys, description, scope, handler, target=target, **extra)


ACTIONS: tuple[Action, ...] = (
    # --- everywhere -------------------------------------------------------------
    _local("app.quit", "q", "Quit", "app", "quit", command="Quit", help="leave arker-tui"),
    _local("app.help", "question_mark", "Help", "app", "help", command="Help: every key",
           help="this screen: every key, by pane"),
    _local("app.palette", "colon,ctrl+p", "Commands", "app", "command_palette", show=False,
           help="the command palette: every action, and the key it is on"),
    _local("app.refresh", "r", "Refresh", "app", "refresh_now", command="Refresh now",
           help="fetch everything on screen again"),
    _local("app.pause", "p", "Pause", "app", "toggle_pause", command="Pause / resume live refresh",
           help="stop or restart refreshing on intervals"),
    _local("app.activity", "a", "Activity", "app", "show_activity", command="Org activity",
           help="every run / fork / sync call of the org, with HTTP status and latency"),
    # --- the main screen ----------------------------------------------------------
    _local("pane.vms", "1", "VMs", "main", "focus_pane('1')", show=False, command="Go to the VM tree",
           help="focus the VM tree"),
    _local("pane.runs", "2", "Runs", "main", "focus_pane('2')", show=False, command="Go to Runs",
           help="show the selected VM's runs"),
    _local("pane.sessions", "3", "Sessions", "main", "focus_pane('3')", show=False, command="Go to Sessions",
           help="show the selected VM's sessions"),
    _local("pane.tunnels", "4", "Tunnels", "main", "focus_pane('4')", show=False, command="Go to Tunnels",
           help="show the selected VM's tunnels"),
    _local("pane.filesystems", "5", "Filesystems", "main", "focus_pane('5')", show=False,
           command="Go to Filesystems", help="show the org's filesystems and the VM's mounts"),
    _local("pane.details", "6,i", "Details", "main", "focus_pane('6')", show=False, command="Go to Details",
           help="show every field of the selected VM"),
    _local("app.filter", "slash", "Filter", "main", "filter", command="Filter the focused list",
           help="filter the focused list: words, and terms like state:idle age>7d (? lists them); esc clears"),
    _local("app.back", "escape", "Back", "main", "back", show=False,
           help="close the run log, clear a filter, or go back to the VM tree"),
    # --- the VM tree --------------------------------------------------------------
    _act("vms.delete", "d,delete", "Delete VM", "vms", "delete", "vm", mutating=True,
         command="Delete the selected VM", help="asks first, naming the VM and what goes with it"),
    _local("vms.copy_id", "y", "Copy id", "vms", "copy_id", show=False, help="copy the VM's id (OSC 52)"),
    _act("vms.fork", "f", "Fork", "vms", "fork", "vm", mutating=True, command="Fork a VM…",
         help="the selected VM, a public golden, or a VM by name / id"),
    _act("vms.run_command", "x", "Run", "vms", "run_command", "vm", mutating=True,
         command="Run a command in the selected VM…", help="foreground or background"),
    _act("vms.resize", "R", "Resize", "vms", "resize", "vm", mutating=True,
         command="Resize the selected VM…", help="vCPU / memory / disk within its ceilings"),
    _act("vms.read_file", "v", "Read file", "vms", "read_file", "vm", command="Read a file from the selected VM…",
         help="show a file: text, or hex and size"),
    _act("vms.write_file", "W", "Write file", "vms", "write_file", "vm", mutating=True, show=False,
         command="Write a file into the selected VM…", help="path and text; replaces the file"),
    _act("vms.release", "L", "Release", "vms", "release", "vm", mutating=True, show=False,
         command="Release the selected VM's resources…", help="cpu / memory / disk of an idle VM"),
    _local("tree.grouping", "g", "Grouping", "tree", "cycle_grouping", command="Switch VM grouping",
           help="group the tree by lineage, region or state"),
    _local("tree.toggle", "space", "Mark/expand", "tree", "toggle_group", show=False,
           help="on a VM: mark or unmark it; on a group: open or close it (left / right fold a VM's forks)"),
    _local("tree.collapse", "left,h", "Collapse", "tree", "collapse", show=False,
           help="close the group, or a VM's forks; on a fork, go to its parent"),
    _local("tree.expand", "right,l", "Expand", "tree", "expand", show=False, help="open the group, or a VM's forks"),
    # --- every list -----------------------------------------------------------------
    _local("list.up", "up,k", "Up", "list", "cursor_up", show=False),
    _local("list.down", "down,j", "Down", "list", "cursor_down", show=False),
    _local("list.page_up", "pageup", "Page up", "list", "page_up", show=False),
    _local("list.page_down", "pagedown", "Page down", "list", "page_down", show=False),
    _local("list.first", "home", "First", "list", "first", show=False),
    _local("list.last", "end", "Last", "list", "last", show=False),
    _local("list.open", "enter", "Open", "list", "select",
           help="open the row: a run's log, a session's console, a group, any other row in full"),
    _local("list.copy_id", "y", "Copy id", "listpane", "copy_id", help="copy the row's id (OSC 52)"),
    # marks and sort (every list; d / c then act on every marked row of the list)
    _local("list.mark", "space", "Mark", "list", "toggle_mark", show=False,
           help="mark or unmark the row (d, and c in Runs, then act on every marked row)"),
    _local("list.mark_all", "ctrl+a", "Mark all", "list", "mark_all", show=False,
           command="Mark every row the filter shows", help="mark every row the filter shows"),
    _local("list.clear_marks", "u", "Clear marks", "list", "clear_marks", show=False,
           command="Clear the marks of the focused list", help="unmark every row"),
    _local("list.sort", "o,s", "Sort", "list", "cycle_sort", show=False,
           command="Sort the focused list by the next column",
           help="sort by the next column (the header shows which, and the direction); s in Tunnels"),
    _local("list.direction", "O", "Asc/desc", "list", "toggle_direction", show=False,
           command="Flip the sort of the focused list", help="flip the sort"),
    # --- runs ---------------------------------------------------------------------------
    _act("runs.cancel", "c", "Cancel run", "runs", "cancel_run", "run", mutating=True,
         command="Cancel the selected run", help="asks first, naming the run and its VM"),
    _local("runs.state_filter", "t", "State filter", "runs", "cycle_state",
           help="show every run, or only running / completed / failed / cancelled ones"),
    _act("runs.run_command", "x", "Run", "runs", "run_command", "vm", mutating=True,
         help="run a command in the selected VM"),
    # --- sessions -------------------------------------------------------------------------
    _act("sessions.delete", "d,delete", "Delete", "sessions", "delete", "session", mutating=True,
         command="Delete the selected session", help="asks first, naming the session and its VM"),
    _act("sessions.new", "n", "New", "sessions", "new_session", "vm", mutating=True, command="New session…",
         help="a session with a cwd and env in the selected VM"),
    # priority: the list's own k (vim up) would win otherwise; up still moves.
    _act("sessions.signal", "k", "Signal", "sessions", "signal", "session", mutating=True, priority=True,
         command="Signal the selected session…", help="SIGINT / SIGTERM / SIGKILL / SIGHUP (asks first)"),
    # --- tunnels ----------------------------------------------------------------------------
    _act("tunnels.delete", "d,delete", "Delete", "tunnels", "delete", "tunnel", mutating=True,
         command="Delete the selected tunnel", help="asks first, naming the tunnel and its VM"),
    _act("tunnels.new", "n", "New", "tunnels", "new_tunnel", "vm", mutating=True, command="New tunnel…",
         help="ports and auth mode in the selected VM"),
    _local("tunnels.copy", "y", "Copy URL", "tunnels", "copy_url", help="copy the tunnel's URL (OSC 52)"),
    # priority: the list's own o (sort) would win otherwise; in Tunnels the sort is on s.
    _local("tunnels.open", "o", "Open URL", "tunnels", "open_url", priority=True,
           help="open the tunnel's URL in a browser"),
    # --- filesystems and syncs ----------------------------------------------------------------
    _act("filesystems.delete", "d,delete", "Delete", "filesystems", "delete", "filesystem", mutating=True,
         command="Delete the selected filesystem", help="asks first, naming the filesystem"),
    _act("filesystems.new", "n", "New", "filesystems", "new_filesystem", "", mutating=True,
         command="New filesystem…", help="an org-wide volume"),
    _act("filesystems.mount", "m", "Mount in VM", "filesystems", "mount", "filesystem", mutating=True,
         command="Mount the selected filesystem into the selected VM…", help="at a path of the VM"),
    _act("syncs.delete", "d,delete", "Unmount", "syncs", "delete", "sync", mutating=True,
         command="Unmount the selected sync", help="asks first; the filesystem's data stays"),
    # --- the run log -------------------------------------------------------------------------------
    _act("runlog.cancel", "c", "Cancel run", "runview", "cancel_run", "open_run", mutating=True,
         help="cancel the open run (asks first)"),
    _act("runlog.close", "escape", "Back", "runview", "close_run", command="Close the run log",
         help="close the run log"),
    _local("runlog.info", "i", "Run info", "runview", "info", help="every field of the open run"),
    _local("runlog.follow", "s", "Follow", "runlog", "toggle_follow", command="Follow / stop following the run log",
           help="follow the tail of the log, or stop"),
    _local("runlog.wrap", "w", "Wrap", "runlog", "toggle_wrap", command="Wrap / unwrap the run log",
           help="wrap long lines, or cut them (left / right scroll)"),
    _local("runlog.end", "end,G", "Tail", "runlog", "tail", show=False, help="jump to the end and follow"),
    _local("runlog.home", "home,g", "Top", "runlog", "top", show=False, help="jump to the first line"),
    _local("runlog.up", "up,k", "Up", "runlog", "line_up", show=False),
    _local("runlog.down", "down,j", "Down", "runlog", "line_down", show=False),
    _local("runlog.page_up", "pageup", "Page up", "runlog", "page_up", show=False),
    _local("runlog.page_down", "pagedown", "Page down", "runlog", "page_down", show=False),
    _local("runlog.left", "left", "Left", "runlog", "column_left", show=False),
    _local("runlog.right", "right", "Right", "runlog", "column_right", show=False),
    # --- the run log: search, streams, save, copy -----------------------------------------------------
    _local("runlog.search", "slash", "Search", "runview", "search", command="Search the run log",
           help="search the log as you type (substring, any case; regex and case toggles in the search line)"),
    _local("runlog.next_match", "n", "Next match", "runview", "next_match", show=False,
           help="jump to the next match (stops following)"),
    _local("runlog.previous_match", "N", "Previous match", "runview", "previous_match", show=False,
           help="jump to the previous match (stops following)"),
    _local("runlog.close_search", "escape", "Close search", "runlog", "close_search", show=False,
           help="close the search (highlights and filter go); the view stays where it is"),
    _local("runlog.streams", "t", "Streams", "runview", "cycle_streams",
           command="Run log: show both streams / stdout only / stderr only",
           help="show both streams, stdout only or stderr only"),
    _act("runlog.save", "S", "Save", "runview", "save_log", "open_run", command="Save the run log to a file…",
         help="write the output the app holds to a file (plain text, or with colours); asks before replacing"),
    _local("runlog.copy", "y", "Copy", "runview", "copy_lines", show=False,
           help="copy the lines on screen, or the text selected with the mouse (OSC 52)"),
    _local("logsearch.close", "escape", "Close", "logsearch", "close",
           help="close the search; the view stays where it is"),
    _local("logsearch.done", "enter", "To the log", "logsearch", "done",
           help="back to the log, keeping the search: n / N move between matches"),
    _local("logsearch.next", "down", "Next match", "logsearch", "step(True)", show=False,
           help="the next match, without leaving the search line"),
    _local("logsearch.previous", "up", "Previous match", "logsearch", "step(False)", show=False,
           help="the previous match, without leaving the search line"),
    _local("logsearch.regex", "ctrl+r", "Regex", "logsearch", "toggle_option('regex')",
           help="a regular expression instead of plain text"),
    _local("logsearch.case", "ctrl+t", "Case", "logsearch", "toggle_option('case')",
           help="match upper / lower case exactly (off: any case)"),
    _local("logsearch.filter", "ctrl+f", "Filter", "logsearch", "toggle_option('filter')",
           help="show only the lines that match, with the count of hidden lines"),
    # --- details, filter line -------------------------------------------------------------------------
    _local("detail.exact_times", "e", "Exact times", "detail", "toggle_exact",
           help="exact times instead of \"3 minutes ago\""),
    _local("detail.show_field", "enter", "Whole field", "detail", "show_field",
           help="a long field in full, in the viewer"),
    _local("filter.clear", "escape", "Clear filter", "filter", "clear_filter", help="clear the filter and close it"),
    # --- org activity -----------------------------------------------------------------------------------
    _local("activity.back", "escape", "Back", "activity", "back", help="back to the main screen"),
    _local("activity.sort", "o", "Sort", "activity", "cycle_sort", help="the column rows are sorted by"),
    _local("activity.direction", "O", "Asc/desc", "activity", "toggle_direction", help="flip the sort"),
    _local("activity.endpoint", "e", "Endpoint", "activity", "cycle_endpoint", help="run, fork, sync or every call"),
    _local("activity.search", "slash", "Search", "activity", "focus_filter('search')",
           help="search commands and paths"),
    _local("activity.vm", "v", "VM", "activity", "focus_filter('vm')", show=False,
           help="only the calls of VMs whose name or id contains this"),
    _local("activity.status", "s", "Status", "activity", "focus_filter('status')", show=False,
           help="HTTP status: 5xx, 400-499, >=500"),
    _local("activity.clear", "c", "Clear filters", "activity", "clear_filters", help="clear every filter"),
    # --- dialogs and forms ----------------------------------------------------------------------------------
    _local("confirm.yes", "y", "Yes", "confirm", "confirm", help="confirm"),
    _local("confirm.no", "n,escape", "No", "confirm", "back_out", help="back out: nothing is sent"),
    _local("confirm.switch", "left,right", "Switch", "confirm", "switch_button", show=False),
    _local("form.cancel", "escape", "Cancel", "form", "cancel", help="close the form: nothing is sent"),
    _local("form.submit", "ctrl+s", "Submit", "form", "submit",
           help="send the form (enter in a one-line field does too, once every field is valid)"),
    _local("textview.close", "escape,q,enter", "Close", "textview", "dismiss_view"),
    _local("textview.copy", "y", "Copy", "textview", "copy", help="copy the text (OSC 52)"),
    _local("output.close", "escape,q", "Close", "output", "close"),
    _local("output.copy", "y", "Copy", "output", "copy", help="copy the output as plain text (OSC 52)"),
    _local("output.wrap", "w", "Wrap", "output", "toggle_wrap", help="wrap long lines, or cut them"),
    _local("token.copy", "c", "Copy token", "token", "copy", help="copy the one-time token (OSC 52)"),
    _local("token.close", "escape,enter", "Close", "token", "close", help="close (asks first: it is shown once)"),
    _local("help.close", "escape,q,question_mark", "Close", "help", "close"),
    _local("run.history_prev", "up", "Previous", "history", "history(-1)", show=False,
           help="the VM's previous command"),
    _local("run.history_next", "down", "Next", "history", "history(1)", show=False, help="the next command"),
    # --- the session console (screens/console.py) -------------------------------------------------------
    # Not in the footer (the tree's line is full): in ? and the palette.
    # priority: the tree's own s (sort) would win otherwise; o still sorts there.
    _act("vms.console", "s", "Console", "vms", "console", "vm", show=False, priority=True,
         command="Open a console on the selected VM…",
         help="a console on the VM's first idle session, or a new one (asks)"),
    _local("console.close", "escape", "Close", "console", "close_console",
           help="back to the main screen (a running command keeps running in the session)"),
    _local("console.interrupt", "ctrl+c", "Interrupt", "console", "interrupt", mutating=True, priority=True,
           help="SIGINT to the session; again within 2 s offers SIGKILL (asks first); idle: drops the line"),
    _local("console.background", "ctrl+b", "Background", "console", "background", mutating=True, priority=True,
           command="Console: run in the background",
           help="run the typed line as a background run; while one runs: run it again there (asks first)"),
    _local("console.search", "ctrl+r", "Search", "console", "search_history", priority=True,
           command="Console: search history", help="search this VM's history for the typed text (again: older)"),
    _local("console.clear", "ctrl+l", "Clear", "console", "clear_scrollback", priority=True,
           command="Console: clear the scrollback", help="clear the scrollback (the built-in clear does too)"),
    _local("console.copy", "y", "Copy output", "console", "copy_output", command="Console: copy the last output",
           help="copy the last command's output (OSC 52; from the scrollback: tab there)"),
    # From the scrollback (tab there): in the command line these are letters.
    _local("console.find", "slash", "Search", "console", "search", show=False, command="Console: search the scrollback",
           help="search the scrollback as the run log's / does (from the scrollback: tab there)"),
    _local("console.next_match", "n", "Next match", "console", "next_match", show=False,
           help="the next match in the scrollback (stops following)"),
    _local("console.previous_match", "N", "Previous match", "console", "previous_match", show=False,
           help="the previous match in the scrollback"),
    _local("console.env", "i", "Env", "console", "show_env", command="Console: the session's env",
           help="the session's cwd and env in full (from the scrollback: tab there)"),
    _local("console.history_prev", "up", "Previous", "consoleinput", "history(-1)", show=False,
           help="the previous command typed in this VM's console"),
    _local("console.history_next", "down", "Next", "consoleinput", "history(1)", show=False,
           help="the next command"),
    # --- watched runs and zoom ----------------------------------------------------------------------------
    _local("app.watched", "ctrl+w", "Watched", "app", "show_watched", show=False, command="Watched runs",
           help="the Watched view: every watched run across VMs, live"),
    _local("app.open_ended", "ctrl+o", "Open ended run", "app", "open_ended_run", show=False,
           command="Open the watched run that ended last", help="open the watched run that ended last"),
    # W, not u: u is taken by every list (clear marks).
    _act("runs.unwatch", "W", "Watch/unwatch", "runs", "unwatch", "run", show=False,
         command="Watch / unwatch the selected run",
         help="stop watching the run: no notice when it ends (again: watch it)"),
    _act("runlog.unwatch", "W", "Watch/unwatch", "runview", "unwatch", "open_run", show=False,
         command="Watch / unwatch the open run",
         help="stop watching the open run: no notice when it ends (again: watch it)"),
    _local("main.zoom", "z", "Zoom", "main", "zoom", show=False, command="Zoom the focused pane / back",
           help="the focused pane (run log, list) full screen; z or esc: back"),
    _local("watched.open", "enter", "Open", "watched", "open_run", help="select its VM and open its log"),
    _local("watched.unwatch", "W", "Unwatch", "watched", "unwatch", help="stop watching the run under the cursor"),
    _local("watched.clear", "U", "Clear ended", "watched", "unwatch_ended", help="unwatch every run that ended"),
    _local("watched.back", "escape", "Back", "watched", "back", help="back to where you were"),
)

BY_ID: dict[str, Action] = {action.id: action for action in ACTIONS}
MUTATING: frozenset[str] = frozenset(a.id for a in ACTIONS if a.mutating)


def action(action_id: str) -> Action:
    return BY_ID[action_id]


def bindings(*scopes: str) -> list[BindingType]:  # the type Textual gives BINDINGS
    """The bindings of the actions of these scopes, in table order (a widget's ``BINDINGS``)."""
    return [a.binding() for a in ACTIONS if a.scope in scopes]


def in_scope(*scopes: str) -> list[Action]:
    return [a for a in ACTIONS if a.scope in scopes]
