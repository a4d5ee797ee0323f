"""The deck's loopback preview server, where the tests have always found it."""

from runner.deck.preview import serving

__all__ = ["serving"]
