"""One bad file is one bad demo: a demo that does not parse, or is not UTF-8, is named in
one line by the runner, `talk run`, `talk demos` and `talk doctor`, and every other
demo runs."""

import httpx
import pytest

from runner import cli
from runner.deck import catalog
from runner.service.app import create_app
from tests.harness.runner import LiveRunner, exit_of, settings, text_of
from tests.harness.toy_deck import ToyDeck

BROKEN = {
    "syntax-error": (b'"""Broken."""\n\ndef main(:\n    pass\n', "broken.py:3: syntax error"),
    "not-utf-8": (b'"""Broken."""\n\nprint("caf\xe9")\n', "broken.py:3: byte 0xe9 is not UTF-8"),
}


@pytest.fixture(params=BROKEN.values(), ids=BROKEN.keys())
def broken_talk(
    request: pytest.FixtureRequest, toy: ToyDeck, monkeypatch: pytest.MonkeyPatch
) -> tuple[ToyDeck, str]:
    """The toy deck as the talk: hello, a broken demo, counter; runs can import them."""
    source, said = request.param
    (toy.package / "broken.py").write_bytes(source)
    toy.write(
        "01-start.md",
        f"# Start\n\n{toy.link('hello.py')}\n\n{toy.link('broken.py')}\n\n"
        f"{toy.link('counter.py')}\n",
    )
    monkeypatch.setenv("PYTHONPATH", str(toy.package.parent))
    monkeypatch.setattr(catalog, "SLIDES_DIR", toy.slides.resolve())
    monkeypatch.setattr(catalog, "DEMOS_DIR", toy.package.resolve())
    monkeypatch.setattr(catalog, "FLAGS", {})
    monkeypatch.setattr(catalog, "_cache", None)
    return toy, said


def test_the_runner_lists_it_refuses_it_in_one_line_and_runs_the_others(
    broken_talk: tuple[ToyDeck, str],
) -> None:
    _toy, said = broken_talk
    app = create_app(settings=settings(), demos=catalog.demos, fork_server=False)
    with LiveRunner(app) as live:
        listed = httpx.get(f"{live.url}/api/demos", timeout=30).json()
        assert [d["id"] for d in listed] == ["hello", "broken", "counter"]
        assert said in listed[1]["problem"] and listed[0]["problem"] is None
        refused = httpx.post(f"{live.url}/api/demos/broken/run", timeout=30)
        assert refused.status_code == 409
        detail = refused.json()["detail"]
        assert detail.startswith("cannot run broken: ") and said in detail and "\n" not in detail
        hello = live.stream("hello")
        assert exit_of(hello)["code"] == 0 and text_of(hello, "stdout") == "hello\nbye\n"
        assert exit_of(live.stream("counter"))["code"] == 0


def test_talk_run_and_talk_demos_name_it_in_one_line(
    broken_talk: tuple[ToyDeck, str], capsys: pytest.CaptureFixture[str]
) -> None:
    _toy, said = broken_talk
    assert cli.main(["run", "broken"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and said in err and err.count("\n") == 1
    assert cli.main(["demos"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in listed] == ["hello", "broken", "counter"]
    assert "[cannot run]" in listed[1] and said in listed[1]
    assert listed[0].endswith("Say hello, twice.")
