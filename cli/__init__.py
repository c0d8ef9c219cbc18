"""`observatory`, the command line: each command's module parses its arguments and shows what
happened; the steps it runs live in `orchestration.lib` (the daily run) and `simulation` (the
demo data and the rehearsal servers). The only package that imports both."""
