"""Runs the official SDK's own worker: `vastai/serverless/remote/serve_deployment.py` and its worker server.

Started by file path (`python -u .../sdk_worker.py`) so the emulator's stand-in `vastai` package is never on the
path: `vastai` is the SDK the interpreter has (installed, or the folder given to the emulator).

What the emulator changes around the SDK, and why (everything else is the SDK's code as it runs on Vast):
- the environment a Vast container gives a worker (CONTAINER_ID, WORKER_PORT, VAST_TCP_PORT_*, PUBLIC_IPADDR,
  MASTER_TOKEN, REPORT_ADDR = the emulator, which acts as the autoscaler);
- `apt_gets` are reported as skipped; `pip_installs` too, unless the emulator installed them into the deployment's
  venv before starting this process (--allow-pip: it then runs with that venv's python), or they are the
  deployment's own package folders or files (installed here without dependencies: pip_local.py); `runs` steps run
  only with --allow-scripts;
- outside a sandbox, extraction rebases absolute names under the worker's own folder (in the sandbox the worker's
  folder *is* `/`, so the SDK's own extraction runs unchanged), and envs go to the worker's own etc/environment;
- the worker server binds 127.0.0.1 instead of every interface;
- status is pushed to the emulator as soon as the model is loaded or errored (the SDK waits for its 10 s tick);
- every failed call's traceback is written to the log (the SDK sends the exception without its message);
- a startup benchmark in which every call raised fails the worker (the SDK 1.1.0 counts such calls as successful
  responses; the emulator is stricter so the failure shows at deploy time, and says so).
Lifecycle hints (LOADING, MODEL_LOADING, a startup exception with its traceback) go to file descriptor 3.
"""
import asyncio
import copy
import json
import os
import sys
import tarfile
import traceback

# This folder is sys.path[0] (started by file path): take the shared helpers, then leave the path to the SDK and
# the user's code, so the built-in worker's modules (server, rsa...) never shadow theirs.
from lifeline import await_assignment, container_env, control, die_with_parent  # noqa: E402
from pip_local import install_pip  # noqa: E402

del sys.path[0]


def log(msg):
    print(f"[emulator] {msg}", flush=True)


def _extract(tf, member, path):
    # The SDK passes filter="fully_trusted"; an interpreter older than the tarfile filters (3.11.2) has no such
    # argument, and extracting without a filter is what "fully_trusted" means.
    if hasattr(tarfile, "fully_trusted_filter"):
        tf.extract(member, path=path, filter="fully_trusted")
    else:
        tf.extract(member, path=path)


def extractor(root, sandboxed):
    """The SDK's extraction. In the sandbox the worker's folder is `/`, so names land where the SDK puts them.
    Outside it, absolute names are rebased under the worker's own folder and nothing may leave it."""

    def inside(path, base):
        base = os.path.realpath(base)
        return path == base or path.startswith(base + os.sep)

    def extract_tarball(tarball_path):
        cwd = os.getcwd()
        with tarfile.open(tarball_path, "r:gz") as tf:
            for m in tf.getmembers():
                if sandboxed:
                    _extract(tf, m, cwd)
                    continue
                absolute = m.name.startswith("/")
                base = root if absolute else cwd
                target = os.path.realpath(os.path.join(base, m.name.lstrip("/")))
                if not inside(target, base):
                    raise RuntimeError(f"Refusing archive entry outside the worker folder: {m.name}")
                if m.issym() or m.islnk():
                    link = os.path.realpath(os.path.join(os.path.dirname(target), m.linkname))
                    if not (inside(link, root) or inside(link, cwd)):
                        log(f"skipped link {m.name} -> {m.linkname}: it points outside the worker folder")
                        continue
                if absolute:
                    m = copy.copy(m)
                    m.name = os.path.relpath(target, cwd)
                    log(f"absolute path {m.name} unpacked to {target}")
                _extract(tf, m, cwd)

    return extract_tarball


def patch_bootstrap(boot, sandboxed, allow_scripts, root, venv):
    def run_apt_gets(packages):
        for p in packages:
            log(f"skipped apt-get install {p} (the emulator does not install system packages)")

    def run_pip_installs(packages):
        install_pip(packages, venv, root, os.getcwd(), log)  # the SDK's working directory: the unpacked code

    original_runs = boot.run_scripts

    def run_scripts(runs):
        if not allow_scripts:
            for step in runs:
                log(f"skipped run step {step!r} (scripts are not allowed; start the emulator with --allow-scripts)")
            return
        try:
            original_runs(runs)
        except Exception as e:
            raise RuntimeError(f"Run step failed: {e}") from None

    boot.run_apt_gets = run_apt_gets
    boot.run_pip_installs = run_pip_installs
    boot.run_scripts = run_scripts
    boot.extract_tarball = extractor(root, sandboxed)
    if not sandboxed:
        env_file = os.path.join(root, "etc", "environment")

        def export_envs(envs):
            lines = []
            for key, value in (tuple(e) for e in envs):
                os.environ[key] = value  # as the SDK: a value that isn't str fails here, as on Vast
                lines.append(f'{key}="{value}"\n')
            os.makedirs(os.path.dirname(env_file), exist_ok=True)
            with open(env_file, "a") as f:
                f.writelines(lines)

        boot.export_envs = export_envs


