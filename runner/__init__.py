"""The `talk` tool: builds the deck, runs demos, and serves both to the browser."""
