"""Fixtures of the contract tests: the generator module, loaded by path (it lives in `protos/`,
outside the `crm` package), descriptor sets of the current contracts, and events' names."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

PROTOS_DIR = Path(__file__).resolve().parents[1]


def _load(name: str, filename: str) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, PROTOS_DIR / filename)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def generate() -> ModuleType:
    """`protos/generate.py` as a module."""
    return _load("crm_contract_generate", "generate.py")


@pytest.fixture(scope="session")
def event_name_of(generate):
    """event_name_of(message descriptor proto) -> its `(crm.common.v1.event_name)` or None."""
    return generate.event_name_of


@pytest.fixture(scope="session")
def descriptor_set_with_source_info(generate):
    """Every crm contract compiled with source info (comments), without imports."""
    return generate.build_descriptor_set(include_source_info=True)
