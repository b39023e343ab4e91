"""The Qt-free, evented model of what is open (DESIGN.md, "The workspace")."""

from nnsim.workspace.state import TrainingSettings, WorkspaceState
from nnsim.workspace.status import RunStatus
from nnsim.workspace.workspace import Evaluation, Figures, Workspace

__all__ = ["Evaluation", "Figures", "RunStatus", "TrainingSettings", "Workspace",
           "WorkspaceState"]
