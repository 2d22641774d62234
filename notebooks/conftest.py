"""Notebook kernels run in their own process: point them at this checkout's packages."""

import os
from pathlib import Path

_root = str(Path(__file__).resolve().parent.parent)
os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (_root, os.environ.get("PYTHONPATH")) if p)
