"""Build the offline install kit: everything a city PC without internet needs, except Python itself (issue 24).

    python tools/build_kit.py --out DIR [--target windows|host] [--python 3.11 3.12] [--constraint FILE]
                              [--extra server] [--cache DIR]

Run on a connected machine (the vendor's or IT's), from the repository, with the dev environment (the one that
runs the tests: it builds the master with this repository's code and the pinned xlwings). The folder DIR holds:

    wheels/            every wheel kaikaku-xl needs on the target (Windows x64, CPython 3.11 and 3.12 by default)
                       and kaikaku-xl's own wheel, built from this repository; a pure-Python wheel once
    master/            the macro-enabled master of the bundled plan (omitama_master.xlsm) and its .py
    addin/xlwings.xlam the xlwings add-in as xlwings ships it (taken from the kit's xlwings wheel)
    template/          the blank plan workbook (kaikaku plan template)
    install.bat, uninstall.bat, verify_kit.py, README_導入手順.txt
    MANIFEST.csv       package, version, licence (from each wheel's metadata), file: for the IT review
    constraints.txt    the exact versions in the kit (--constraint constraints.txt rebuilds the same kit)
    SHA256SUMS         of every other file (sha256sum -c format)

Why not `pip download --platform win_amd64` alone: pip evaluates environment markers against the machine it
runs on, so a Linux build silently leaves out Windows-only dependencies (xlwings needs pywin32 on Windows) and
asks for Linux-only ones that have no Windows wheel (xlwings-server's uvloop). So this builder walks every
wheel's Requires-Dist with the *target's* markers (packaging.markers, per Python), has pip download what is
missing with --no-deps (pip still picks the newest version that fits the target's Python and platform tags, and
--constraint), and walks again until nothing is missing. Two requirements of one package that no single version
meets stop the build with both named (pin one with --constraint).

Reproducible: with the same inputs (this repository, the versions pinned by --constraint, SOURCE_DATE_EPOCH,
default: the time of the HEAD commit) two builds give the same files, byte for byte. The generated workbooks are
written with PYTHONHASHSEED=0 and their zip entries and document dates set to SOURCE_DATE_EPOCH; the own wheel
takes its file times from SOURCE_DATE_EPOCH too (setuptools' bdist_wheel), and its build backend (setuptools,
whose version the wheel records) is pinned in constraints.txt. What is not pinned: the build machine's Python and
zlib (the workbooks' deflate streams and openpyxl's part order), so compare kits built on the same setup.

`--cache DIR` (or KAIKAKU_KIT_CACHE) is pip's cache for the downloads, so a second build downloads nothing again.
"""

from __future__ import annotations

import argparse
import csv
import email
import email.message
import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from string import Template

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.tags import Tag, compatible_tags, cpython_tags, sys_tags
from packaging.utils import canonicalize_name, parse_wheel_filename
from packaging.version import Version

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = Path(__file__).resolve().parent / "kit"
PACKAGE = "kaikaku-xl"
WINDOWS_PYTHONS = ("3.11", "3.12")
# The Python each version is checked with, and the installer the README names: the last release of each line
# with a Windows installer on python.org (later releases of 3.11 and 3.12 are source-only security fixes).
INSTALLERS = {"3.11": "3.11.9", "3.12": "3.12.10"}
MAX_ROUNDS = 20  # rounds of "walk, download what is missing": one per level of the dependency tree
MASTER = "master/omitama_master.xlsm"
TEMPLATE = "template/plan_template.xlsx"
ADDIN = "addin/xlwings.xlam"
ADDIN_IN_WHEEL = "xlwings/addin/xlwings.xlam"
SUMS = "SHA256SUMS"
GUIDE = Path("docs/excel_setup_ja.md")
# Notes for the IT review beyond a wheel's licence field.
NOTES = {
    "xlwings": "xlwings/pro 以下のみ PolyForm Noncommercial 1.0.0（LICENSE_PRO.txt、政府機関の利用は許諾対象）。"
    "kaikaku-xl の .xlsm・ワークシート関数は BSD の部分だけを使います。",
    "pywin32": "Windows 専用（xlwings が Excel を操作するために使います）。",
}


