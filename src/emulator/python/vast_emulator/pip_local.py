"""pip packages at the worker's install step, after the tarball is unpacked (as `serve_deployment.py` orders it).

With --allow-pip the emulator installed the whole list into the deployment's venv before this process started (it
runs that venv's python). Without it, index packages are skipped; but a pip argument that is a folder or a package
file shipped in the deployment (`./pkg`, `./dist/x.whl`) is the deployment's own code: it is installed here, inside
the worker (and its sandbox), with `--no-deps --no-index` (nothing is fetched) into a folder put first on the path.
"""
import os
import subprocess
import sys

# pip options whose value is the next argument.
TAKES_VALUE = {"-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-f", "--find-links", "-i",
               "--index-url", "--extra-index-url"}
ARCHIVES = (".whl", ".zip", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tar.xz", ".txz")


def local_path(arg, cwd):
    """The argument, when it names a package folder or file of the deployment (relative to the working dir)."""
    if arg.startswith("-") or arg.startswith("/") or "://" in arg or "@" in arg:
        return None
    if not (arg.startswith(".") or "/" in arg):
        return None  # pip reads a bare word as a package name, even when a folder has that name
    full = os.path.normpath(os.path.join(cwd, arg))
    if not (full == cwd or full.startswith(cwd.rstrip(os.sep) + os.sep)):
        return None
    if os.path.isdir(full) or (os.path.isfile(full) and full.lower().endswith(ARCHIVES)):
        return arg
    return None


def install_pip(packages, venv, root, cwd, log):
    """The worker's pip step: `cwd` is where the deployment is unpacked, `root` the worker's `/`."""
    if not packages:
        return
    if venv:
        log(f"pip packages {' '.join(packages)}: installed in the deployment's virtual environment {venv} "
            f"(this worker runs its python)")
        return
    local, skipped, editable = [], [], False
    i = 0
    while i < len(packages):
        arg, value = packages[i], packages[i + 1] if i + 1 < len(packages) else None
        i += 1
        if arg in ("-e", "--editable") and value is not None and local_path(value, cwd):
            editable = True
            continue
        if arg in TAKES_VALUE and value is not None:
            skipped.append(f"{arg} {value}")  # an option and its value, said as one
            i += 1
            continue
        (local if local_path(arg, cwd) else skipped).append(arg)
    for pkg in skipped:
        log(f"skipped pip install {pkg} (the emulator uses the interpreter's installed packages; "
            f"start it with --allow-pip to install them)")
    if local:
        install_local(local, root, cwd, editable, log)


def install_local(paths, root, cwd, editable, log):
    target = os.path.join(root, ".vast-emulator", "site-packages")
    os.makedirs(target, exist_ok=True)
    log(f"pip install {' '.join(paths)}: the deployment's own package(s), installed in the worker without their "
        f"dependencies (--no-deps --no-index; start the emulator with --allow-pip to install those too)"
        + (" and not editable" if editable else ""))
    cmd = [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--no-build-isolation",
           "--disable-pip-version-check", "--no-input", "--target", target, *paths]
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
    errors, tail = [], []
    for line in proc.stdout:
        line = line.rstrip("\n")
        print(f"[pip] {line}", flush=True)
        if line.startswith("ERROR:"):
            errors.append(line)
        tail = (tail + [line])[-5:]
    code = proc.wait()
    if code != 0:
        reason = (errors or tail or ["no output"])[-1].replace("ERROR:", "", 1).strip()
        raise RuntimeError(f"pip install {' '.join(paths)} failed (exit code {code}): {reason}")
    # First on the path, as an install into the container's python would be; run steps see it too.
    sys.path.insert(0, target)
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (target, os.environ.get("PYTHONPATH")) if p)
