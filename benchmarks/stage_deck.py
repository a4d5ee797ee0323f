"""A small deck built from any demos, one code slide each: a stage for a browser to run them on.

The rendering benchmark and the deck's browser tests serve it with a real runner.
It is built by the talk's own builder and template, so it carries the same
assets/runner.js and reveal.js setup as the talk.
"""

import os
from collections.abc import Sequence
from pathlib import Path

from runner.deck import builder, recordings
from runner.deck.demo import Demo


def build(target: Path, demos: Sequence[Demo], *, record: Sequence[Demo] = ()) -> Path:
    """Build the deck into target (recording the demos in record first); return target."""
    slides = target / "slides"
    slides.mkdir(parents=True, exist_ok=True)
    lines = ["# Stage", "", "Note: the demos of this deck, one a slide.", ""]
    for demo in demos:
        # The region the talk's slide shows, as the talk links it: a whole demo file
        # (gather's is 38 lines) is over a code slide's 12 lines of 64 (runner.deck.slides).
        link = os.path.relpath(demo.path, slides) + (f"#{demo.region}" if demo.region else "")
        lines += [f"## {demo.id}", "", f"[{demo.path.name}]({link})", "", f"Note: {demo.id}.", ""]
    (slides / "01-stage.md").write_text("\n".join(lines), encoding="utf-8")
    if record:
        recordings.save(target, recordings.record(list(record)))
    builder.build(slides_dir=slides, build_dir=target, demos=demos)
    return target
