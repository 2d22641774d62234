"""Shared test helpers: optional dependencies that CI makes mandatory."""

from __future__ import annotations

import importlib
import os
import shutil
from types import ModuleType

import pytest
from hypothesis import settings

settings.register_profile("chainrule", max_examples=60, deadline=None, derandomize=True)
settings.load_profile("chainrule")


def require(module: str, env_var: str = "CHAINRULE_REQUIRE_TORCH") -> ModuleType:
    """Import an optional module for a test; skip when missing, but fail when ``env_var`` is set (CI)."""
    try:
        return importlib.import_module(module)
    except ImportError:
        if os.environ.get(env_var):
            pytest.fail(f"{module} is required here ({env_var} is set) but cannot be imported")
        pytest.skip(f"{module} is not installed (CI installs it and sets {env_var})")


def require_program(program: str, env_var: str) -> str:
    """Find a system program for a test; skip when missing, but fail when ``env_var`` is set (CI)."""
    path = shutil.which(program)
    if path is None:
        if os.environ.get(env_var):
            pytest.fail(f"the program {program!r} is required here ({env_var} is set) but is not on PATH")
        pytest.skip(f"the program {program!r} is not installed (CI installs it and sets {env_var})")
    return path
