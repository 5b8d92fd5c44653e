"""The rules: one module per phase of a turn, and the odds shared with the window and AI."""
