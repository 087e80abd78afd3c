"""Developer and test tooling of the CRM suite (never shipped in an image).

Kept import-free apart from `wait_until`: the pytest plugin loads this package in every test
run of the repository.
"""

from .waiting import wait_until

__all__ = ["wait_until"]
