"""Worker bootstrap, after the SDK's `serve_deployment.py`: fetch the tarball, unpack it, install, import.

Differences from a real worker (on purpose, see the emulator docs):
- archive entries land under the worker folder: relative names under `app/`, absolute names under `root/`
  (`/opt/model.bin` -> `<worker>/root/opt/model.bin`); anything escaping those folders is refused;
- `apt_get` is never executed, only reported; `pip_install` packages are installed by the emulator into the
  deployment's own venv before this process starts, when it is allowed to (`--allow-pip`), else reported as skipped
  (but for the deployment's own package folders and files, installed here: pip_local.py);
- `runs` steps execute only when the emulator allows scripts (EMULATOR_ALLOW_SCRIPTS=1).
"""
import json
import os
import subprocess
import sys
import tarfile
import urllib.request

from .pip_local import install_pip


class BootstrapError(Exception):
    pass


def http_get(url, token=None, timeout=30):
    req = urllib.request.Request(url)
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return resp.read()


def download(api_url, deployment_id, token, dest):
    if not deployment_id:
        raise BootstrapError("DEPLOYMENT_ID environment variable not set")
    raw = http_get(f"{api_url.rstrip('/')}/api/v0/deployment/{deployment_id}/download_url/", token)
    data = json.loads(raw)
    if not data.get("success") or not data.get("download_url"):
        raise BootstrapError(f"Failed to get download URL: {data}")
    with open(dest, "wb") as f:
        f.write(http_get(data["download_url"]))


def _target(root, app, name):
    base = root if name.startswith("/") else app
    target = os.path.realpath(os.path.join(base, name.lstrip("/")))
    if target != os.path.realpath(base) and not target.startswith(os.path.realpath(base).rstrip(os.sep) + os.sep):
        raise BootstrapError(f"Refusing archive entry outside the worker folder: {name}")
    return target


def extract(tar_path, root, app, log):
    """Safe extraction: regular files and directories only; relative names inside `app`, absolute ones inside
    `root` (the sandbox's `/`, which is the worker's own folder, or that folder itself without a sandbox)."""
    os.makedirs(app, exist_ok=True)
    os.makedirs(root, exist_ok=True)
    with tarfile.open(tar_path, "r:gz") as tf:
        for m in tf.getmembers():
            target = _target(root, app, m.name)
            if m.isdir():
                os.makedirs(target, exist_ok=True)
            elif m.isfile():
                os.makedirs(os.path.dirname(target), exist_ok=True)
                src = tf.extractfile(m)
                with open(target, "wb") as out:
                    out.write(src.read() if src else b"")
                os.chmod(target, (m.mode & 0o777) | 0o600)
            else:
                log(f"skipped archive entry {m.name}: links and special files are not unpacked")
            if m.name.startswith("/") and target != m.name:
                log(f"absolute path {m.name} unpacked to {target}")


def install_and_run(config, root, app_dir, allow_scripts, log, venv=""):
    for pkg in config.get("apt_gets") or []:
        log(f"skipped apt-get install {pkg} (the emulator does not install system packages)")
    install_pip(config.get("pip_installs") or [], venv, root, app_dir, log)
    for step in config.get("runs") or []:
        if not allow_scripts:
            log(f"skipped run step {step!r} (scripts are not allowed; start the emulator with --allow-scripts)")
            continue
        log(f"running {step!r}")
        cmd = ["sh", "-c", step] if isinstance(step, str) else [str(a) for a in step]
        r = subprocess.run(cmd, cwd=app_dir, stdout=sys.stdout, stderr=sys.stderr)
        if r.returncode != 0:
            raise BootstrapError(f"Run step {step!r} failed with exit code {r.returncode}")


def apply_envs(config, log):
    """As the SDK's `export_envs`: `os.environ[key] = value` as given, so a value that isn't `str` (`env(PORT=8080)`)
    fails here exactly as it fails on a Vast worker."""
    for pair in config.get("envs") or []:
        key, value = pair[0], pair[1]
        try:
            os.environ[key] = value
        except TypeError as e:
            raise BootstrapError(
                f"Exporting environment variable {key!r} failed: TypeError: {e}. On Vast the worker's bootstrap "
                f"fails the same way: environment values must be strings (write {key}={str(value)!r})."
            ) from None
        log(f"env {key} set")
