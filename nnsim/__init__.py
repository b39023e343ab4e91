"""nnsim: a visual neural-network simulator for teaching Neural Network Basics."""

__version__ = "0.1.0"