SERVER_OUT = """  ・ブラウザー版 Excel 向けのサーバー（kaikaku-xl の server extra、xlwings Server、PolyForm Noncommercial 1.0.0）は、
    このキットには入っていません。必要な場合は開発元に依頼してください（--extra server を付けて作ったキット）。"""
SERVER_IN = """  ・このキットには、ブラウザー版 Excel 向けのサーバー（kaikaku-xl の server extra）が入っています（--extra server）。
    xlwings Server（xlwings-server）は PolyForm Noncommercial 1.0.0 です（政府機関の利用は許諾されています）。"""


class KitError(Exception):
    """A build that cannot give a complete kit: the message says why."""


# ---------------------------------------------------------------------------------------------- targets


@dataclass(frozen=True)
class Target:
    """One Python of the target PC: its marker environment, wheel tags and pip's platform options."""

    python: str  # "3.12"
    windows: bool

    @property
    def label(self) -> str:
        return f"cp{self.python.replace('.', '')}-win_amd64" if self.windows else "host"

    def environment(self) -> dict[str, str]:
        if not self.windows:
            return dict(default_environment())
        full = INSTALLERS.get(self.python, f"{self.python}.0")
        return {
            "implementation_name": "cpython",
            "implementation_version": full,
            "os_name": "nt",
            "platform_machine": "AMD64",
            "platform_python_implementation": "CPython",
            "platform_release": "10",
            "platform_system": "Windows",
            "platform_version": "10.0.19045",
            "python_full_version": full,
            "python_version": self.python,
            "sys_platform": "win32",
        }

    def tags(self) -> frozenset[Tag]:
        if not self.windows:
            return frozenset(sys_tags())
        major, minor = (int(part) for part in self.python.split("."))
        platforms = ["win_amd64"]
        return frozenset(
            [
                *cpython_tags((major, minor), platforms=platforms),
                *compatible_tags((major, minor), f"cp{major}{minor}", platforms),
            ]
        )

    def pip_options(self) -> list[str]:
        if not self.windows:
            return ["--only-binary=:all:"]
        return [
            "--only-binary=:all:",
            "--platform",
            "win_amd64",
            "--python-version",
            self.python,
            "--implementation",
            "cp",
        ]


def host_target() -> Target:
    """This machine and this Python (the Linux kit of the tests; the build of the own wheel)."""
    return Target(f"{sys.version_info.major}.{sys.version_info.minor}", windows=False)


def targets_for(kind: str, pythons: Sequence[str]) -> list[Target]:
    if kind == "host":
        return [host_target()]
    return [Target(python, windows=True) for python in pythons]


# ---------------------------------------------------------------------------------------------- wheels


@dataclass(frozen=True)
class Wheel:
    path: Path
    name: str  # canonical
    version: Version
    tags: frozenset[Tag]
    metadata: email.message.Message

    @property
    def requires(self) -> list[Requirement]:
        return [Requirement(text) for text in self.metadata.get_all("Requires-Dist") or []]

    @property
    def licence(self) -> str:
        expression = self.metadata.get("License-Expression")
        if expression:
            return expression.strip()
        text = (self.metadata.get("License") or "").strip().splitlines()
        if text and len(text[0]) <= 80:
            return text[0].strip()
        classifiers = [
            c.split(" :: ")[-1]
            for c in self.metadata.get_all("Classifier") or []
            if c.startswith("License ::")
        ]
        return " / ".join(classifiers) or "（メタデータに記載なし）"


def read_wheel(path: Path) -> Wheel:
    name, version, _build, tags = parse_wheel_filename(path.name)
    with zipfile.ZipFile(path) as zf:
        metadata_names = [n for n in zf.namelist() if n.count("/") == 1 and n.endswith(".dist-info/METADATA")]
        if len(metadata_names) != 1:
            raise KitError(f"{path.name}: METADATA が見つかりません。")
        metadata = email.message_from_bytes(zf.read(metadata_names[0]))
    return Wheel(path, canonicalize_name(name), version, frozenset(tags), metadata)


def wheels_in(folder: Path) -> list[Wheel]:
    return [read_wheel(path) for path in sorted(folder.glob("*.whl"))]


@dataclass
class Walk:
    """What a walk from the roots reached (one wheel per package) and the requirements no wheel satisfies."""

    reached: dict[str, Wheel]
    missing: list[Requirement]


