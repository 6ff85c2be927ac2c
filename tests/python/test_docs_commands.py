"""Every command the documentation shows is run, so the docs never rot.

What is run: each ``$ `` line of every ```console block in README.md and
docs/**/*.md, file by file, block by block, in the order of the page, from
the repository root, each command through ``bash -o pipefail -c``. Lines
without ``$ `` are example output and are not compared. Each command must
exit 0, unless its block is marked. Markers are HTML comments on the lines
right before the block (invisible on the rendered page):

    <!-- docs-test: skip (why it cannot run in a test) -->
    <!-- docs-test: expect-exit 3 -->            every command of the block exits 3
    <!-- docs-test: expect-exit 0,1 -->          either: the answer depends on the machine
    <!-- docs-test: interrupt-after 2 -->        a command still running after 2 s gets
                                                 SIGINT (Ctrl-C) and must then exit as expected

A skip needs a reason. A block that would change the machine (packages,
systemd, the kernel command line, drivers, files under /etc, /sys or /proc,
install.sh without --dry-run or --root, setup_*.sh without --check or
--dry-run) must be skipped: the test refuses to run it. Skips are reported
by pytest (``-ra``) with their reasons, one per block.

How a page runs, so that it runs anywhere and changes nothing outside a
temporary folder:

- ``hft`` is the console script of this environment (its folder goes first
  on PATH) and ``.venv/bin/`` is this environment's bin folder.
- ``build/release/`` (scripts/test.sh's default build folder) is the build
  folder HFT_BIN_DIR points into.
- ``HFT_STATE_DIR`` and ``HFT_SHM_DIR`` are fresh temporary folders for each
  page; ``HFT_BIN_DIR`` (scripts/test.sh sets it) is passed on.
- ``config/demo/system_config.json`` and ``config/demo/venue.json`` are
  copies with free ports, so a demo someone else runs on this machine is not
  disturbed; everything else in them is the shipped file.
- A page that shows ``hft start`` starts the system itself. On other pages a
  block that talks to a running engine (``hft status|kill|resume|stop|metrics``,
  ``hft venue status|stop``, ``Engine(...)``) and expects success gets the
  demo system started first when none runs, under the instance name the
  block uses.
- A page that names the installed layout (``/opt/hft/``, ``/etc/hft/``) gets
  it from ``scripts/install.sh --from-build <build> --root <tmp>`` and those
  paths point there. ``sudo`` in front of a command that does not change the
  machine is dropped: the command runs as the test's user.
- After the page, every daemon whose control block is in its HFT_SHM_DIR is
  stopped.

Besides, every ``hft`` command named anywhere in the docs (other code blocks
and inline code) must exist with the options it is shown with.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import click
import pytest
from system_configs import free_udp_port

from hft import launch, paths
from hft.cli import cli
from hft.control import ControlClient, ControlError

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
COMMAND_TIMEOUT_S = 90.0
DEMO_ENGINE = "config/demo/system_config.json"
DEMO_VENUE = "config/demo/venue.json"

# ---- reading the pages ------------------------------------------------------------

FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})\s*(?P<lang>[\w+-]*)")
MARKER = re.compile(r"^\s*<!--\s*docs-test:\s*(?P<body>.*?)\s*-->\s*$")
INLINE_CODE = re.compile(r"`([^`\n]+)`")


@dataclass
class Block:
    """One fenced code block of a page, with its docs-test markers."""

    file: str  #: relative to the repository
    line: int  #: 1-based line of the opening fence
    lang: str
    lines: list[str]  #: the block's content, indentation removed
    skip: str | None = None  #: the reason, when marked skip
    expect: tuple[int, ...] = (0,)
    interrupt_after: float | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"

    @property
    def commands(self) -> list[str]:
        """The ``$ `` lines; a line ending in a backslash continues on the next."""
        out: list[str] = []
        pending: str | None = None
        for raw in self.lines:
            if pending is not None:
                text = raw.strip().removeprefix("> ")
                pending = pending[:-1].rstrip() + " " + text
            elif raw.startswith("$ "):
                pending = raw[2:].strip()
            else:
                continue
            if not pending.endswith("\\"):
                out.append(pending)
                pending = None
        if pending is not None:
            self.problems.append(f"{self.where}: a command ends with a backslash and nothing follows")
        return out


def doc_files() -> list[Path]:
    return [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]


def parse_marker(body: str, block: Block) -> None:
    if m := re.fullmatch(r"skip(?:\s*\((?P<why>.*)\))?", body):
        why = (m.group("why") or "").strip()
        if not why:
            block.problems.append(f"{block.where}: 'docs-test: skip' needs a reason: skip (why)")
        block.skip = why or "(no reason given)"
    elif m := re.fullmatch(r"expect-exit\s+(?P<codes>\d+(?:\s*[,|]\s*\d+)*)", body):
        block.expect = tuple(int(c) for c in re.split(r"\s*[,|]\s*", m.group("codes")))
    elif m := re.fullmatch(r"interrupt-after\s+(?P<s>\d+(?:\.\d+)?)", body):
        block.interrupt_after = float(m.group("s"))
    else:
        block.problems.append(
            f"{block.where}: unknown docs-test marker {body!r} "
            "(skip (reason), expect-exit N[,M], interrupt-after S)"
        )


def parse_page(path: Path) -> list[Block]:
    """Every fenced block of ``path``, markers attached."""
    rel = path.relative_to(REPO).as_posix()
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    pending: list[tuple[int, str]] = []  # markers waiting for their block
    orphans: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if m := MARKER.match(line):
            pending.append((i + 1, m.group("body")))
            i += 1
            continue
        fence = FENCE.match(line)
        if not fence:
            if line.strip() and pending:
                orphans += [f"{rel}:{n}: docs-test marker not followed by a code block" for n, _ in pending]
                pending = []
            i += 1
            continue
        indent, mark = fence.group("indent"), fence.group("fence")
        body: list[str] = []
        j = i + 1
        while j < len(lines) and not lines[j].strip().startswith(mark):
            body.append(lines[j][len(indent) :] if lines[j].startswith(indent) else lines[j].lstrip())
            j += 1
        block = Block(rel, i + 1, fence.group("lang"), body)
        for _, text in pending:
            parse_marker(text, block)
        if pending and block.lang != "console":
            block.problems.append(f"{block.where}: docs-test markers apply to ```console blocks only")
        pending = []
        blocks.append(block)
        i = j + 1
    if pending:
        orphans += [f"{rel}:{n}: docs-test marker not followed by a code block" for n, _ in pending]
    if orphans:
        blocks.append(Block(rel, 0, "", [], problems=orphans))
    return blocks


def all_blocks() -> list[Block]:
    return [b for f in doc_files() for b in parse_page(f)]


# ---- what may run -----------------------------------------------------------------

SUDO = re.compile(r"(^|[|;&(]\s*)sudo((\s+-[nEHS]+)|(\s+-u\s+\S+))*\s+")
SEPARATORS = {"|", "||", "&&", ";", "&", "|&"}


def simple_commands(command: str) -> Iterator[list[str]]:
    """argv of each simple command of a line (split at unquoted |, ;, && and ||), sudo removed."""
    lexer = shlex.shlex(SUDO.sub(r"\1", command), posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = "#"
    try:
        tokens = list(lexer)
    except ValueError:  # unbalanced quotes: a synopsis, not a command
        tokens = command.split()
    argv: list[str] = []
    for token in [*tokens, ";"]:
        if token not in SEPARATORS:
            argv.append(token)
            continue
        while argv and re.fullmatch(r"\w+=.*", argv[0]):
            argv = argv[1:]  # VAR=value prefixes
        if argv:
            yield argv
        argv = []


def machine_change(command: str) -> str | None:
    """Why ``command`` may not run in a test, or None when it may."""
    if re.search(r">\s*/(etc|sys|proc|boot)/", command):
        return "writes under /etc, /sys, /proc or /boot"
    for argv in simple_commands(command):
        prog, args = Path(argv[0]).name, argv[1:]
        if prog in ("apt", "apt-get", "aptitude") or (
            prog == "dpkg" and {"-i", "--install", "-r", "-P"} & set(args)
        ):
            return "installs or removes packages"
        if prog in ("pip", "pip3") and "install" in args:
            return "installs Python packages"
        if prog in ("systemctl", "journalctl"):
            return "needs systemd as init and changes services"
        if prog in ("update-grub", "grub-mkconfig", "reboot", "shutdown", "poweroff"):
            return "changes the boot configuration or restarts the machine"
        if prog in ("modprobe", "rmmod", "insmod", "udevadm", "mount", "umount", "useradd", "usermod"):
            return "changes drivers, devices, mounts or users"
        if prog.startswith("dpdk-devbind"):
            return "binds NICs to drivers (needs Debian's dpdk)"
        if prog in ("nft", "ptp4l", "phc2sys", "pmc", "chronyc", "sysctl"):
            return "changes or queries system services the test machine does not run"
        if prog == "tee" and any(re.match(r"/(etc|sys|proc|boot)/", a) for a in args):
            return "writes under /etc, /sys, /proc or /boot"
        if prog == "install.sh" and not {"--dry-run", "--root", "--help", "-h"} & set(args):
            return "installs onto this machine (use --dry-run, or --root DIR)"
        if re.fullmatch(r"setup_\w+\.sh", prog) and not {"--check", "--dry-run", "--help", "-h"} & set(args):
            return "changes kernel settings (use --check or --dry-run)"
    return None


ENGINE_COMMAND = re.compile(
    r"\bhft\s+(status|kill|resume|stop|metrics)\b|\bhft\s+venue\s+(status|stop)\b|\bEngine\(|ControlClient\."
)
START_COMMAND = re.compile(r"\bhft\s+start\b")


# ---- running a page ---------------------------------------------------------------


def build_dir() -> Path | None:
    """The CMake build folder whose daemons the tests use (HFT_BIN_DIR is its cpp/apps)."""
    try:
        bin_dir = Path(os.environ.get("HFT_BIN_DIR") or paths.find_binary("hft_system").parent)
    except paths.BinaryNotFound:
        return None
    build = bin_dir.resolve().parent.parent
    return build if (build / "CMakeCache.txt").is_file() else None


class PageRun:
    """One page's temporary world: state, control blocks, configs, maybe an installed layout."""

    def __init__(self, file: str, root: Path) -> None:
        self.file = file
        self.root = root
        self.state = root / "state"
        self.shm = root / "shm"
        self.config = root / "config"
        for d in (self.state, self.shm, self.config):
            d.mkdir(parents=True)
        self.env = {
            **{k: v for k, v in os.environ.items() if k != "HFT_INSTANCE"},
            "HFT_STATE_DIR": str(self.state),
            "HFT_SHM_DIR": str(self.shm),
            "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "COLUMNS": "120",
        }
        self.installed: Path | None = None
        self.ports = {k: free_udp_port() for k in ("line_a", "line_b", "retransmission", "fix")}
        self.venue_config = self._venue_config()
        self.venue_name = json.loads(self.venue_config.read_text())["name"]
        self.engine_config = self.engine_config_for(None)

    # configs ---------------------------------------------------------------------

    def _venue_config(self) -> Path:
        doc = json.loads((REPO / DEMO_VENUE).read_text())
        doc["order_entry"]["port"] = self.ports["fix"]
        lines = doc["market_data"]["lines"]
        lines[0]["port"], lines[1]["port"] = self.ports["line_a"], self.ports["line_b"]
        doc["market_data"]["retransmission"]["port"] = self.ports["retransmission"]
        path = self.config / "venue.json"
        path.write_text(json.dumps(doc, indent=2))
        return path

    def engine_config_for(self, instance: str | None) -> Path:
        doc = json.loads((REPO / DEMO_ENGINE).read_text())
        if instance:
            doc["instance"]["name"] = instance
        doc["network"]["udp_port"] = self.ports["line_a"]
        doc["market_data"]["line_b"]["port"] = self.ports["line_b"]
        doc["market_data"]["retransmission"]["port"] = self.ports["retransmission"]
        doc["fix"]["sessions"][0]["port"] = self.ports["fix"]
        doc["symbols_file"] = str((REPO / DEMO_ENGINE).parent.joinpath(doc["symbols_file"]).resolve())
        path = self.config / (f"system_config-{instance}.json" if instance else "system_config.json")
        path.write_text(json.dumps(doc, indent=2))
        return path

    def install_layout(self) -> Path:
        """/opt/hft, /etc/hft and the unit under a temporary root, as install.sh lays them out."""
        if self.installed is None:
            build = build_dir()
            if build is None:
                pytest.fail(
                    "no CMake build folder: set HFT_BIN_DIR to <build>/cpp/apps (scripts/test.sh does)"
                )
            root = self.root / "installed"
            run = subprocess.run(
                [
                    str(REPO / "scripts/install.sh"),
                    "--from-build",
                    str(build),
                    "--root",
                    str(root),
                    "--no-tuning",
                ],
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
                env=self.env,
            )
            assert run.returncode == 0, f"install.sh --root failed:\n{run.stdout}\n{run.stderr}"
            self.installed = root
        return self.installed

    # commands --------------------------------------------------------------------

    def rewrite(self, command: str) -> str:
        """The command as it runs here (see the module's docstring)."""
        if machine_change(command) is None:
            command = SUDO.sub(r"\1", command)
        command = re.sub(r"(?<![\w/.-])\.venv/bin/", f"{VENV_BIN}/", command)
        if re.search(r"(?<![\w/.-])build/release/", command) and (build := build_dir()) is not None:
            command = re.sub(r"(?<![\w/.-])build/release/", f"{build}/", command)
        command = re.sub(r"(?<![\w/.-])" + re.escape(DEMO_ENGINE), str(self.engine_config), command)
        command = re.sub(r"(?<![\w/.-])" + re.escape(DEMO_VENUE), str(self.venue_config), command)
        command = re.sub(r"(?<![\w.-])/usr/local/bin/hft\b", "hft", command)
        if re.search(r"(?<![\w.-])/(opt|etc)/hft/", command):
            root = self.install_layout()
            command = re.sub(r"(?<![\w.-])/(opt|etc)/hft/", lambda m: f"{root}/{m.group(1)}/hft/", command)
        return command

    def run(self, block: Block, command: str) -> None:
        argv = ["bash", "-o", "pipefail", "-c", self.rewrite(command)]
        proc = subprocess.Popen(
            argv,
            cwd=REPO,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        interrupted = False
        try:
            out, _ = proc.communicate(timeout=block.interrupt_after or COMMAND_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            if block.interrupt_after is None:
                os.killpg(proc.pid, signal.SIGKILL)
                out, _ = proc.communicate()
                pytest.fail(f"{block.where}: `{command}` still ran after {COMMAND_TIMEOUT_S:g} s\n{out}")
            interrupted = True
            os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C, as the page says
            try:
                out, _ = proc.communicate(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                out, _ = proc.communicate()
                pytest.fail(f"{block.where}: `{command}` ignored Ctrl-C\n{out}")
        how = " (after Ctrl-C)" if interrupted else ""
        assert proc.returncode in block.expect, (
            f"{block.where}: `{command}` exited {proc.returncode}{how}, "
            f"expected {' or '.join(map(str, block.expect))}\nran: {argv[-1]}\n{out}"
        )

    # the system ------------------------------------------------------------------

    def _alive(self, instance: str) -> int | None:
        try:
            status = ControlClient.attach(instance, self.shm).status()
        except ControlError:
            return None
        return status.pid if status.owner_alive else None

    def ensure_system(self, block: Block) -> None:
        """The demo system, under the names the block uses, unless it already runs."""
        text = " ".join(block.commands)
        found = re.search(r"--instance[ =](\S+)|Engine\(\s*['\"]([^'\"]+)", text)
        instance = next((g for g in found.groups() if g), "demo") if found else "demo"
        venue = self.venue_name if self._alive(self.venue_name) else None
        if self._alive(instance):
            return
        args = ["start", "--config", str(self.engine_config_for(instance)), "--skip-preflight", "--json"]
        if venue is None:
            args += ["--venue", str(self.venue_config)]
        # An engine of that name that is still stopping must be gone first.
        deadline = time.monotonic() + 30
        while (self.shm / f"hft-{instance}").exists() and time.monotonic() < deadline:
            if self._alive(instance) is None:
                break
            time.sleep(0.1)
        run = subprocess.run(
            [str(VENV_BIN / "hft"), *args],
            capture_output=True,
            text=True,
            timeout=120,
            env=self.env,
            check=False,
        )
        assert run.returncode == 0, (
            f"{block.where}: could not start the demo system:\n{run.stdout}\n{run.stderr}"
        )

    def stop_everything(self) -> None:
        """Engines first (they log out while the venue is up), then venues."""
        blocks = sorted(self.shm.glob("hft-*"))
        order = sorted(blocks, key=lambda p: p.name == f"hft-{self.venue_name}")
        for path in order:
            pid = self._alive(path.name.removeprefix("hft-"))
            if pid is not None and not launch.stop_pid(pid, 30):
                os.kill(pid, signal.SIGKILL)


class Pages:
    """One PageRun at a time: a new page stops the previous page's system."""

    def __init__(self, factory: pytest.TempPathFactory) -> None:
        self.factory = factory
        self.current: PageRun | None = None

    def page(self, file: str) -> PageRun:
        if self.current is None or self.current.file != file:
            self.close()
            self.current = PageRun(file, self.factory.mktemp(Path(file).stem))
        return self.current

    def close(self) -> None:
        if self.current is not None:
            self.current.stop_everything()
            self.current = None


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pages]:
    p = Pages(tmp_path_factory)
    yield p
    p.close()


CONSOLE_BLOCKS = [b for b in all_blocks() if b.lang == "console" and b.lines]
STARTS_ITSELF = {b.file for b in CONSOLE_BLOCKS if any(START_COMMAND.search(c) for c in b.commands)}


@pytest.mark.parametrize("block", CONSOLE_BLOCKS, ids=[b.where for b in CONSOLE_BLOCKS])
def test_console_block(block: Block, pages: Pages) -> None:
    if block.skip is not None:
        pytest.skip(f"{block.where} docs-test skip: {block.skip}")
    assert block.commands, f"{block.where}: a console block without a `$ ` command"
    for command in block.commands:
        why = machine_change(command)
        assert why is None, (
            f"{block.where}: `{command}` {why}; mark the block <!-- docs-test: skip (reason) --> "
            "or show a --check / --dry-run form"
        )
    page = pages.page(block.file)
    if (
        block.file not in STARTS_ITSELF
        and block.expect == (0,)
        and any(ENGINE_COMMAND.search(c) for c in block.commands)
    ):
        page.ensure_system(block)
    for command in block.commands:
        page.run(block, command)


def test_markers_are_well_formed_and_skips_are_counted() -> None:
    blocks = all_blocks()
    problems = [p for b in blocks for p in b.problems]
    for b in blocks:
        _ = b.commands  # records continuation problems
        problems += b.problems
    assert not problems, "\n".join(dict.fromkeys(problems))
    skipped = [b for b in blocks if b.skip is not None]
    console = [b for b in blocks if b.lang == "console"]
    print(f"\n{len(console)} console blocks, {len(skipped)} skipped:")
    for b in skipped:
        print(f"  {b.where}: {b.skip}")
    assert console, "no ```console block found in the docs"


# ---- hft commands named anywhere --------------------------------------------------


def _hft_mentions() -> Iterator[tuple[str, list[str]]]:
    """(where, argv after `hft`) for every hft command in code blocks and inline code."""
    for path in doc_files():
        rel = path.relative_to(REPO).as_posix()
        for block in parse_page(path):
            if block.lang not in ("", "sh", "bash", "console", "shell", "text"):
                continue
            lines = block.commands if block.lang == "console" else block.lines
            for n, line in enumerate(lines):
                yield from _argvs(f"{block.where}+{n + 1}", line)
        in_fence = False
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if FENCE.match(line):
                in_fence = not in_fence
                continue
            if not in_fence:
                for code in INLINE_CODE.findall(line):
                    yield from _argvs(f"{rel}:{n}", code)


def _argvs(where: str, text: str) -> Iterator[tuple[str, list[str]]]:
    text = text.strip().removeprefix("$ ")
    for argv in simple_commands(text):
        if Path(argv[0]).name == "hft" and (
            argv[0] in ("hft", ".venv/bin/hft") or argv[0].endswith("/bin/hft")
        ):
            yield where, argv[1:]


def _check_hft(args: list[str]) -> str | None:
    """None when ``hft ARGS`` names an existing command with existing options."""
    command: click.Command = cli
    path = ["hft"]
    words = list(args)
    while isinstance(command, click.Group) and words and not words[0].startswith("-"):
        if "/" in words[0]:  # `hft config check/render/schema`: several commands at once
            missing = [
                w for w in words[0].split("/") if command.get_command(click.Context(command), w) is None
            ]
            return f"`{' '.join(path)}` has no command {missing[0]!r}" if missing else None
        sub = command.get_command(click.Context(command), words[0])
        if sub is None:
            if words[0].isupper() or words[0] in ("...", "|"):
                break
            return f"`{' '.join(path)}` has no command {words[0]!r}"
        command, path = sub, [*path, words.pop(0)]
    known = {"--help", "-h"}
    for p in command.params:
        known.update(p.opts)
        known.update(p.secondary_opts)
    if command is cli:
        known.update({"--version", "-V"})
    for word in words:
        opt = word.strip("[]()").split("=", 1)[0]
        if re.fullmatch(r"--?[A-Za-z][\w-]*", opt) and opt not in known:
            return f"`{' '.join(path)}` has no option {opt!r}"
    return None


def test_every_hft_command_named_in_the_docs_exists() -> None:
    errors = [
        f"{where}: hft {' '.join(args)}: {e}" for where, args in _hft_mentions() if (e := _check_hft(args))
    ]
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("daemon", ["hft_system", "hft_venue"])
def test_every_daemon_option_named_in_the_docs_exists(daemon: str) -> None:
    try:
        exe = paths.find_binary(daemon)
    except paths.BinaryNotFound as e:
        pytest.skip(str(e))
    helptext = subprocess.run([str(exe), "--help"], capture_output=True, text=True, timeout=30, check=False)
    known = set(re.findall(r"--[a-z][\w-]*", helptext.stdout + helptext.stderr))
    errors: list[str] = []
    for path in doc_files():
        rel = path.relative_to(REPO).as_posix()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for m in re.finditer(rf"(?<![\w-]){daemon}((?:\s+(?:--[\w-]+|[^\s`|;-][^\s`|;]*))*)", line):
                for opt in re.findall(r"--[a-z][\w-]*", m.group(1)):
                    if opt not in known:
                        errors.append(f"{rel}:{n}: {daemon} has no option {opt}")
    assert not errors, "\n".join(errors)


def test_scripts_named_in_console_blocks_exist() -> None:
    missing = []
    for b in CONSOLE_BLOCKS:
        for command in b.commands:
            for argv in simple_commands(command):
                if argv[0].startswith("scripts/") and not (REPO / argv[0]).is_file():
                    missing.append(f"{b.where}: {argv[0]}")
    assert not missing, "\n".join(missing)


def test_a_page_runs_in_its_own_folders(tmp_path: Path) -> None:
    """The rewriting the runs rely on: demo configs, the venv, sudo, the installed layout."""
    page = PageRun("x.md", tmp_path)
    assert str(page.engine_config) in page.rewrite(f"hft start --config {DEMO_ENGINE}")
    assert page.rewrite(".venv/bin/hft --help") == f"{VENV_BIN}/hft --help"
    assert (
        page.rewrite("sudo scripts/setup_hugepages.sh --gb 2 --check")
        == "scripts/setup_hugepages.sh --gb 2 --check"
    )
    assert page.rewrite("sudo -u hft hft preflight") == "hft preflight"
    assert machine_change("sudo update-grub") and machine_change(
        "echo x | sudo tee /etc/modules-load.d/x.conf"
    )
    assert machine_change("sudo scripts/install.sh --from-deb x.deb")
    assert machine_change("scripts/install.sh --from-deb x.deb --dry-run") is None
    assert machine_change("hft status --instance main") is None


# ---- links between the pages ----------------------------------------------------------

LINK = re.compile(r"\]\((?P<target>[^)\s#]*)(?:#(?P<anchor>[^)\s]+))?\)")


def anchors(path: Path) -> set[str]:
    """GitHub's heading ids of a markdown file."""
    out: set[str] = set()
    in_fence = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if FENCE.match(line):
            in_fence = not in_fence
        elif not in_fence and (m := re.match(r"#{1,6}\s+(.*)", line)):
            out.add(re.sub(r"[^\w\- ]", "", m.group(1).strip().lower()).replace(" ", "-"))
    return out


def test_relative_links_and_anchors_resolve() -> None:
    broken: list[str] = []
    for path in doc_files():
        rel = path.relative_to(REPO).as_posix()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for m in LINK.finditer(line):
                target, anchor = m.group("target"), m.group("anchor")
                if re.match(r"[a-z]+:", target):
                    continue  # http:, https:, mailto:
                dest = (path.parent / target).resolve() if target else path
                if not dest.exists():
                    broken.append(f"{rel}:{n}: {target} does not exist")
                elif anchor and dest.suffix == ".md" and anchor not in anchors(dest):
                    broken.append(f"{rel}:{n}: {target or rel}#{anchor}: no such heading")
    assert not broken, "\n".join(broken)
