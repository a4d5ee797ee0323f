"""A small deck built from any demos, one code slide each: a stage for a browser to run them on.

The rendering benchmark and the deck's browser tests serve it with a real runner.
It is built by the talk's own builder and template, so it carries the same
assets/runner.js and reveal.js setup as the talk.
"""

import os
from collections.abc import Sequence
from pathlib import Path

from demos.catalog import Demo
from runner.deck import builder, recordings


def build(target: Path, demos: Sequence[Demo], *, record: Sequence[Demo] = ()) -> Path:
    """Build the deck into target (recording the demos in record first); return target."""
    slides = target / "slides"
    slides.mkdir(parents=True, exist_ok=True)
    lines = ["# Stage", "", "Note: the demos of this deck, one a slide.", ""]
    for demo in demos:
        link = os.path.relpath(demo.path, slides)
        lines += [f"## {demo.id}", "", f"[{demo.path.name}]({link})", "", f"Note: {demo.id}.", ""]
    (slides / "01-stage.md").write_text("\n".join(lines), encoding="utf-8")
    if record:
        recordings.save(target, recordings.record(list(record)))
    builder.build(slides_dir=slides, build_dir=target, demos=demos)
    return target