def walk(wheels: Iterable[Wheel], target: Target, roots: Sequence[Requirement]) -> Walk:
    """Follow every Requires-Dist from the roots with the target's markers (and the extras asked for)."""
    environment = target.environment()
    tags = target.tags()
    usable: dict[str, list[Wheel]] = {}
    for wheel in wheels:
        if wheel.tags & tags:
            usable.setdefault(wheel.name, []).append(wheel)
    result = Walk({}, [])
    queue: list[tuple[Requirement, str]] = [(root, "") for root in roots]
    seen: set[str] = set()
    while queue:
        requirement, extra = queue.pop(0)
        if requirement.marker is not None and not requirement.marker.evaluate(
            {**environment, "extra": extra}
        ):
            continue
        if str(requirement) in seen:
            continue
        seen.add(str(requirement))
        wheel = _choose(requirement, usable, result.reached)
        if wheel is None:
            result.missing.append(requirement)
            continue
        result.reached[wheel.name] = wheel
        for asked in ("", *sorted(requirement.extras)):
            queue.extend((dependency, asked) for dependency in wheel.requires)
    return result


def _choose(
    requirement: Requirement, usable: dict[str, list[Wheel]], reached: dict[str, Wheel]
) -> Wheel | None:
    name = canonicalize_name(requirement.name)
    if name in reached:  # one version per package: the one chosen first must satisfy every requirement
        chosen = reached[name]
        if not requirement.specifier.contains(chosen.version, prereleases=True):
            raise KitError(f"{requirement} と、すでに選んだ {chosen.path.name} が両立しません。")
        return chosen
    fitting = [w for w in usable.get(name, []) if requirement.specifier.contains(w.version, prereleases=True)]
    return max(fitting, key=lambda w: w.version) if fitting else None


def merged(requirements: Iterable[Requirement]) -> list[str]:
    """One pip argument per missing package: every specifier asked of it (without markers: already decided)."""
    specifiers: dict[str, set[str]] = {}
    for requirement in requirements:
        specifiers.setdefault(canonicalize_name(requirement.name), set()).update(
            str(s) for s in requirement.specifier
        )
    return [name + ",".join(sorted(specs)) for name, specs in sorted(specifiers.items())]


# ---------------------------------------------------------------------------------------------- processes


def run(command: Sequence[str], env: dict[str, str] | None = None) -> None:
    done = subprocess.run(list(command), env=env, capture_output=True, text=True, encoding="utf-8")
    if done.returncode != 0:
        raise KitError(
            f"失敗しました（終了コード {done.returncode}）: {' '.join(command)}\n{done.stdout}{done.stderr}"
        )


def pip_download(target: Target, specs: Sequence[str], dest: Path, options: Sequence[str]) -> None:
    """The newest wheel of each spec for the target's Python and platform; never its dependencies: pip would
    choose those with the markers of the machine it runs on."""
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--dest", str(dest)]
    run([*command, *target.pip_options(), *options, *specs])


def gather(
    target: Target, own: Path, roots: Sequence[Requirement], work: Path, options: Sequence[str]
) -> Walk:
    """The wheels of one target: walk from the roots with the target's markers, download what is missing,
    again until nothing is (one round per level of the dependency tree)."""
    dest = work / target.label
    dest.mkdir(parents=True)
    shutil.copyfile(own, dest / own.name)
    for _round in range(MAX_ROUNDS):
        result = walk(wheels_in(dest), target, roots)
        if not result.missing:
            return result
        pip_download(target, merged(result.missing), dest, options)
    missing = ", ".join(str(r) for r in result.missing)
    raise KitError(f"{target.label}: {MAX_ROUNDS} 回取得しても依存関係がそろいません: {missing}")


# ---------------------------------------------------------------------------------------------- own wheel

SOURCES = ("pyproject.toml", "README.md", "LICENSE", "src", "udfs")


def build_own_wheel(work: Path, env: dict[str, str], constraint: Path | None) -> Path:
    """kaikaku-xl's wheel from a clean copy of the sources (no build/ or egg-info left in the repository).
    The build backend comes from the index (build isolation); --constraint pins it too (PIP_CONSTRAINT reaches
    pip's install of the build requirements), so a rebuild from a kit's constraints.txt uses the same one."""
    source = work / "source"
    source.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in SOURCES:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, source / name, ignore=ignore)
        else:
            shutil.copy2(REPO / name, source / name)
    out = work / "own"
    if constraint is not None:
        env = {**env, "PIP_CONSTRAINT": str(constraint)}
    run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(out), str(source)],
        env,
    )
    (wheel,) = out.glob("*.whl")
    return wheel


