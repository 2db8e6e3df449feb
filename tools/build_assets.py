"""Build the web application's front-end files into src/kpiboard/web/static/web/.

    python3 tools/build_assets.py      (or: npm run build; ./run does it when needed)

Needs ``npm ci`` first (node_modules/). It

- compiles frontend/kpiboard.scss (GOV.UK Frontend with a system font stack, and kpiboard's own
  styles) to kpiboard.css;
- copies GOV.UK Frontend's JavaScript (govuk-frontend.min.js, an ES module that kpiboard.js
  imports) and its assets/ folder (images and manifest; not the GDS Transport fonts, which only
  GOV.UK may use);
- copies htmx.min.js.

The built files are not committed (see .gitignore); kpiboard.js is.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
GOVUK = NODE_MODULES / "govuk-frontend" / "dist" / "govuk"
OUT = ROOT / "src" / "kpiboard" / "web" / "static" / "web"

# What is built or copied, relative to OUT: listed in .gitignore.
BUILT = ["kpiboard.css", "govuk-frontend.min.js", "govuk-frontend.min.js.map", "htmx.min.js",
         "assets"]


def compile_scss() -> None:
    sass = NODE_MODULES / ".bin" / "sass"
    subprocess.run(
        [str(sass), f"--load-path={NODE_MODULES}", "--no-source-map", "--style=compressed",
         str(ROOT / "frontend" / "kpiboard.scss"), str(OUT / "kpiboard.css")],
        check=True,
    )


def copy_files() -> None:
    for name in ("govuk-frontend.min.js", "govuk-frontend.min.js.map"):
        shutil.copy2(GOVUK / name, OUT / name)
    shutil.copy2(NODE_MODULES / "htmx.org" / "dist" / "htmx.min.js", OUT / "htmx.min.js")
    assets = OUT / "assets"
    if assets.exists():
        shutil.rmtree(assets)
    shutil.copytree(GOVUK / "assets", assets, ignore=shutil.ignore_patterns("fonts"))


def main() -> int:
    if not (GOVUK.is_dir() and (NODE_MODULES / ".bin" / "sass").exists()):
        print("node_modules/ is missing or incomplete: run `npm ci` first (./run does it)",
              file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    compile_scss()
    copy_files()
    for name in BUILT:
        print(f"built {(OUT / name).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