def aiohttp_compat():
    """The SDK's server passes AppRunner(handler_cancellation=True), which aiohttp < 3.9 (Debian 12 ships 3.8.4)
    does not know: every connection would then be reset. Drop the argument there, and say what it changes."""
    import aiohttp
    from aiohttp import web

    try:
        major, minor = (int(x) for x in aiohttp.__version__.split(".")[:2])
    except ValueError:
        return
    if (major, minor) >= (3, 9):
        return
    original = web.AppRunner.__init__

    def init(self, app, *args, handler_cancellation=None, **kwargs):
        original(self, app, *args, **kwargs)

    web.AppRunner.__init__ = init
    log(f"aiohttp {aiohttp.__version__} has no handler_cancellation (3.9+): a call whose client disconnects "
        f"runs to its end instead of being cancelled")


def patch_worker():
    aiohttp_compat()
    from vastai.serverless.remote import serve
    from vastai.serverless.server import worker as worker_mod
    from vastai.serverless.server.lib import backend, metrics

    state = {"benchmarking": False, "ok": 0, "err": 0}

    original_err = serve.serialize_err
    original_ok = serve.serialize_ok

    def serialize_err(e, root_module):
        text = "".join(traceback.format_exception(type(e), e, e.__traceback__))
        frames = traceback.extract_tb(e.__traceback__)
        name = frames[1].name if len(frames) > 1 else "?"  # frame 0 is the SDK's wrapper, 1 the user's function
        sys.stderr.write(f"Error in remote function {name}:\n{text}")
        sys.stderr.flush()
        state["err"] += 1
        return original_err(e, root_module)

    def serialize_ok(result, root_module):
        state["ok"] += 1
        return original_ok(result, root_module)

    serve.serialize_err = serialize_err
    serve.serialize_ok = serialize_ok

    bench_name = "_Backend__run_benchmark"
    original_bench = getattr(backend.Backend, bench_name)

    async def run_benchmark(self):
        state.update(benchmarking=True, ok=0, err=0)
        try:
            perf = await original_bench(self)
        finally:
            state["benchmarking"] = False
        if state["ok"] == 0 and state["err"] > 0:
            msg = ("No successful responses from benchmark: every call raised (see the traceback above in the "
                   "worker log; the SDK's worker would count these calls as successful, the emulator does not)")
            log(msg)
            self.backend_errored(msg)
        return perf

    setattr(backend.Backend, bench_name, run_benchmark)

    backends = []
    original_post_init = backend.Backend.__post_init__

    def post_init(self):
        original_post_init(self)
        backends.append(self)

    backend.Backend.__post_init__ = post_init

    async def report_soon(m):
        # Ready means routable: wait (briefly) for the public key, or signed calls would be refused meanwhile.
        for _ in range(500):
            if not backends or backends[0]._pubkey is not None or m.model_metrics.error_msg:
                break
            await asyncio.sleep(0.01)
        await m._Metrics__send_metrics_and_reset()

    def push(original):
        def wrapped(self, *args, **kwargs):
            original(self, *args, **kwargs)
            try:
                asyncio.get_running_loop().create_task(report_soon(self))
            except RuntimeError:
                pass

        return wrapped

    metrics.Metrics._model_loaded = push(metrics.Metrics._model_loaded)
    metrics.Metrics._model_errored = push(metrics.Metrics._model_errored)

    original_into = serve.Deployment.into_worker

    def into_worker(self):
        control("state", state="MODEL_LOADING")
        return original_into(self)

    serve.Deployment.into_worker = into_worker

    original_run = worker_mod.Worker.run

    def run(self, **kwargs):
        kwargs.setdefault("host", "127.0.0.1")
        return original_run(self, **kwargs)

    worker_mod.Worker.run = run
    return backend.VERSION


def preimport():
    """What every SDK worker imports before the user's code (about 1 s of aiohttp and the worker server): done
    while a warm spare waits, so a new worker starts at its download. Only VAST_API_URL is read at import time,
    and it is the emulator's own address, the same for every worker."""
    if os.environ.get("EMULATOR_SPARE") != "1":
        return
    try:
        from vastai.serverless.remote import serve_deployment  # noqa: F401
        from vastai.serverless.remote import serve  # noqa: F401
        from vastai.serverless.server import worker  # noqa: F401
        import aiohttp.web  # noqa: F401
    except BaseException:
        pass  # the same import fails again after the assignment, with its traceback where the user sees it


def main():
    sandboxed = os.environ.pop("EMULATOR_SANDBOX", "") == "1"
    allow_scripts = os.environ.pop("EMULATOR_ALLOW_SCRIPTS", "") == "1"
    root = os.environ.pop("EMULATOR_ROOT", "/")
    app_dir = os.environ.pop("EMULATOR_APP_DIR", "/app")
    venv = os.environ.pop("EMULATOR_PIP_VENV", "")
    if not sandboxed:
        die_with_parent()
    preimport()
    await_assignment()
    control("state", state="LOADING")
    try:
        os.makedirs(app_dir, exist_ok=True)
        os.chdir(app_dir)
        container_env()
        from vastai.serverless.remote import serve_deployment as boot

        patch_bootstrap(boot, sandboxed, allow_scripts, root, venv)
        version = patch_worker()
        log(f"running the SDK's own worker (worker server {version}) from {os.path.dirname(boot.__file__)}")
        boot.main()
    except BaseException as e:
        if isinstance(e, KeyboardInterrupt):
            raise
        tb = traceback.format_exc()
        sys.stderr.write(tb)
        sys.stderr.flush()
        first = f"{type(e).__name__}: {e}"
        control("state", state="ERROR", msg=first + "\n" + tb)
        sys.exit(3)


if __name__ == "__main__":
    main()
