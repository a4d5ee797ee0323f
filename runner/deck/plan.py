"""The pace the build gives the talk: the pacing model, fitted to the presenter's
rehearsals once there are any, applied to the slides as they are now.

Above both runner.deck.pacing (the model) and runner.deck.rehearsals (which fits it),
so neither imports the other back.
"""

from collections.abc import Mapping, Sequence
from pathlib import Path

from runner.deck import budgets as output_budgets
from runner.deck import pacing, recordings, rehearsals
from runner.deck.catalog import DEMOS_DIR
from runner.deck.demo import Demo
from runner.deck.recordings import Recording
from runner.deck.slides import Deck, read, section_files


def planned(
    slides_dir: Path,
    demos: Sequence[Demo],
    assets_dir: Path,
    build_dir: Path,
    demos_dir: Path = DEMOS_DIR,
) -> pacing.Pace:
    """The pace the build gives the slides as they are now, with the recordings it would use.

    What `talk doctor` and `talk pace` hold the talk to, asked here rather than read
    back out of the built page.
    """
    deck = read(section_files(slides_dir), demos, assets_dir)
    kept = recordings.load(build_dir)
    valid = {d.id: r for d in demos if (r := recordings.current(kept, d)) is not None}
    printed = pacing.lines_printed(output_budgets.load(demos_dir / output_budgets.FILE_NAME))
    return pacing.pace(deck, valid, printed, paced_model(deck, valid, printed, slides_dir))


def paced_model(
    deck: Deck, recorded: Mapping[str, Recording], output_lines: Mapping[str, int], slides_dir: Path
) -> pacing.Model:
    """The model the talk is paced by: fitted to the presenter's rehearsals, once there
    are any (runner.deck.rehearsals), else the documented one."""
    fitted = rehearsals.fit(
        pacing.measure(deck, recorded, output_lines), rehearsals.load(slides_dir)
    )
    return fitted.model if fitted is not None else pacing.MODEL
