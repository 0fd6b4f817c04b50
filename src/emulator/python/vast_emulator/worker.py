"""Entry point of one emulated worker process: `python -u -m vast_emulator.worker <worker-dir>`.

Talks to the emulator through file descriptor 3 (one JSON object per line: state changes, port, metrics) and
writes human-readable logs to stdout/stderr, which the emulator keeps as the worker's logs.
"""
import asyncio
import json
import os
import signal
import sys
import traceback

from . import bootstrap, rsa
from .lifeline import await_assignment, container_env, control, die_with_parent
from .server import BenchmarkFailed, Handler, WorkerServer, run_benchmark

def log(msg):
    print(f"[worker] {msg}", flush=True)


def fail(msg):
    log(msg)
    control("state", state="ERROR", msg=msg)
    sys.exit(3)


def build_handlers(dep):
    if not isinstance(dep.root_module, str):
        raise TypeError("Refusing to create empty Worker!")
    handlers, bench = {}, None
    for key, entry in dep.remote_funcs.items():
        route = "/remote/" + "/".join(key)
        handler = Handler(route, dep.wrap(entry), entry)
        handlers[route] = handler
        if entry.benchmark_dataset is not None or entry.benchmark_generator is not None:
            if bench is not None:
                raise Exception("Cannot define BenchmarkConfig for more than one EndpointHandler!")
            bench = (handler, dep.benchmark_payloads(entry, route), entry.benchmark_runs)
    if bench is None:
        raise Exception("Missing EndpointHandler with BenchmarkConfig")
    return handlers, bench


async def serve(dep, handlers, bench, pubkey):
    server = WorkerServer(handlers, pubkey, log)
    try:
        await dep.__aenter__()
        handler, make_payload, runs = bench
        server.max_throughput = await run_benchmark(handler, make_payload, runs, log)
    except BenchmarkFailed as e:
        fail(str(e))
    except Exception as e:
        fail(f"Lifecycle startup failed: {e}")
    port = int(os.environ.get("WORKER_PORT") or 0)  # the container's port, as the SDK's worker server binds it
    srv = await asyncio.start_server(server.serve_connection, "127.0.0.1", port, backlog=512)
    port = srv.sockets[0].getsockname()[1]
    log(f"serving {len(handlers)} function(s) on 127.0.0.1:{port}; perf {server.max_throughput:.1f}")
    control("state", state="IDLE", port=port, perf=server.max_throughput)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):
            pass
    last = None
    while not stop.is_set():
        snapshot = (server.working, server.served)
        if snapshot != last:
            control("metrics", reqs_working=server.working, served=server.served, reqnum=server.reqnum)
            last = snapshot
        try:
            await asyncio.wait_for(stop.wait(), 0.5)
        except asyncio.TimeoutError:
            pass
    srv.close()
    await dep.__aexit__(None, None, None)
    log("stopped")


def main():
    worker_dir = os.path.abspath(sys.argv[1])
    sandboxed = os.environ.pop("EMULATOR_SANDBOX", "") == "1"
    root = os.environ.pop("EMULATOR_ROOT", os.path.join(worker_dir, "root"))
    app_dir = os.environ.pop("EMULATOR_APP_DIR", os.path.join(root, "app"))
    venv = os.environ.pop("EMULATOR_PIP_VENV", "")
    if not sandboxed:
        die_with_parent()
    await_assignment()
    control("state", state="LOADING")
    container_env()
    try:
        import tempfile

        fd, tar_path = tempfile.mkstemp(suffix=".tar.gz")
        os.close(fd)
        bootstrap.download(os.environ.get("VAST_API_URL", ""), os.environ.get("DEPLOYMENT_ID"),
                           os.environ.get("CONTAINER_API_KEY"), tar_path)
        try:
            bootstrap.extract(tar_path, root, app_dir, log)
        finally:
            os.unlink(tar_path)
        with open(os.path.join(app_dir, "config.json")) as f:
            config = json.load(f)
        bootstrap.apply_envs(config, log)
        bootstrap.install_and_run(config, root, app_dir, os.environ.get("EMULATOR_ALLOW_SCRIPTS") == "1", log, venv)
        report_addr = os.environ.get("REPORT_ADDR", "").rstrip("/")
        pubkey = rsa.load_public_key(bootstrap.http_get(f"{report_addr}/pubkey/").decode())
    except Exception as e:
        fail(str(e))
    control("state", state="MODEL_LOADING")
    os.environ["IS_DEPLOYMENT"] = "1"
    os.chdir(app_dir)
    sys.path.insert(0, app_dir)
    try:
        import deployment  # noqa: F401  (the user's file)
        from vastai.serverless.remote.serve import Deployment
    except BaseException:
        fail("Failed to import the deployment:\n" + traceback.format_exc())
    dep = Deployment.lookup(config.get("name", ""))
    if dep is None:
        fail(f"Failed to lookup registered deployment: {config.get('name', '')}")
    try:
        handlers, bench = build_handlers(dep)
    except Exception as e:
        fail(str(e))
    asyncio.run(serve(dep, handlers, bench, pubkey))


if __name__ == "__main__":
    main()
