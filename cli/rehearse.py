"""`observatory rehearse`: a live day, offline. Local servers on 127.0.0.1 answer like the Hub
and OpenRouter (`simulation.rehearsal`), from the newest day of the recordings (`RECORDINGS_DIR`)
or, without them, of the demo data generated into `$DATA_DIR/rehearsal/demo`, with the faults
of a plan injected (`--faults`: `standard`, `none` or a JSON plan).

By default it then runs `observatory run` in live mode against them, in this DATA_DIR (`make
rehearse` uses `data-rehearsal/`), for the day a live run takes (the day that just ended), and
stops: the run's own output, then what the servers saw (requests, faults, whether the Hub got
the token and OpenRouter the key) and whether either secret appears in anything the run wrote.
With `--serve` it prints the settings to point a run at them and serves until Ctrl-C.

The run gets a rehearsal token and key of its own (`HF_TOKEN`, `OPENROUTER_API_KEY`), never
yours: a rehearsal needs no account, and the servers check that the key arrives.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

from rich.console import Console

from ingestion.errors import InputError
from orchestration.lib.settings import PROJECT_ROOT, Settings, SettingsError
from simulation.rehearsal.data import served_from
from simulation.rehearsal.plan import PlanError, describe, load_plan
from simulation.rehearsal.servers import Rehearsal

# Recorded-mode settings: a live run reads none of them (the catalog's folder stays, so a
# rehearsal stores an export only if HUB_CATALOG_DIR says where one is, as a live run does).
RECORDED_ONLY = (
    "RECORDINGS_DIR",
    "HUB_SNAPSHOT_DIR",
    "PRICES_SNAPSHOT_DIR",
    "RANKINGS_SNAPSHOT_DIR",
)


def add_parser(commands: argparse._SubParsersAction) -> None:
    rehearse = commands.add_parser(
        "rehearse",
        help="run a live day against local servers that answer like the Hub and OpenRouter",
    )
    rehearse.add_argument(
        "--serve",
        action="store_true",
        help="only serve (until Ctrl-C), printing the settings that point a run at the servers",
    )
    rehearse.add_argument(
        "--faults",
        default="standard",
        metavar="standard|none|PLAN.json",
        help="the faults injected (default: standard, every kind once; see "
        "simulation/rehearsal/plan.py for the JSON format)",
    )
    rehearse.add_argument(
        "--hub-source",
        choices=("api", "hub-stats"),
        default="api",
        help="which live Hub source to rehearse: the registry orgs' model list (api, default) "
        "or the hub-stats dataset, whose revisions are the daily files served",
    )
    rehearse.add_argument(
        "--hub-stats-dir",
        type=Path,
        metavar="FOLDER",
        help="serve this folder of YYYY-MM-DD.parquet files (hub-stats layout) as the dataset's "
        "revisions (implies --hub-source hub-stats); default: the recordings' hub/daily",
    )
    rehearse.add_argument("--hub-port", type=int, default=0, help="default: any free port")
    rehearse.add_argument("--openrouter-port", type=int, default=0, help="default: any free port")


def rehearse_command(settings: Settings, args: argparse.Namespace, console: Console) -> int:
    try:
        plan = load_plan(args.faults)
    except PlanError as exc:
        raise SettingsError(f"--faults: {exc}") from exc
    folder, kind = served_folder(settings)
    try:
        served = served_from(folder)
    except InputError as exc:
        raise SettingsError(f"cannot rehearse from {folder}: {exc}") from exc
    hf_token = f"hf_rehearsal_{secrets.token_hex(12)}"
    hub_stats_dir = args.hub_stats_dir.resolve() if args.hub_stats_dir else None
    if hub_stats_dir is not None and not hub_stats_dir.is_dir():
        raise SettingsError(f"--hub-stats-dir {hub_stats_dir} is not a folder")
    try:
        rehearsal = Rehearsal(
            served,
            plan,
            hub_port=args.hub_port,
            openrouter_port=args.openrouter_port,
            hub_source="hub-stats" if hub_stats_dir else args.hub_source,
            hub_stats_dir=hub_stats_dir,
        )
    except ValueError as exc:  # a folder without a daily file to serve
        raise SettingsError(f"cannot rehearse the hub-stats dataset: {exc}") from exc
    with rehearsal:
        environment = {**rehearsal.environment(), "HF_TOKEN": hf_token}
        console.print(
            f"[bold]Rehearsal servers[/] on 127.0.0.1, serving {kind} ({folder}): "
            f"{served.describe()}" + rehearsal.describe_hub(),
            highlight=False,
            soft_wrap=True,
        )
        for line in describe(plan) or ["none"]:
            console.print(f"  fault: {line}", highlight=False, soft_wrap=True)
        settings_line = " ".join(f"{k}={v}" for k, v in environment.items())
        if args.serve:
            console.print(
                "Serving until Ctrl-C. In another shell, from the project folder:\n"
                f"  SOURCE_MODE=live {settings_line} DATA_DIR=data-rehearsal make run",
                highlight=False,
                soft_wrap=True,
            )
            wait_for_a_stop_signal()
            console.print("stopped")
            report(rehearsal, console, hf_token)
            return 0
        console.print(f"  {settings_line}", highlight=False, soft_wrap=True)
        code = run_live_day(settings, environment)
        report(rehearsal, console, hf_token)
    leaked = files_containing(settings.data_dir, [hf_token, rehearsal.api_key])
    if leaked:
        console.print(
            f"[bold red]a secret was written[/] to {len(leaked)} file(s): {leaked[0]}",
            highlight=False,
            soft_wrap=True,
        )
        return 1
    console.print(f"Neither secret appears in any file under {settings.data_dir}.", highlight=False)
    return code


def wait_for_a_stop_signal() -> None:
    """Until Ctrl-C or SIGTERM (also when started in the background, where a shell ignores
    SIGINT for its child)."""
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    while not stop.wait(0.5):
        pass


def served_folder(settings: Settings) -> tuple[Path, str]:
    """The recordings (`RECORDINGS_DIR`), else the demo, generated for the rehearsal."""
    if not settings.uses_demo:
        return settings.recordings_dir, "the recordings"
    from simulation.demo import DemoSpec, ensure_demo  # only a demo rehearsal needs it

    folder = settings.layout.rehearsal_dir / "demo"
    try:
        ensure_demo(folder, DemoSpec(**dict(settings.demo_sizes)))
    except ValueError as exc:
        raise SettingsError(f"the DEMO_* settings do not make a demo: {exc}") from exc
    return folder, "GENERATED demo data"


def run_live_day(settings: Settings, rehearsal_environment: dict[str, str]) -> int:
    """`observatory run` in live mode, in its own process (huggingface_hub reads HF_ENDPOINT
    when it is imported), with this process's output."""
    environment = {key: value for key, value in os.environ.items() if key not in RECORDED_ONLY} | {
        **rehearsal_environment,
        "SOURCE_MODE": "live",
        "DATA_DIR": str(settings.data_dir),
        # huggingface_hub's cache (its agent-harnesses list): the rehearsal's own.
        "HF_HOME": str(settings.layout.rehearsal_dir / "hf_home"),
    }
    environment.pop("DAGSTER_HOME", None)
    command = [sys.executable, "-m", "cli.main", "run"]
    return subprocess.run(command, cwd=PROJECT_ROOT, env=environment, check=False).returncode


