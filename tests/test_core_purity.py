"""The rules core must import and run with pygame unavailable (batch workers, clusters)."""

import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import sim

ROOT = Path(__file__).resolve().parent.parent


def core_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(sim.__path__, prefix="sim."):
        if info.name.startswith("sim.ui"):
            continue
        names.append(info.name)
    return names


def test_every_core_module_imports_without_pygame():
    modules = core_modules()
    assert "sim.hexgrid" in modules and "sim.cli" in modules
    script = (
        "import sys, importlib\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'pygame' or name.startswith('pygame.'):\n"
        "            raise ImportError('pygame is blocked in the core')\n"
        "sys.meta_path.insert(0, Block())\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module(m)\n"
        "assert 'pygame' not in sys.modules\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr


def test_core_modules_are_importable_here_too():
    for name in core_modules():
        importlib.import_module(name)