# ---------------------------------------------------------------------------------------------- generated files


def source_date_epoch() -> int:
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if value:
        return int(value)
    done = subprocess.run(
        ["git", "-C", str(REPO), "log", "-1", "--format=%ct"], capture_output=True, text=True
    )
    if done.returncode != 0 or not done.stdout.strip():
        raise KitError("SOURCE_DATE_EPOCH を設定してください（git のコミット時刻が取れません）。")
    return int(done.stdout.strip())


def build_env(epoch: int) -> dict[str, str]:
    """This repository's code first on the path, a fixed hash seed and time: the same workbooks every build."""
    env = dict(os.environ)
    paths = [str(REPO / "src"), str(REPO / "udfs"), *filter(None, [env.get("PYTHONPATH")])]
    env.update(PYTHONPATH=os.pathsep.join(paths), PYTHONHASHSEED="0", SOURCE_DATE_EPOCH=str(epoch))
    return env


CORE_DATE = re.compile(rb"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")


def normalize_ooxml(path: Path, epoch: int) -> None:
    """Set the zip entries' times and the document's created/modified dates (openpyxl stamps the build time)."""
    stamp = datetime.fromtimestamp(max(epoch, 315532800), UTC)  # zip times start in 1980
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = CORE_DATE.sub(lambda m: m.group(1) + iso + m.group(3), data)
            entry = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            entry.compress_type = info.compress_type
            entry.create_system = 0
            entry.external_attr = 0
            target.writestr(entry, data)
    path.write_bytes(buffer.getvalue())


def build_workbooks(out: Path, env: dict[str, str], epoch: int) -> None:
    kaikaku = [sys.executable, "-m", "kaikaku_xl.cli"]
    (out / MASTER).parent.mkdir(parents=True)
    (out / TEMPLATE).parent.mkdir(parents=True)
    run([*kaikaku, "init", "-q", "--xlsm", str(out / MASTER)], env)
    run([*kaikaku, "plan", "template", str(out / TEMPLATE), "-q"], env)
    for name in (MASTER, TEMPLATE):
        normalize_ooxml(out / name, epoch)


def check_xlwings(wheels: Sequence[Wheel], env: dict[str, str]) -> Wheel:
    """The master's VBA comes from the build environment's xlwings: it must be the kit's xlwings."""
    found = sorted({w.version for w in wheels if w.name == "xlwings"})
    if len(found) != 1:
        raise KitError(f"キットの xlwings が 1 つの版ではありません: {found}")
    done = subprocess.run(
        # the installed distribution's version, without importing xlwings (whose import depends on the environment:
        # XLWINGS_ON_SERVER loads its server part and asks for a licence key)
        [sys.executable, "-c", "from importlib.metadata import version; print(version('xlwings'))"],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.stdout.strip() != str(found[0]):
        raise KitError(
            f"この環境の xlwings（{done.stdout.strip() or done.stderr.strip()}）がキットの xlwings {found[0]} と違います。"
        )
    return next(w for w in wheels if w.name == "xlwings")


def extract_addin(wheels: Sequence[Wheel], out: Path) -> None:
    """xlwings.xlam from the kit's xlwings wheels (the same file in each, else the kit would be ambiguous)."""
    copies = set()
    for wheel in wheels:
        if wheel.name == "xlwings":
            with zipfile.ZipFile(wheel.path) as zf:
                copies.add(zf.read(ADDIN_IN_WHEEL))
    if len(copies) != 1:
        raise KitError(f"xlwings のホイールごとに {ADDIN_IN_WHEEL} が違います（{len(copies)} 種類）。")
    (out / ADDIN).parent.mkdir(parents=True)
    (out / ADDIN).write_bytes(copies.pop())


# ---------------------------------------------------------------------------------------------- texts


def write_text(path: Path, text: str, *, encoding: str, bom: bool = False) -> None:
    """CRLF line endings (Windows' own tools); the encoding is the file's (see tools/kit/*)."""
    data = text.replace("\r\n", "\n").replace("\n", "\r\n").encode(encoding, errors="strict")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)


