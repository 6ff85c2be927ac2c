"""Python API reference: one pydoc HTML page per public module of the ``hft``
package, and an index page over them and the C++ reference.

    .venv/bin/python scripts/api_docs.py [--out DIR]

Writes DIR/python/<module>.html (``python -m pydoc -w``, standard library
only) and DIR/index.html, which also links DIR/cpp/index.html, where the
CMake target ``docs`` puts the Doxygen pages. DIR defaults to
build/release/docs/api. Run it with the interpreter that has ``hft``
installed (the .venv): pydoc imports every module. Exit 0 when every page was
written, 1 when pydoc failed on a module (named on stderr).
"""

from __future__ import annotations

import argparse
import html
import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "build" / "release" / "docs" / "api"
#: Private by name, public by use: the pybind11 module the README documents.
NATIVE = "hft._core"


def public_modules(package: str = "hft") -> list[str]:
    """``package``, its modules whose names do not start with an underscore, and the native module."""
    root = importlib.import_module(package)
    names = [package, NATIVE]
    for info in pkgutil.iter_modules(root.__path__, prefix=f"{package}."):
        if not info.name.rsplit(".", 1)[-1].startswith("_"):
            names.append(info.name)
    return sorted(names)


def summary(module: str) -> str:
    """First line of the module's docstring."""
    doc = importlib.import_module(module).__doc__ or ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


def write_pages(out: Path, modules: list[str]) -> list[str]:
    """Runs ``python -m pydoc -w`` for each module in ``out``; returns the failures."""
    out.mkdir(parents=True, exist_ok=True)
    failed: list[str] = []
    for module in modules:
        run = subprocess.run(
            [sys.executable, "-m", "pydoc", "-w", module],
            cwd=out,
            capture_output=True,
            text=True,
            check=False,
        )
        # pydoc exits 0 even when the import fails; the page is the proof.
        if run.returncode != 0 or not (out / f"{module}.html").is_file():
            failed.append(module)
            print(
                f"api_docs: pydoc failed on {module}: {run.stdout.strip()} {run.stderr.strip()}",
                file=sys.stderr,
            )
    return failed


def write_index(out: Path, modules: list[str]) -> Path:
    rows = "\n".join(
        f'<li><a href="python/{m}.html"><code>{m}</code></a> {html.escape(summary(m))}</li>' for m in modules
    )
    cpp = (
        '<a href="cpp/index.html">C++ API (Doxygen)</a>'
        if (out / "cpp" / "index.html").is_file()
        else "C++ API: not built here (<code>cmake --build &lt;build&gt; --target docs</code>)"
    )
    page = out / "index.html"
    page.write_text(
        "<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>hft API reference</title></head>\n"
        f"<body><h1>hft API reference</h1>\n<p>{cpp}</p>\n<h2>Python package <code>hft</code></h2>\n"
        f"<ul>\n{rows}\n</ul>\n</body></html>\n",
        encoding="utf-8",
    )
    return page


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT})"
    )
    args = parser.parse_args(argv)
    out: Path = args.out.resolve()
    modules = public_modules()
    failed = write_pages(out / "python", modules)
    page = write_index(out, modules)
    print(f"api_docs: {len(modules) - len(failed)} of {len(modules)} modules documented; open {page}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
