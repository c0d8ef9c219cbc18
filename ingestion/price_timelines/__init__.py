"""Price timelines: list prices with the dates they changed (the `genai-prices` package)."""