def licence_lines(wheels: Sequence[Wheel]) -> str:
    rows = sorted({(w.metadata.get("Name") or w.name, str(w.version), w.licence) for w in wheels})
    return "\n".join(f"  - {name} {version}: {licence}" for name, version, licence in rows)


def substitutions(own: Wheel, wheels: Sequence[Wheel], options: Options) -> dict[str, str]:
    targets = options.targets
    extras = f"[{','.join(options.extras)}]" if options.extras else ""
    pythons = [t.python for t in targets if t.windows] or [targets[0].python]
    newest = max(pythons, key=lambda v: tuple(int(p) for p in v.split(".")))
    installer = INSTALLERS.get(newest, f"{newest}.x")
    older = next((p for p in reversed(pythons) if p != newest), newest)
    second = INSTALLERS.get(older, f"{older}.x")
    xlwings = next((str(w.version) for w in wheels if w.name == "xlwings"), "")
    return {
        "version": str(own.version),
        "requirement": f"{PACKAGE}{extras}=={own.version}",
        "pythons": "、".join(pythons),
        "py_first": newest,
        "py_second": older,
        "installer": installer,
        "installer_file": f"python-{installer}-amd64.exe",
        "installer_page": f"https://www.python.org/downloads/release/python-{installer.replace('.', '')}/",
        "installer_second": second,
        "installer_second_file": f"python-{second}-amd64.exe",
        "xlwings": xlwings,
        "licences": licence_lines(wheels),
        "wheel_count": str(len(wheels)),
        "server_note": SERVER_IN if any(w.name == "xlwings-server" for w in wheels) else SERVER_OUT,
    }


def write_texts(out: Path, values: dict[str, str]) -> None:
    (out / GUIDE).parent.mkdir(parents=True, exist_ok=True)

    def fill(name: str) -> str:
        return Template((TEMPLATES / name).read_text(encoding="utf-8")).substitute(values)

    # cmd.exe reads a batch file in the console's code page: CP932 on Japanese Windows (see install.bat).
    write_text(out / "install.bat", fill("install.bat"), encoding="cp932")
    write_text(out / "uninstall.bat", fill("uninstall.bat"), encoding="cp932")
    # Notepad opens UTF-8 with a BOM as UTF-8 in every Windows version.
    write_text(out / "README_導入手順.txt", fill("README_導入手順.txt"), encoding="utf-8", bom=True)
    guide = (REPO / "docs" / GUIDE.name).read_text(
        encoding="utf-8"
    )  # the staff's guide, as in the repository
    write_text(out / GUIDE, guide, encoding="utf-8", bom=True)
    write_text(out / "verify_kit.py", fill("verify_kit.py"), encoding="utf-8")


def extract_licences(wheels: Sequence[Wheel], out: Path) -> list[tuple[str, Wheel]]:
    """The licence texts each wheel declares (License-File), under licenses/<package>-<version>/, for the IT
    review; one copy per package version (the cp311 and cp312 wheels of one release carry the same texts)."""
    written: list[tuple[str, Wheel]] = []
    for wheel in wheels:
        folder = f"licenses/{wheel.name}-{wheel.version}"
        with zipfile.ZipFile(wheel.path) as zf:
            names = set(zf.namelist())
            dist = next(n.split("/")[0] for n in names if n.split("/")[0].endswith(".dist-info"))
            for declared in wheel.metadata.get_all("License-File") or []:
                found = [p for p in (f"{dist}/licenses/{declared}", f"{dist}/{declared}") if p in names]
                target = out / folder / declared
                if found and not target.exists():
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(zf.read(found[0]))
                    written.append((f"{folder}/{declared}", wheel))
    return written


