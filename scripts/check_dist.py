"""Check what the built distributions carry (used by .ci/run):

    python scripts/check_dist.py DIST_DIR

The wheel: the package, its stylesheet, py.typed, the license, the console
script, and no tests. The sdist: the license, the tests with every snapshot
they compare with. Prints what it checked; exits 1 naming what is missing.
"""

from __future__ import annotations

import sys
import tarfile
import zipfile
from pathlib import Path


def main(dist: Path) -> int:
    wheels, sdists = sorted(dist.glob("*.whl")), sorted(dist.glob("*.tar.gz"))
    if len(wheels) != 1 or len(sdists) != 1:
        print(f"check_dist: expected one wheel and one sdist in {dist}, found {wheels + sdists}")
        return 1
    problems = []
    wheel = zipfile.ZipFile(wheels[0]).namelist()
    for wanted in ("arker_tui/__init__.py", "arker_tui/py.typed", "arker_tui/ui/app.tcss"):
        if wanted not in wheel:
            problems.append(f"the wheel lacks {wanted}")
    if not any(n.endswith(".dist-info/licenses/LICENSE") for n in wheel):
        problems.append("the wheel lacks the LICENSE")
    if not any(n.endswith(".dist-info/entry_points.txt") for n in wheel):
        problems.append("the wheel declares no console script")
    if any(n.startswith("tests/") for n in wheel):
        problems.append("the wheel carries the tests")
    with tarfile.open(sdists[0]) as sdist:
        names = {n.split("/", 1)[1] for n in sdist.getnames() if "/" in n}
    repo = Path(__file__).resolve().parent.parent
    snapshots = {str(p.relative_to(repo)) for p in (repo / "tests" / "__snapshots__").rglob("*.svg")}
    for wanted in sorted({"LICENSE", "pyproject.toml", "tests/conftest.py"} | snapshots):
        if wanted not in names:
            problems.append(f"the sdist lacks {wanted}")
    for problem in problems:
        print(f"check_dist: {problem}")
    if not problems:
        print(f"check_dist: {wheels[0].name} ({len(wheel)} files) and {sdists[0].name} "
              f"({len(names)} files, {len(snapshots)} snapshots) carry what they should")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1])))
