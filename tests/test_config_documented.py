"""Every configuration key is documented in the README, so an administrator can find and set it."""

from __future__ import annotations

import re

from scheduler.config import DefaultConfig


def test_every_config_key_is_in_the_readme(project_root):
    readme = (project_root / "README.md").read_text()
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", readme))
    keys = [name for name in vars(DefaultConfig) if name.isupper()]
    missing = [key for key in keys if key not in documented]
    assert not missing, f"document these keys in README.md's configuration table: {missing}"
