"""OpenRouter's prices: its model list (`/models`) with each model's list prices."""
