"""An offline rehearsal of a live day: local servers on 127.0.0.1 that answer like the Hub and
OpenRouter, from recorded rows, with faults injected by configuration.

- `hub.HubServer`: `/api/models` (author, expand, limit, `Link` pagination) and the 404 of
  `/api/agent-harnesses` that huggingface_hub 2.x asks first;
- `openrouter.OpenRouterServer`: `/api/v1/models` and `/api/v1/datasets/rankings-daily` (401
  without `Authorization: Bearer <key>`);
- `base`: faults (429 with `Retry-After` or `RateLimit`, 5xx, an HTML page, a slow answer, a
  connection reset mid-body) and the rules that say which requests get them; `plan`: fault
  plans as JSON, and the standard one;
- `data.served_from(folder)`: what a recordings folder (real, or the generated demo) serves;
- `servers.Rehearsal`: both servers, and the environment that points a run at them.

Pure Python (no Dagster): the tests start these servers, and so does `observatory rehearse`.
"""