def write_manifest(
    out: Path, wheels: Sequence[Wheel], own: Wheel, texts: Sequence[tuple[str, Wheel]]
) -> None:
    """MANIFEST.csv (UTF-8 with BOM: Excel opens it as UTF-8): one row per file of the kit."""
    rows = []
    for wheel in sorted(wheels, key=lambda w: w.path.name):
        tag = "-".join(wheel.path.stem.split("-")[-3:])  # as the file name says: py2.py3-none-any
        name = wheel.metadata.get("Name") or wheel.name
        rows.append(
            [
                f"wheels/{wheel.path.name}",
                name,
                str(wheel.version),
                wheel.licence,
                tag,
                NOTES.get(wheel.name, ""),
            ]
        )
    xlwings = next(w for w in wheels if w.name == "xlwings")
    own_row = [PACKAGE, str(own.version), own.licence]
    rows += [
        [
            MASTER,
            *own_row,
            "",
            "マスター（小美玉市の計画）。VBA は xlwings の quickstart_standalone.xlsm のもの（BSD）",
        ],
        [
            MASTER.replace(".xlsm", ".py"),
            *own_row,
            "",
            "マスターのボタンが呼び出すファイル（ブックと同じフォルダーに置く）",
        ],
        [ADDIN, "xlwings", str(xlwings.version), xlwings.licence, "", "xlwings が配布するアドインそのもの"],
        [TEMPLATE, *own_row, "", "計画ワークブック（記入用）"],
    ]
    rows.append([GUIDE.as_posix(), *own_row, "", "Excel での準備と使い方（職員・情報政策担当向け）"])
    for path, wheel in texts:
        name = wheel.metadata.get("Name") or wheel.name
        rows.append(
            [path, name, str(wheel.version), wheel.licence, "", "ライセンス本文（ホイールの中のもの）"]
        )
    for name in ("install.bat", "uninstall.bat", "verify_kit.py", "README_導入手順.txt", "constraints.txt"):
        rows.append([name, *own_row, "", "キットの手順・確認用"])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["file", "package", "version", "license", "python", "note"])
    writer.writerows(rows)
    (out / "MANIFEST.csv").write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))


def build_backend(own: Wheel) -> str:
    """The setuptools that built the own wheel, as its WHEEL file says (`Generator: setuptools (80.9.0)`)."""
    with zipfile.ZipFile(own.path) as zf:
        (name,) = [n for n in zf.namelist() if n.count("/") == 1 and n.endswith(".dist-info/WHEEL")]
        generator = email.message_from_bytes(zf.read(name)).get("Generator", "")
    found = re.fullmatch(r"\s*([\w.-]+) \(([^)]+)\)\s*", generator)
    return f"{canonicalize_name(found.group(1))}=={found.group(2)}" if found else ""


def write_constraints(out: Path, wheels: Sequence[Wheel], own: Wheel, targets: Sequence[Target]) -> None:
    """Every version in the kit; one that differs between the target Pythons (numpy) once per Python, marked."""
    lines = set()
    for name in sorted({w.name for w in wheels} - {canonicalize_name(PACKAGE)}):
        versions = {
            t.python: w.version for t in targets for w in wheels if w.name == name and w.tags & t.tags()
        }
        if len(set(versions.values())) == 1:
            lines.add(f"{name}=={next(iter(versions.values()))}")
        else:
            lines.update(f'{name}=={version}; python_version == "{py}"' for py, version in versions.items())
    backend = build_backend(own)
    if backend:  # what built kaikaku-xl's own wheel (its version is written into the wheel)
        lines.add(backend)
    header = "# The exact versions of this kit: `python tools/build_kit.py --constraint constraints.txt` rebuilds it.\n"
    write_text(out / "constraints.txt", header + "\n".join(sorted(lines)) + "\n", encoding="utf-8")


def pins_for(constraint: Path, environment: dict[str, str], dest: Path) -> Path:
    """The lines of a constraints file that hold in one environment, without their markers: pip would evaluate
    the markers on the machine it runs on, not on the target."""
    lines = []
    for text in constraint.read_text(encoding="utf-8").splitlines():
        text = text.split("#", 1)[0].strip()
        if not text:
            continue
        requirement = Requirement(text)
        if requirement.marker is None or requirement.marker.evaluate({**environment, "extra": ""}):
            requirement.marker = None
            lines.append(str(requirement))
    dest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return dest


