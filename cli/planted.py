"""The terminal's line for a warning or error a run logs: one short WARNING line, and on demo
data, where the generator plants its faults on purpose (`DEMO.json` says on which days),
the words that it is expected. The full message, paths and run id included, stays in the
run's event log (the Dagster UI)."""

from __future__ import annotations

import json
import re
from pathlib import Path

_DAY = re.compile(r"^(\d{4}-\d{2}-\d{2}): ")
# `rule (field 'name'): n of m rows`, the shape of every snapshot check's message.
_RULE = re.compile(r"(\w+) \(field '([^']+)'\): (\d[\d,]* of \d[\d,]* rows)")
_DAYS = re.compile(r"^\w+ on (\d+) days \(")
_PLANTED_KEYS = ("stale_day", "partly_stale_day", "correction_day", "bad_day")
# Rules the demo breaks on every price day on purpose: OpenRouter's router lists `-1` prices.
_PLANTED_RULES = {"price_unknown_sentinel"}
WIDTH = 100
# The demo generator's stamp (simulation/demo/generate.py STAMP): not imported, so the CLI
# does not load the generator to print a line.
STAMP = "DEMO.json"


def planted_days(demo_dir: Path) -> set[str]:
    """The days the demo generator broke on purpose (empty when the folder has no stamp)."""
    stamp = demo_dir / STAMP
    if not stamp.exists():
        return set()
    summary = json.loads(stamp.read_text(encoding="utf-8")).get("summary", {})
    return {summary[key] for key in _PLANTED_KEYS if summary.get(key)}


def fault_line(step: str, message: str, planted: set[str] | None) -> str:
    """One line of at most WIDTH characters: the day (else the asset), the rule and its count,
    what was done; `planted` (None: not demo data) decides whether it says it is expected."""
    first = message.splitlines()[0] if message else ""
    day_match = _DAY.match(first)
    day = day_match.group(1) if day_match else None
    rule = _RULE.search(first)
    if rule:
        what = f"{rule.group(1)} ({rule.group(3).removesuffix(' rows')})"
    else:
        what = first[len(day or "") :].strip(": ")
    days = _DAYS.search(first)
    if days:  # a rule broken on many days is one message: say on how many
        what += f" on {days.group(1)} days"
    if "quarantined (" in first:
        what += ", quarantined"
    expected = planted is not None and (
        (day is not None and day in planted)
        or (rule is not None and rule.group(1) in _PLANTED_RULES)
    )
    tail = "; expected (demo fault)" if expected else ""
    head = f"WARNING {day or step.split('__')[-1]} "
    room = WIDTH - len(head) - len(tail)
    if len(what) > room:
        what = what[: room - 1] + "…"
    return f"{head}{what}{tail}"
