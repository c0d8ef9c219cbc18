"""`observatory publish --repo OWNER/NAME [--dry-run]`: the marts as a Hub dataset
(`orchestration.lib.publish`)."""

from __future__ import annotations

import argparse

from rich.console import Console

from orchestration.lib.publish import PublishError, publish
from orchestration.lib.settings import Settings


def add_parser(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser(
        "publish",
        help="upload the marts (Parquet) and a dataset card to a Hub dataset repo, one commit",
    )
    command.add_argument("--repo", required=True, metavar="OWNER/NAME")
    command.add_argument(
        "--dry-run",
        action="store_true",
        help="write the folder and the card under $DATA_DIR/publish/ and stop",
    )


def publish_command(settings: Settings, args: argparse.Namespace, console: Console) -> int:
    from huggingface_hub.errors import HfHubHTTPError

    try:
        done = publish(
            settings.data_dir,
            args.repo,
            endpoint=settings.hf_endpoint,
            token=settings.hf_token,
            dry_run=args.dry_run,
        )
    except HfHubHTTPError as exc:
        # The client's message names the URL and the Hub's answer, never the token.
        raise PublishError(f"the Hub refused the publish to {args.repo}: {exc}") from exc
    console.print(
        f"Staged {len(done.files)} files (the card and {len(done.files) - 1} marts) of the run "
        f"of {done.run_date} in {done.folder}",
        highlight=False,
        soft_wrap=True,
    )
    if args.dry_run:
        console.print("Dry run: nothing uploaded.", highlight=False)
    elif done.created_commit:
        console.print(
            f"Published to {done.repo}: commit {done.commit}, tagged {done.run_date}",
            highlight=False,
        )
    else:
        console.print(
            f"Nothing new to publish: {done.repo} already holds these marts ({done.commit})",
            highlight=False,
        )
    return 0