def report(rehearsal: Rehearsal, console: Console, hf_token: str) -> None:
    """What the servers saw: requests, faults by kind, and whether the secrets arrived."""
    for name, server, secret in (
        ("Hub", rehearsal.hub, hf_token),
        ("OpenRouter", rehearsal.openrouter, rehearsal.api_key),
    ):
        api = server.authorizations
        with_secret = sum(header == f"Bearer {secret}" for header in api)
        faults = Counter(seen.fault.describe() for seen in server.seen if seen.fault is not None)
        console.print(
            f"{name}: {len(api)} API requests ({with_secret} with the rehearsal "
            f"{'token' if name == 'Hub' else 'key'}), {sum(faults.values())} answered with a "
            "fault" + "".join(f"\n  {count} x {fault}" for fault, count in faults.items()),
            highlight=False,
            soft_wrap=True,
        )
    sent = getattr(rehearsal.hub, "bytes_sent", None)
    if sent is not None:
        console.print(
            f"Hub: {sum(sent.values()):,} bytes of models.parquet sent, over {len(sent)} revisions",
            highlight=False,
        )


def files_containing(root: Path, needles: list[str]) -> list[Path]:
    """The files under `root` (links not followed) whose bytes contain any of `needles`."""
    wanted = [needle.encode() for needle in needles]
    found = []
    for path in sorted(root.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        try:
            content = path.read_bytes()
        except OSError:
            continue
        if any(needle in content for needle in wanted):
            found.append(path)
    return found
