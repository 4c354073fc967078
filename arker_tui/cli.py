"""Command line: ``arker-tui [--demo] [--readonly] [--refresh S]`` and
``arker-tui emulator --port N``."""

from __future__ import annotations

import argparse
import gc
import os
import sys

from . import __version__


def _positive(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds") from None
    if number <= 0:
        raise argparse.ArgumentTypeError("the refresh interval must be more than 0 seconds")
    return number


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="arker-tui",
        description="A keyboard-first terminal dashboard for Arker VM sandboxes. "
        "With no ARKER_API_KEY set it opens the built-in demo world.",
    )
    parser.add_argument("--version", action="version", version=f"arker-tui {__version__}")
    parser.add_argument("--demo", action="store_true", help="open the built-in demo world (no API calls)")
    parser.add_argument("--readonly", action="store_true", help="hide and refuse every action that changes something")
    parser.add_argument("--refresh", type=_positive, metavar="SECONDS", help="refresh interval of lists (default 2)")
    parser.add_argument("--region", help="region, e.g. us-west-2 (legacy aws-us-west-2 accepted)")
    parser.add_argument("--provider", choices=["aws", "aws-burst"], help="compute provider")
    parser.add_argument("--profile", metavar="NAME",
                        help="profile of the config file to use (default: ARKER_PROFILE, then default_profile)")
    parser.add_argument("--print-config-path", action="store_true",
                        help="print where the config file is (or would be) and exit")
    parser.add_argument("--log", metavar="FILE",
                        help="write a debug log (API key and tokens redacted) to FILE; also $ARKER_TUI_LOG")
    parser.add_argument("--run-log-cap", type=int, default=100_000, metavar="LINES",
                        help="most lines a run log keeps; older lines are dropped (default 100000)")
    sub = parser.add_subparsers(dest="command")
    emulator = sub.add_parser("emulator", help="serve the Arker API emulator on 127.0.0.1")
    emulator.add_argument("--port", type=int, default=8787)
    emulator.add_argument("--host", default="127.0.0.1")
    emulator.add_argument("--vms", type=int, default=0, metavar="N",
                          help="serve a generated org of N VMs instead of the demo world")
    emulator.add_argument("--runs-per-vm", type=int, default=3, metavar="N",
                          help="runs per VM of the generated org (default 3)")
    emulator.add_argument("--output-lines", type=int, default=100, metavar="N",
                          help="output lines per run of the generated org (default 100)")
    emulator.add_argument("--seed", type=int, default=0, help="seed of the generated org (default 0)")
    emulator.add_argument("--api-key-env", metavar="VAR",
                          help="require the key held in this environment variable")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.print_config_path:
        from .config import config_path

        print(config_path())
        return 0
    if args.command == "emulator":
        return _serve_emulator(args)
    return _run_app(args)


def _serve_emulator(args: argparse.Namespace) -> int:
    import os

    from .emulator import serve

    api_key = os.environ.get(args.api_key_env) if args.api_key_env else None
    try:
        serve(args.port, host=args.host, scale=args.vms or None, api_key=api_key,
              runs_per_vm=args.runs_per_vm, output_lines=args.output_lines, seed=args.seed)
    except ImportError:
        print("The emulator server needs uvicorn: pip install 'arker-tui[serve]'", file=sys.stderr)
        return 2
    return 0


def _trim_startup() -> None:
    """Keep what the app never uses out of its start-up (tens of ms of a
    cold start that should feel instant):

    - ``import httpx`` imports httpx's own command-line client (click,
      pygments, rich.syntax, ...) whenever those happen to be installed; the
      app never runs it, so its module is stood in for before httpx loads.
    - pydantic scans every installed distribution's entry points for plugins
      the first time a model validates; the dashboard uses none. An explicit
      ``PYDANTIC_DISABLE_PLUGINS`` in the environment is respected. With
      every plugin disabled, pydantic's plugin loader (which imports
      ``importlib.metadata`` only to find none) is stood in for by one that
      returns none, as it would.
    """
    import types

    if "httpx" not in sys.modules and "httpx._main" not in sys.modules:
        stub = types.ModuleType("httpx._main")

        def main() -> None:
            raise SystemExit("httpx's command line is not available inside arker-tui")

        stub.main = main  # type: ignore[attr-defined]
        sys.modules["httpx._main"] = stub
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    loader = "pydantic.plugin._loader"
    if os.environ["PYDANTIC_DISABLE_PLUGINS"] in ("__all__", "1", "true") and loader not in sys.modules:
        no_plugins = types.ModuleType(loader)
        no_plugins.get_plugins = lambda: ()  # type: ignore[attr-defined]
        sys.modules[loader] = no_plugins


def _run_app(args: argparse.Namespace) -> int:
    # Start-up allocates some hundred thousand long-lived objects (modules,
    # classes, models, the demo world, the first screen's widgets) and the
    # cyclic collector would walk them again and again (two full collections,
    # >100 ms of a cold start). It is off until the first frame is up
    # (ArkerApp.on_ready), when they are frozen (left out of every later
    # collection) and the collector is back on.
    gc.disable()
    try:
        app = _build_app(args)
    except BaseException:
        gc.enable()
        raise
    if isinstance(app, int):
        gc.enable()
        return app
    from . import crash

    log_path = args.log or os.environ.get(crash.LOG_ENV)
    try:
        handler = crash.open_log_file(log_path, app.secrets()) if log_path else None
    except crash.LogFileRefused as refused:
        gc.enable()
        print(f"arker-tui: --log: {refused}", file=sys.stderr)
        return 2
    try:
        app.run()
    finally:
        if handler is not None:
            crash.close_log_file(handler)
    crash.tell_where(app.crash_report)
    return app.return_code or 0


def _build_app(args: argparse.Namespace):
    """The app to run, or the exit code of a config problem."""
    _trim_startup()
    from .backend import open_backend
    from .config import ConfigError, Overrides, Profiles, load_config
    from .ui.app import ArkerApp

    # CLI flags > environment (ARKER_*) > profile > defaults. Config problems
    # are printed here and shown again inside the app.
    config = load_config()
    for problem in config.problems:
        print(f"arker-tui: config: {problem}", file=sys.stderr)
    profiles = Profiles(config, Overrides(profile=args.profile, region=args.region, provider=args.provider,
                                          refresh=args.refresh))
    try:
        resolved = profiles.resolve()
    except ConfigError as error:
        print(f"arker-tui: {error}", file=sys.stderr)
        return 2
    for warning in resolved.warnings:
        print(f"arker-tui: config: {warning}", file=sys.stderr)
    backend = open_backend(resolved.settings, demo=args.demo, intervals=resolved.intervals)
    app = ArkerApp(backend.repository, settings=backend.settings, demo=backend.demo,
                   readonly=args.readonly, run_log_cap=args.run_log_cap,
                   keymap=resolved.keymap, profiles=profiles, resolved=resolved)
    return app
