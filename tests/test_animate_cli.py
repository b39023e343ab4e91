"""``nnsim animate``: the video holds one frame per checkpoint in range, at the asked size, and
shows training move; every wrong request is one line and a non-zero exit, leaving no file."""

from __future__ import annotations

import imageio.v3 as iio
import numpy as np
import pytest

from nnsim.cli import main
from nnsim.core.animation import AnimationError, frame_epochs, parse_size, request


def frames_of(path) -> list[np.ndarray]:
    return list(iio.imiter(path))


def test_a_gif_has_a_frame_per_recorded_epoch_at_the_asked_size(tmp_path, capsys):
    out = tmp_path / "xor.gif"
    assert main(["animate", "backprop-xor", "--out", str(out), "--size", "320x240",
                 "--fps", "10", "--epochs", "20"]) == 0
    frames = frames_of(out)
    assert len(frames) == 21  # epoch 0 (before training) and each of the 20
    assert all(frame.shape[:2] == (240, 320) for frame in frames)
    # The boundary (right half) changes as the network learns, not just the caption.
    first, last = (frame[40:, 160:, :3].astype(int) for frame in (frames[0], frames[-1]))
    assert np.abs(first - last).sum(axis=2).astype(bool).mean() > 0.02
    assert "21 frames" in capsys.readouterr().out
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no leftovers


def test_an_mp4_spreads_at_most_frames_over_the_range(tmp_path):
    out = tmp_path / "spiral.mp4"
    assert main(["animate", "spiral", "--out", str(out), "--size", "480x270", "--fps", "24",
                 "--epochs", "40", "--first", "10", "--frames", "12",
                 "--panel", "boundary"]) == 0
    frames = frames_of(out)
    assert len(frames) == 12
    assert frames[0].shape == (270, 480, 3)
    assert iio.immeta(out)["fps"] == pytest.approx(24)
    assert np.abs(frames[0].astype(int) - frames[-1].astype(int)).mean() > 1.0


@pytest.mark.parametrize(("arguments", "words"), [
    (["--size", "4000x100"], "4000x100 is outside"),
    (["--size", "big"], "WIDTHxHEIGHT"),
    (["--fps", "0"], "frame rate of 0"),
    (["--panel", "maps"], "invalid choice"),
    (["--size", "321x240"], "even width and height"),
])
def test_a_bad_request_is_one_line_and_no_file(tmp_path, capsys, arguments, words):
    out = tmp_path / "x.mp4"
    assert main(["animate", "backprop-xor", "--out", str(out), *arguments]) == 2
    error = capsys.readouterr().err
    assert words in error and error.count("\n") == 1 and "Traceback" not in error
    assert not list(tmp_path.iterdir())


def test_unknown_lessons_unwritable_files_and_missing_boundaries_are_one_line(tmp_path,
                                                                              capsys):
    cases = [
        (["nope", "--out", str(tmp_path / "a.gif")], "no lesson named 'nope'"),
        (["backprop-xor", "--out", str(tmp_path / "missing" / "a.gif")], "does not exist"),
        (["backprop-xor", "--out", str(tmp_path / "a.avi")], "must end in .gif or .mp4"),
        (["digits", "--out", str(tmp_path / "a.gif"), "--panel", "boundary"],
         "no decision boundary"),
        (["activations", "--out", str(tmp_path / "a.gif"), "--panel", "curves"],
         "nothing changes"),
    ]
    for arguments, words in cases:
        assert main(["animate", *arguments]) == 2, arguments
        error = capsys.readouterr().err
        assert words in error and error.count("\n") == 1, error
    assert not list(tmp_path.iterdir())


def test_a_session_without_a_timeline_says_so(tmp_path, capsys):
    from nnsim.core.session import Session, save_session
    from nnsim.workspace.opening import open_lesson

    network = open_lesson("backprop-xor").network
    path = save_session(Session(lesson="backprop-xor", model_kind="network",
                                architecture=network.spec(), weights=network.get_weights()),
                        tmp_path / "week3.nnsim")
    assert main(["animate", str(path), "--out", str(tmp_path / "a.gif")]) == 2
    error = capsys.readouterr().err
    assert "holds no recorded timeline" in error and "nnsim animate backprop-xor" in error


def test_frame_epochs_keep_the_ends_and_spread_the_rest():
    assert frame_epochs([0, 1, 2, 3], 1, 2) == [1, 2]
    spread = frame_epochs(range(3001), max_frames=300)
    assert len(spread) == 300 and spread[0] == 0 and spread[-1] == 3000
    assert frame_epochs([0, 1, 2, 4, 8, 16], first=2) == [2, 4, 8, 16]
    with pytest.raises(AnimationError, match="train first"):
        frame_epochs([0])


def test_sizes_and_requests_are_checked():
    assert parse_size("1920x1080") == (1920, 1080) and parse_size(" 640 X 360 ") == (640, 360)
    for text in ("1921x1080", "1920x1081", "15x100", "1280", "-5x10"):
        with pytest.raises(AnimationError):
            parse_size(text)
    with pytest.raises(AnimationError, match="comes after"):
        request("a.gif", first=5, last=2)
    with pytest.raises(AnimationError, match="no panel"):
        request("a.gif", panel="everything")
    with pytest.raises(AnimationError, match="or .mp4"):  # Pillow holds every GIF frame
        request("a.gif", size=(1920, 1080))
    assert request("a.mp4", size=(1920, 1080)).format == "MP4"


def test_without_ffmpeg_an_mp4_is_refused_before_training(tmp_path, capsys, monkeypatch):
    """The installed app leaves imageio-ffmpeg's binary out; GIF still works there."""
    import imageio_ffmpeg

    def missing() -> str:
        raise RuntimeError("No ffmpeg exe could be found.")

    monkeypatch.setattr(imageio_ffmpeg, "get_ffmpeg_exe", missing)
    assert main(["animate", "backprop-xor", "--out", str(tmp_path / "a.mp4")]) == 2
    captured = capsys.readouterr()
    assert "no ffmpeg program" in captured.err and "save a .gif" in captured.err
    assert "training" not in captured.out and not list(tmp_path.iterdir())
