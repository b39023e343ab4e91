"""`nnsim export`: a standalone NumPy script that predicts and trains as nnsim does. (The Keras
and PyTorch scripts are proved by CI's .ci/check_exports in a venv that has them.)"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from nnsim.cli import main
from nnsim.core.export import ExportError, Training, export_network
from nnsim.core.network import Network
from scripts.check_exports import main as check_exports


def test_numpy_exports_predict_and_step_as_nnsim_for_the_lecture_lessons(capsys):
    assert check_exports(["--targets", "numpy"]) == 0
    out = capsys.readouterr().out
    for lesson in ("worked-example", "backprop-xor", "digits"):
        assert f"check_exports: {lesson} -> numpy: OK" in out


def test_an_exported_script_trains_on_with_the_lessons_settings(tmp_path, capsys):
    script = tmp_path / "xor.py"
    assert main(["export", "backprop-xor", "--to", "numpy", str(script)]) == 0
    assert f"wrote {script}" in capsys.readouterr().out
    text = script.read_text()
    assert "LOSS = 'sse'" in text and "LEARNING_RATE = 0.5" in text and "EPOCHS = 1000" in text
    run = subprocess.run([sys.executable, str(script), "--train", "--epochs", "2000"],
                         capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    outputs = [float(line.split("->")[1]) for line in run.stdout.splitlines()
               if line.startswith("x =")]
    assert [round(o) for o in outputs] == [0, 1, 1, 0]  # XOR, from the lecture's truth table
    with np.load(script.with_suffix(".npz"), allow_pickle=False) as saved:
        assert saved["W0"].shape == (2, 2) and saved["X"].shape == (4, 2)  # W is (in, out)


def test_what_cannot_be_exported_is_said_in_one_line(tmp_path, capsys):
    assert main(["export", "perceptron-and", "--to", "keras", str(tmp_path / "p.py")]) == 2
    assert "delta rule" in capsys.readouterr().err
    assert main(["export", "backprop-xor", "--to", "numpy", "/no/such/folder/x.py"]) == 2
    assert "x.py: cannot be written in /no/such/folder" in capsys.readouterr().err
    assert main(["export", "backprop-xor", "--to", "caffe", "x.py"]) == 2
    assert "invalid choice: 'caffe'" in capsys.readouterr().err
    network = Network.from_sizes([2, 1], "step")
    with pytest.raises(ExportError, match="step unit"):
        export_network(network, np.zeros((1, 2)), np.zeros((1, 1)),
                       Training("sse", 0.1, 0.0, 1, 1), "numpy", tmp_path / "s.py")


def test_a_saved_session_exports_its_own_weights(tmp_path):
    from nnsim.core.session import Session, save_session
    from nnsim.workspace.opening import open_lesson

    state = open_lesson("backprop-xor")
    state.network.fit(state.data.X_train, state.data.y_train, epochs=50, batch_size=1, seed=0)
    network = state.network
    path = save_session(Session(lesson="backprop-xor", model_kind="network",
                                architecture=network.spec(), weights=network.get_weights(),
                                training={"learning_rate": 0.25, "batch_size": 2,
                                          "epochs": 7}), tmp_path / "week3.nnsim")
    script = tmp_path / "week3.py"
    assert main(["export", str(path), "--to", "pytorch", str(script)]) == 0
    text = script.read_text()
    assert "nn.Linear(2, 2, bias=True)" in text and "LEARNING_RATE = 0.25" in text
    assert "BATCH_SIZE = 2" in text and "EPOCHS = 7" in text
    with np.load(script.with_suffix(".npz"), allow_pickle=False) as saved:
        for index, (W, b) in enumerate(network.get_weights()):
            np.testing.assert_array_equal(saved[f"W{index}"], W)
            np.testing.assert_array_equal(saved[f"b{index}"], b)
