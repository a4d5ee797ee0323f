"""The web service: serves the built deck and the runner API that streams a demo's output."""
