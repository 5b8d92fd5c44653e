"""The comparison of simulated wars with the real one, read from batch directories.

A batch (`python main.py batch`) leaves CSV files with one row per run, per change of control
and per turn; this package reads them (`batch_dir`), reduces them to numbers with stated
uncertainty (`stats`, `history_compare`, `districts`, `losses`, `territory`, `contrast`) and
lays those out as one self-contained HTML page (`plots`, `html`). Nothing here changes a game:
it only reads what the batch wrote, so a report can be made again at any time.

matplotlib is imported by `plots` alone, and only when a plot is drawn.
"""