def write_sums(out: Path) -> None:
    """SHA256SUMS of every other file, sorted, in sha256sum's format (LF: sha256sum -c reads it as is)."""
    lines = []
    for path in sorted(p for p in out.rglob("*") if p.is_file() and p.name != SUMS):
        relative = path.relative_to(out).as_posix()
        lines.append(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {relative}\n")
    (out / SUMS).write_text("".join(lines), encoding="utf-8", newline="\n")


# ---------------------------------------------------------------------------------------------- the kit


@dataclass(frozen=True)
class Options:
    out: Path
    targets: tuple[Target, ...]
    extras: tuple[str, ...]
    constraint: Path | None = None


def pinned(options: Options, target: Target, work: Path) -> Path | None:
    """--constraint as it holds for one target (pins_for), or None."""
    if options.constraint is None:
        return None
    return pins_for(options.constraint, target.environment(), work / f"pins-{target.label}.txt")


def collect_wheels(options: Options, own: Path, work: Path) -> list[Wheel]:
    """Every target's closure, one file per wheel name (pure-Python wheels are shared by the targets)."""
    version = read_wheel(own).version
    extras = f"[{','.join(options.extras)}]" if options.extras else ""
    roots = [Requirement(f"{PACKAGE}{extras}=={version}")]
    chosen: dict[str, Wheel] = {}
    for target in options.targets:
        pins = pinned(options, target, work)
        for wheel in gather(
            target, own, roots, work, ["--constraint", str(pins)] if pins else []
        ).reached.values():
            chosen.setdefault(wheel.path.name, wheel)
    return [chosen[name] for name in sorted(chosen)]


def build(options: Options) -> Path:
    out = options.out
    if out.exists() and any(out.iterdir()):
        raise KitError(f"出力先 {out} が空ではありません。新しいフォルダーを指定してください。")
    epoch = source_date_epoch()
    env = build_env(epoch)
    with tempfile.TemporaryDirectory(prefix="kaikaku-kit-") as scratch:
        work = Path(scratch)
        own = build_own_wheel(work, env, pinned(options, host_target(), work))
        wheels = collect_wheels(options, own, work)
        check_xlwings(wheels, env)
        (out / "wheels").mkdir(parents=True, exist_ok=True)
        for wheel in wheels:
            shutil.copyfile(wheel.path, out / "wheels" / wheel.path.name)
        kit_wheels = wheels_in(out / "wheels")
        own_wheel = next(w for w in kit_wheels if w.name == canonicalize_name(PACKAGE))
        extract_addin(kit_wheels, out)
        build_workbooks(out, env, epoch)
        write_texts(out, substitutions(own_wheel, kit_wheels, options))
        write_manifest(out, kit_wheels, own_wheel, extract_licences(kit_wheels, out))
        write_constraints(out, kit_wheels, own_wheel, options.targets)
        write_sums(out)
    return out


def parse(argv: Sequence[str] | None) -> Options:
    parser = argparse.ArgumentParser(description="オフライン導入キット（USB で持ち込む一式）を作ります。")
    parser.add_argument("--out", type=Path, required=True, help="出力先（空のフォルダー）")
    parser.add_argument(
        "--target", choices=("windows", "host"), default="windows", help="既定: windows（x64）"
    )
    parser.add_argument(
        "--python", nargs="+", default=list(WINDOWS_PYTHONS), help="対象の Python（windows のみ）"
    )
    parser.add_argument("--constraint", type=Path, help="版を固定する constraints ファイル（pip の -c）")
    parser.add_argument(
        "--extra", action="append", default=[], help="追加の extra（例: server。既定は入れない）"
    )
    parser.add_argument(
        "--cache", type=Path, default=os.environ.get("KAIKAKU_KIT_CACHE"), help="pip のキャッシュ"
    )
    args = parser.parse_args(argv)
    if args.cache:
        os.environ["PIP_CACHE_DIR"] = str(Path(args.cache).resolve())
    constraint = args.constraint.resolve() if args.constraint else None
    targets = tuple(targets_for(args.target, args.python))
    return Options(args.out.resolve(), targets, tuple(args.extra), constraint)


def main(argv: Sequence[str] | None = None) -> int:
    options = parse(argv)
    try:
        out = build(options)
    except KitError as error:
        print(f"エラー: {error}", file=sys.stderr)
        return 1
    wheels = wheels_in(out / "wheels")
    labels = ", ".join(t.label for t in options.targets)
    print(f"キットを作成しました: {out}（ホイール {len(wheels)} 個、{labels}）")
    print("ライセンス（各ホイールのメタデータより。ファイルごとの一覧は MANIFEST.csv）:")
    print(licence_lines(wheels))
    return 0


if __name__ == "__main__":
    sys.exit(main())
