"""reprobot's tests: one folder per layer of checks/, and the bot's."""
