"""Generated data and local stand-ins for the real sources: never imported by production code.

- `demo`: deterministic demo data in the layout of the real recordings (`make run` on a fresh
  clone);
- `rehearsal`: local servers on 127.0.0.1 that answer like the Hub and OpenRouter, and the
  fault plans they inject.

It may import `ingestion` (schemas, atomic writes); `ingestion` and `orchestration` never import
it. The CLI (`cli`) and the tests are the only callers.
"""
