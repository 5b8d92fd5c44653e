"""The only part of the program that uses pygame: the map renderer and, later, the window.

Importing this package does not import pygame, so `sim.ui.palette` and `sim.ui.view` stay
usable anywhere; the drawing modules import it themselves. `init_pygame` is the one door
through which pygame is started, so the headless default and the pygame-ce check happen in
one place.
"""

from __future__ import annotations

import os

from sim.errors import UserError

__all__ = ["init_pygame"]

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")


def init_pygame(headless: bool = True) -> None:
    """Start pygame's font system (and, headless, the dummy video driver).

    Drawing to a `pygame.Surface` needs no display, but some SDL builds still try to open one
    on init; the dummy driver keeps a map render working on a server or in CI. The upstream
    `pygame` package installs under the same import name as pygame-ce and silently breaks
    features we use, so it is caught here with the fix spelled out.
    """
    if headless:
        os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    try:
        import pygame
    except ImportError as err:  # pragma: no cover - depends on the installation
        raise UserError(
            "pygame-ce is not installed; install it with: pip install 'pygame-ce>=2.5.6,<3'"
        ) from err
    if not getattr(pygame, "IS_CE", False):
        raise UserError(
            "the upstream 'pygame' package is installed instead of pygame-ce; fix it with: "
            "pip uninstall -y pygame && pip install --force-reinstall 'pygame-ce>=2.5.6,<3'"
        )
    if not pygame.font.get_init():
        pygame.font.init()
