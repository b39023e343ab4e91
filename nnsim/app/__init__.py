"""The application: QApplication, main window and the controller that wires ui to training."""
