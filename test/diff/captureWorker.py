"""Many `sdk.py capture` runs in one process: the SDK is imported once, then each file runs in a forked child.

usage: /usr/bin/python3 captureWorker.py ORACLE_DIR
stdin, one JSON object per line:
  {"capture": APP.py, "out": OUT.json, "log": LOG}   -> the same OUT.json as `sdk.py capture APP.py OUT.json`
  {"list": TARBALL, "out": OUT.json}                 -> {"tar": [...entries as sdk.py writes them], "config", "error"}
stdout: one line per request, {"ok": true} or {"ok": false, "error": "..."}, in request order.

Importing the SDK takes most of a capture's second; a fork per file keeps every run as isolated as a new process
(its own cwd, sys.modules, patched classes and environment) without paying for the import again.
"""
import hashlib, io, json, os, signal, sys, tarfile, traceback

ORACLE = os.path.abspath(sys.argv[1])
sys.path.insert(0, ORACLE)
sys.argv = [os.path.join(ORACLE, "sdk.py")]
import sdk  # noqa: E402  (re-execs under Debian's python3 if needed, like sdk.py itself)
import vastai  # noqa: E402,F401
from vastai.serverless.remote import deploy  # noqa: E402,F401

TIMEOUT = 60


def capture(req):
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            signal.alarm(TIMEOUT)
            log = os.open(req["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(log, 1)
            os.dup2(log, 2)
            sdk.capture(req["capture"], req["out"])
        except BaseException:
            traceback.print_exc()
            code = 1
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        return {"ok": False, "error": f"capture exited with {os.waitstatus_to_exitcode(status)}"}
    return {"ok": True}


def list_tar(req):
    tar, config, err = [], None, None
    try:
        with tarfile.open(req["list"], mode="r:gz") as tf:
            for m in tf.getmembers():
                data = tf.extractfile(m).read() if m.isfile() else b""
                if m.name == "./config.json":
                    config = data.decode()
                tar.append([m.name, oct(m.mode), m.uid, m.gid, m.uname, m.gname, m.size,
                            hashlib.sha256(data).hexdigest(), m.type.decode(), m.linkname])
    except Exception as e:
        err = f"{type(e).__name__}: {e}"
    with open(req["out"], "w") as f:
        json.dump({"tar": tar, "config": config, "error": err}, f)
    return {"ok": True}


for line in sys.stdin:
    req = json.loads(line)
    try:
        res = capture(req) if "capture" in req else list_tar(req)
    except Exception as e:
        res = {"ok": False, "error": f"{type(e).__name__}: {e}"}
    sys.stdout.write(json.dumps(res) + "\n")
    sys.stdout.flush()
