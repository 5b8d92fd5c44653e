"""Karabakh 1992–94: a historical simulation of the First Nagorno-Karabakh War.

Everything under `sim/` except `sim/ui/` is the pure rules core: numpy and the standard
library only, so it runs the same in the window, a test, a batch worker and on a cluster.
"""

__version__ = "0.1.0"
