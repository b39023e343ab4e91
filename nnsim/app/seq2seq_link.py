"""Binds the encoder-decoder view to the workspace: which sequence it decodes (the data's
probe row, or one the presenter typed) under the weights of each frame."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject

from nnsim.app.main_window import MainWindow
from nnsim.core.seq2seq import EncoderDecoder, Handover
from nnsim.core.sequences import parse_sequence
from nnsim.core.snapshot import Snapshot
from nnsim.ui.guard import guarded
from nnsim.workspace import Workspace, WorkspaceState
from nnsim.workspace.state import model_with_weights


def encoder_decoder(state: WorkspaceState | None) -> EncoderDecoder | None:
    """The open network's encoder-decoder layer, if it is one."""
    if state is None:
        return None
    layer = state.network.layers[0]
    return layer if isinstance(layer, EncoderDecoder) else None


class Seq2SeqLink(QObject):
    """Feeds ``window.seq2seq`` one decoded sequence per frame."""

    def __init__(self, workspace: Workspace, window: MainWindow, parent: QObject) -> None:
        super().__init__(parent)
        self.workspace, self.window = workspace, window
        self.typed: np.ndarray | None = None
        window.seq2seq.sequence_typed.connect(self._on_typed)

    def bind(self, state: WorkspaceState) -> None:
        """A new lesson or model: back to the data's row; the last symbol ends a sequence."""
        self.typed = None
        layer = encoder_decoder(state)
        assert layer is not None
        self.window.seq2seq.set_model(self._decoder(state), layer.vocabulary - 1)

    def _decoder(self, state: WorkspaceState):  # noqa: ANN202 - a closure
        data = state.data

        def decode(snapshot: Snapshot) -> tuple[Handover, np.ndarray | None] | None:
            if not snapshot.activations and self.typed is None:
                return None
            network = model_with_weights(state.model, snapshot.weights)
            if self.typed is not None:
                return network.layers[0].handover(self.typed), None
            index = min(snapshot.probe_index, len(data.y_train) - 1)
            return network.layers[0].handover(snapshot.activations[0]), data.y_train[index]
        return decode

    @guarded()
    def _on_typed(self, text: str) -> None:
        layer = encoder_decoder(self.workspace.state)
        if layer is None:
            return
        view = self.window.seq2seq
        if not text.strip():
            self.typed = None
            view.show_message(None)
        else:
            steps = self.workspace.require().network.input_shape[0]
            try:
                self.typed = parse_sequence(text, layer.vocabulary - 1, steps)
            except ValueError as error:
                view.show_message(f"Cannot decode {text.strip()!r}: {error}.")
                return
            view.show_message(None)
        frame = self.workspace.last_frame
        if frame is not None and self.window.central.currentWidget() is view:
            view.show_snapshot(frame)
