"""Command line: ``arker-tui [--demo] [--readonly] [--refresh S]``,
``arker-tui emulator [--port N] [--hosts ...]``, ``arker-tui doctor [--json]``
and ``arker-tui auth login|status|logout``. Parsing only: the work is in
``doctor`` and ``auth``."""

from __future__ import annotations

import argparse
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


def _count(least: int, what: str):
    """A whole-number argument of at least ``least``; anything else exits 2 saying so."""
    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of {what}") from None
        if number < least:
            raise argparse.ArgumentTypeError(f"{value} {what}: must be {least} or more")
        return number
    return parse


def _port(value: str) -> int:
    number = _count(1, "port")(value)
    if number > 65535:
        raise argparse.ArgumentTypeError(f"{value}: a port is 1-65535")
    return number


def _hosts(value: str) -> str:
    """``--hosts``: checked here (exit 2 on an unknown entry); ports are given out later."""
    from .emulator.hosts import HostSpecError, parse_hosts

    try:
        parse_hosts(value, 1)
    except HostSpecError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return value


ENVIRONMENT = (
    ("ARKER_API_KEY", "the API key (else the keyring, else the profile's api_key_env)"),
    ("ARKER_PROFILE", "the profile of the config file to use"),
    ("ARKER_CONTROL_URL", "the control plane (default https://arker.ai/api)"),
    ("ARKER_BASE_URL", "the compute host of every non-burst VM"),
    ("ARKER_BURST_BASE_URL", "the compute host of the aws-burst VMs"),
    ("ARKER_REGION", "region, e.g. us-west-2"),
    ("ARKER_PROVIDER", "aws or aws-burst"),
    ("ARKER_TUI_CONFIG", "the config file to read instead of the default one"),
    ("ARKER_TUI_LOG", "write a debug log to this file (as --log)"),
    ("ARKER_TUI_KEYRING", "0 to never look in the system keyring"),
)


class _Parser(argparse.ArgumentParser):
    """``--help`` ends with the environment variables and the config file's
    path (worked out only when help is shown)."""

    def format_help(self) -> str:
        from .config import config_path

        width = max(len(name) for name, _ in ENVIRONMENT)
        lines = [f"  {name:<{width}}  {text}" for name, text in ENVIRONMENT]
        return (super().format_help().rstrip("\n") + "\n\nenvironment variables:\n" + "\n".join(lines)
                + f"\n\nconfig file: {config_path()}\n")


def _connection_options() -> _Parser:
    """--profile/--region/--provider/--api-key-env, accepted before or after a
    subcommand (SUPPRESS: a subcommand that is not given one keeps the main value)."""
    common = _Parser(add_help=False)  # the parser's own class, as argparse's types want of parents
    S = argparse.SUPPRESS
    common.add_argument("--profile", metavar="NAME", default=S,
                        help="profile of the config file to use (default: ARKER_PROFILE, then default_profile)")
    common.add_argument("--region", default=S, help="region, e.g. us-west-2 (legacy aws-us-west-2 accepted)")
    common.add_argument("--provider", choices=["aws", "aws-burst"], default=S,
                        help="provider of the profile's default compute host")
    common.add_argument("--api-key-env", metavar="VAR", default=S,
                        help="read the API key from environment variable VAR (over ARKER_API_KEY)")
    return common


def build_parser() -> argparse.ArgumentParser:
    common = _connection_options()
    parser = _Parser(
        prog="arker-tui", parents=[common],
        description="A keyboard-first terminal dashboard for Arker VM sandboxes. "
        "With no API key set it opens the built-in demo world.",
    )
    parser.set_defaults(profile=None, region=None, provider=None, api_key_env=None)
    parser.add_argument("--version", action="version", version=f"arker-tui {__version__}",
                        help="print the version and exit")
    parser.add_argument("--demo", action="store_true", help="open the built-in demo world (no API calls)")
    parser.add_argument("--readonly", action="store_true", help="hide and refuse every action that changes something")
    parser.add_argument("--refresh", type=_positive, metavar="SECONDS", help="refresh interval of lists (default 2)")
    parser.add_argument("--print-config-path", action="store_true",
                        help="print where the config file is (or would be) and exit")
    parser.add_argument("--log", metavar="FILE",
                        help="write a debug log (API key and tokens redacted) to FILE; also $ARKER_TUI_LOG")
    parser.add_argument("--run-log-cap", type=_count(1, "lines"), default=100_000, metavar="LINES",
                        help="most lines a run log keeps; older lines are dropped (default 100000)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    emulator = sub.add_parser("emulator", help="serve the Arker API emulator on 127.0.0.1",
                              description="Serve the Arker API emulator (needs the serve extra).")
    emulator.add_argument("--port", type=_port, default=8787, help="port to listen on (default 8787); "
                          "with --hosts, the first host's port")
    emulator.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    emulator.add_argument("--hosts", type=_hosts, metavar="HOST[=PORT],...",
                          help="serve the world as several hosts, one port each: 'control' (required), "
                          "a provider ('aws-burst') or provider/region ('aws/eu-central-1'); "
                          "a host without =PORT takes the next port; 'demo' = control and the demo "
                          "world's four provider/region hosts")
    emulator.add_argument("--vms", type=_count(0, "VMs"), default=0, metavar="N",
                          help="serve a generated org of N VMs instead of the demo world")
    emulator.add_argument("--runs-per-vm", type=_count(0, "runs"), default=3, metavar="N",
                          help="runs per VM of the generated org (default 3)")
    emulator.add_argument("--output-lines", type=_count(0, "lines"), default=100, metavar="N",
                          help="output lines per run of the generated org (default 100)")
    emulator.add_argument("--seed", type=int, default=0, help="seed of the generated org (default 0)")
    emulator.add_argument("--api-key-env", metavar="VAR",
                          help="require the key held in this environment variable")

    # doctor and auth: connection options after the subcommand too.
    doctor = sub.add_parser("doctor", parents=[common],
                            help="check the setup against the servers and say what is wrong",
                            description="Check the setup: where each setting comes from, every host, the key, "
                            "and every read-only route. Writes nothing. Exit status 0: it works; 1: something failed.")
    doctor.add_argument("--json", action="store_true", help="print the report as JSON (for scripts)")
    auth = sub.add_parser("auth", help="store, check or remove the API key in the system keyring",
                          description="The API key in the system keyring (needs the keyring extra: "
                          "pip install 'arker-tui[keyring]').")
    auth_sub = auth.add_subparsers(dest="auth_command", metavar="ACTION", required=True)
    auth_sub.add_parser("login", parents=[common], help="read the key (hidden) and store it for the profile")
    auth_sub.add_parser("status", parents=[common], help="say where each profile's key comes from (never the key)")
    auth_sub.add_parser("logout", parents=[common], help="remove the profile's key from the keyring")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.print_config_path:
        from .config import config_path

        print(config_path())
        return 0
    if args.command == "emulator":
        return _serve_emulator(args)
    if args.command == "doctor":
        return _doctor(args)
    if args.command == "auth":
        return _auth(args)
    return _run_app(args)


