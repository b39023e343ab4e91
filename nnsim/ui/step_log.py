"""StepLog: the stepper's steps so far as readable rich text, the current one large.

Each step is one paragraph: its line from ``nnsim.core.explain`` (the same text ``nnsim step``
prints) and, for the current backward step, which chain-rule factor each number is (dE/dout,
dout/dnet, dnet/dw). Hovering a step shows its numbers at full precision. Moving one step forward
or back edits only the last paragraphs, so stepping stays quick on nets of 60 neurons.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QHelpEvent, QPalette, QTextBlockFormat, QTextCursor
from PySide6.QtWidgets import QTextBrowser, QToolTip, QWidget

from nnsim.core.explain import Step, chain_rule_lines, full_values
from nnsim.core.traces import BackwardTrace, ForwardTrace
from nnsim.ui.palette import LIGHT, NEGATIVE, NEGATIVE_LIGHT, Theme

PHASE_TITLES = {"forward": "Forward", "loss": "Loss", "delta": "Delta (dE/dnet)",
                "gradient": "Gradient (dE/dw)", "update": "Update", "result": "Result"}
CHAIN_SYMBOLS = ("dE/dout", "dout/dnet", "dE/dnet", "dE/dw", "dE/db", "dnet/dw", "E ", "w <-")
#: The current step's font size relative to the steps before it.
CURRENT_SCALE = 1.45


def bold_symbol(line: str) -> str:
    """A chain-rule line as rich text with its leading symbol (dE/dout, ...) in bold."""
    cut = min((i for i in (line.find(" = "), line.find(":")) if i > 0), default=-1)
    head, rest = (line[:cut], line[cut:]) if cut > 0 else (line, "")
    if line.startswith(CHAIN_SYMBOLS) and rest:
        return f"<b>{html.escape(head)}</b>{html.escape(rest)}"
    return html.escape(line)


class StepLog(QTextBrowser):
    """Steps 0..current of a stepper, one paragraph each; tooltips give the full values."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setLineWrapMode(QTextBrowser.LineWrapMode.WidgetWidth)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the stepper's keys go to the panel
        self._point_size = self.font().pointSizeF()
        self._theme = LIGHT
        self._steps: list[Step] = []
        self._forward: ForwardTrace | None = None
        self._backward: BackwardTrace | None = None
        self._precision = 3
        self._shown = -2  # the step shown as current; -2: redraw everything next time
        self._block_format = QTextBlockFormat()
        self._block_format.setBottomMargin(4)

    def set_steps(self, steps: list[Step], forward: ForwardTrace | None,
                  backward: BackwardTrace | None, precision: int) -> None:
        """New steps and the traces they were written from; ``show_up_to`` redraws them."""
        self._steps, self._forward, self._backward = steps, forward, backward
        self._precision = precision
        self._shown = -2

    def show_up_to(self, index: int) -> None:
        """Show steps 0..index (-1: none), the last one large; one step on or back is cheap."""
        document, shown = self.document(), self._shown
        cursor = QTextCursor(document)
        if shown >= 0 and index == shown + 1:
            self._replace_block(shown, self._step_html(shown, False))
            cursor.movePosition(QTextCursor.MoveOperation.End)
            cursor.insertBlock(self._block_format)
            cursor.insertHtml(self._step_html(index, True))
        elif shown >= 1 and index == shown - 1:
            cursor = QTextCursor(document.findBlockByNumber(index))
            cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock)
            cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
            cursor.removeSelectedText()
            self._replace_block(index, self._step_html(index, True))
        elif index != shown:
            document.clear()
            cursor.setBlockFormat(self._block_format)
            for number in range(index + 1):
                if number:
                    cursor.insertBlock(self._block_format)
                cursor.insertHtml(self._step_html(number, number == index))
            if index < 0:
                cursor.insertText("Press Next (Right arrow) to start." if self._steps else
                                  "No traces yet: load a network and pick an input.")
        self._shown = index
        self.moveCursor(QTextCursor.MoveOperation.End)
        self.ensureCursorVisible()

    def step_lines(self, index: int) -> tuple[list[str], list[str]]:
        """Step ``index``'s text as lines, and which chain-rule factor each number is."""
        step = self._steps[index]
        chain = ([] if self._backward is None else
                 chain_rule_lines(self._backward, step, self._precision))
        split = step.phase in ("gradient", "update")  # one line per weight
        return step.text.split("; ") if split else [step.text], chain

    def tooltip_text(self, index: int) -> str:
        """The full values behind step ``index``'s truncated numbers."""
        values = full_values(self._steps[index], self._forward, self._backward)
        return "\n".join(f"{label} = {value!r}" for label, value in values)

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            block = self.cursorForPosition(event.pos()).blockNumber()
            if 0 <= block <= self._shown:
                QToolTip.showText(event.globalPos(), self.tooltip_text(block), self)
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

    def set_theme(self, theme: Theme) -> None:
        """Colours and font sizes of ``theme``; projector mode enlarges the formulas."""
        self._theme = theme
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Base, QColor(*theme.background))
        palette.setColor(QPalette.ColorRole.Text, QColor(*theme.foreground))
        self.setPalette(palette)
        index, self._shown = self._shown, -2
        self.show_up_to(max(index, -1))

    def _step_html(self, index: int, current: bool) -> str:
        theme, size = self._theme, self._point_size * self._theme.font_scale
        step = self._steps[index]
        lines, chain = self.step_lines(index)
        muted = tuple(round(0.65 * f + 0.35 * b)
                      for f, b in zip(theme.foreground, theme.background, strict=True))
        accent = "#%02x%02x%02x" % (NEGATIVE if sum(theme.background) > 384 else NEGATIVE_LIGHT)
        body = ""
        if index == 0 or self._steps[index - 1].phase != step.phase:
            body = (f"<span style='color:{accent}; font-size:{size * 0.85:.1f}pt'>"
                    f"{PHASE_TITLES[step.phase]}</span><br>")
        body += (f"<span style='font-size:{size * (CURRENT_SCALE if current else 1):.1f}pt; "
                 f"color:rgb{theme.foreground if current else muted}'>"
                 f"{'<br>'.join(html.escape(t) for t in lines)}</span>")
        if chain and current:
            body += (f"<br><span style='font-size:{size * 1.1:.1f}pt; color:rgb"
                     f"{theme.foreground}'>{'<br>'.join(bold_symbol(t) for t in chain)}</span>")
        return body

    def _replace_block(self, number: int, inner: str) -> None:
        cursor = QTextCursor(self.document().findBlockByNumber(number))
        cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
        cursor.insertHtml(inner)


def main() -> None:
    """The worked example's forward and backward pass, every step shown."""
    import numpy as np
    from PySide6.QtWidgets import QApplication

    from nnsim.core.explain import backward_steps, forward_steps
    from nnsim.core.lessons import load_lesson

    app = QApplication.instance() or QApplication([])
    model = load_lesson("worked-example").build_model(2)
    backward = model.backward_trace(np.array([0.0, 1.0]), 1.0, "sse", 0.5)
    steps = forward_steps(backward.forward, target=1.0) + backward_steps(backward)
    log = StepLog()
    log.set_steps(steps, backward.forward, backward, 3)
    log.show_up_to(len(steps) - 1)
    log.resize(640, 560)
    log.show()
    app.exec()


if __name__ == "__main__":
    main()
