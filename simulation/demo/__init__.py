"""Deterministic demo data in the layout of the real recordings (GENERATED, never observed).

`generate_demo(out_dir, spec)` writes Hub daily snapshots with planted faults, one hub-stats
catalog export with community derivatives, OpenRouter `/models` answers and usage rankings;
`ensure_demo` keeps a folder current. Plain Python (NumPy and Polars), no Dagster.
"""

from simulation.demo.generate import ensure_demo, generate_demo
from simulation.demo.spec import DEMO_VERSION, DemoSpec, DemoSummary, PriceChange

__all__ = ["DEMO_VERSION", "DemoSpec", "DemoSummary", "PriceChange", "ensure_demo", "generate_demo"]