def _profiles(args: argparse.Namespace):
    """The config file and the profiles as the flags and environment say (for doctor and auth)."""
    from .config import Overrides, Profiles, load_config

    config = load_config()
    return config, Profiles(config, Overrides(profile=args.profile, region=args.region, provider=args.provider,
                                              api_key_env=args.api_key_env))


def _doctor(args: argparse.Namespace) -> int:
    from . import doctor
    from .config import ConfigError

    config, profiles = _profiles(args)
    try:
        resolved = profiles.resolve()
    except ConfigError as error:
        print(f"arker-tui doctor: {error}", file=sys.stderr)
        return 2
    text, status = doctor.run(config, resolved, as_json=args.json)
    print(text)
    return status


def _auth(args: argparse.Namespace) -> int:
    import getpass

    from . import auth

    _, profiles = _profiles(args)
    if args.auth_command == "login":
        return auth.login(profiles, getpass.getpass, print)
    if args.auth_command == "logout":
        return auth.logout(profiles, print)
    return auth.status(profiles, print)


def _serve_emulator(args: argparse.Namespace) -> int:
    from .emulator import serve
    from .emulator.hosts import HostSpecError, parse_hosts

    api_key = os.environ.get(args.api_key_env) if args.api_key_env else None
    if args.api_key_env and not api_key:
        print(f"arker-tui emulator: --api-key-env names {args.api_key_env}, which is not set", file=sys.stderr)
        return 2
    try:
        hosts = parse_hosts(args.hosts, args.port) if args.hosts else None
    except HostSpecError as error:
        print(f"arker-tui emulator: --hosts: {error}", file=sys.stderr)
        return 2
    try:
        serve(args.port, host=args.host, scale=args.vms or None, api_key=api_key, hosts=hosts,
              runs_per_vm=args.runs_per_vm, output_lines=args.output_lines, seed=args.seed)
    except ImportError:
        print("The emulator server needs uvicorn: pip install 'arker-tui[serve]'", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"arker-tui emulator: cannot listen: {error}", file=sys.stderr)
        return 1
    return 0


def _no_pydantic_plugins() -> None:
    """pydantic scans every installed distribution's entry points for plugins
    the first time a model validates (~60 ms of a cold start); the dashboard
    uses none, so they are switched off with pydantic's own setting. An
    explicit ``PYDANTIC_DISABLE_PLUGINS`` in the environment is respected."""
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


def _run_app(args: argparse.Namespace) -> int:
    # Start-up allocates some hundred thousand long-lived objects (modules,
    # classes, models, the demo world, the first screen's widgets) and the
    # cyclic collector would walk them again and again (two full collections,
    # >100 ms of a cold start). It is off until the first frame is up
    # (ArkerApp.on_ready), when they are frozen (left out of every later
    # collection) and the collector is back on (repository/collector.py).
    from .repository import collector

    collector.hold_for_startup()
    try:
        app = _build_app(args)
    except BaseException:
        collector.end_startup()
        raise
    if isinstance(app, int):
        collector.end_startup()
        return app
    from . import crash

    log_path = args.log or os.environ.get(crash.LOG_ENV)
    try:
        handler = crash.open_log_file(log_path, app.secrets()) if log_path else None
    except crash.LogFileRefused as refused:
        collector.end_startup()
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
    _no_pydantic_plugins()
    from .backend import open_backend
    from .config import ConfigError, Overrides, Profiles, load_config
    from .ui.app import ArkerApp

    # CLI flags > environment (ARKER_*) > profile > defaults. Config problems
    # are printed here and shown again inside the app.
    config = load_config()
    for problem in config.problems:
        print(f"arker-tui: config: {problem}", file=sys.stderr)
    # --demo needs no key: the keyring (import and backend discovery, ~0.2 s) stays out of its start.
    profiles = Profiles(config, Overrides(profile=args.profile, region=args.region, provider=args.provider,
                                          refresh=args.refresh, api_key_env=args.api_key_env),
                        keys=None if args.demo else "system")
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
