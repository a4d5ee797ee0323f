"""The deck build: slide Markdown and demo sources in, a reveal.js deck (build/index.html) out."""
