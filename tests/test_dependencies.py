"""requirements.lock is what `make setup` installs, and it agrees with the ranges in pyproject.toml."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;\\]+)\s*(?:;\s*(?P<marker>[^\\]+?))?\s*\\?$")


@dataclass
class Pin:
    version: Version
    marker: Marker | None
    hashes: int = 0

    def applies_here(self) -> bool:
        return self.marker is None or self.marker.evaluate()


def locked() -> dict[str, list[Pin]]:
    """name -> its pins (a universal lock may pin one package at two versions under different markers)."""
    pins: dict[str, list[Pin]] = {}
    current: Pin | None = None
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        match = PIN.match(line)
        if match:
            current = Pin(Version(match["version"]), Marker(match["marker"]) if match["marker"] else None)
            pins.setdefault(canonicalize_name(match["name"]), []).append(current)
        elif current and line.strip().startswith("--hash=sha256:"):
            current.hashes += 1
        elif not line.startswith(" "):
            current = None
    return pins


def declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project.get("optional-dependencies", {})
    return [Requirement(text) for text in project["dependencies"] + [r for group in extras.values() for r in group]]


def test_every_declared_package_is_locked_within_its_range():
    pins = locked()
    problems = []
    for requirement in declared():
        name = canonicalize_name(requirement.name)
        if name not in pins:
            problems.append(f"{requirement} is in pyproject.toml but not in requirements.lock")
        for pin in pins.get(name, []):
            if not requirement.specifier.contains(pin.version, prereleases=True):
                problems.append(f"{requirement} does not allow the locked {name}=={pin.version}")
    assert not problems, "run `make lock`:\n" + "\n".join(problems)


def test_every_locked_package_has_hashes():
    unhashed = [name for name, pins in locked().items() if any(pin.hashes == 0 for pin in pins)]
    assert not unhashed, f"locked without --hash (pip --require-hashes refuses these): {unhashed}"


def test_the_environment_runs_the_locked_versions():
    """A venv that drifted from the lock (a manual pip install, an old .venv) fails here; `make setup` fixes it."""
    drifted = []
    for name, pins in locked().items():
        here = [pin.version for pin in pins if pin.applies_here()]
        if not here:
            continue
        version = here[0]
        try:
            installed = Version(metadata.version(name))
        except metadata.PackageNotFoundError:
            drifted.append(f"{name}=={version} is locked but not installed")
            continue
        if installed != version:
            drifted.append(f"{name}: installed {installed}, locked {version}")
    assert not drifted, "\n".join(drifted)


def test_the_lock_pins_each_package_once_for_this_python():
    doubled = [name for name, pins in locked().items() if sum(pin.applies_here() for pin in pins) > 1]
    assert not doubled


def test_the_lock_parser_reads_markers_and_hashes():
    line = "colorama==0.4.6 ; sys_platform == 'win32' \\"
    match = PIN.match(line)
    assert match and match["name"] == "colorama" and match["version"] == "0.4.6"
    assert Marker(match["marker"]).evaluate({"sys_platform": "win32"})
