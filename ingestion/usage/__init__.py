"""OpenRouter's usage: the daily token rankings of its models (`rankings-daily`)."""
