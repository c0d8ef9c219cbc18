"""The tests' plugins, by theme (`tests/plugins/`). The only fakes are network servers on
127.0.0.1. Where the data comes from: `tests/data.py`."""

pytest_plugins = [
    "tests.plugins.environment",
    "tests.plugins.demo",
    "tests.plugins.servers",
    "tests.plugins.answers",
    "tests.plugins.pipeline",
    "tests.plugins.scheduling",
    "tests.plugins.timing",
]
