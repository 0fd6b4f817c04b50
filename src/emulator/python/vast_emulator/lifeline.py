"""What both workers share with the emulator: the control channel (file descriptor 3) and a tie to its life."""
import json
import os
import random
import signal
import socket
import sys

_control = None


def control(kind, **data):
    """One JSON object per line on fd 3: state changes, port, metrics."""
    global _control
    if _control is None:
        try:
            _control = os.fdopen(3, "w", buffering=1)
        except OSError:
            _control = sys.stderr
    _control.write(json.dumps(dict(data, type=kind)) + "\n")
    _control.flush()


def die_with_parent():
    """Outside bubblewrap: the worker must not outlive the emulator (SIGKILL when the parent dies)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
        if os.getppid() == 1:
            os._exit(1)
    except Exception:
        pass


def await_assignment():
    """A warm spare (EMULATOR_SPARE=1) has done its imports; it now waits for the worker it becomes: one JSON line
    on stdin, {"env": {...}}, the per-worker environment (ids, tokens, the deployment's env). Then stdin is
    /dev/null again, as in a container. A process started for a known worker gets the same line at once."""
    if os.environ.pop("EMULATOR_SPARE", "") != "1":
        return
    line = sys.stdin.readline()
    if not line:
        os._exit(0)  # the emulator closed before giving this spare a worker
    os.environ.update({str(k): str(v) for k, v in json.loads(line).get("env", {}).items()})
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)


def _ephemeral_low():
    """The first port the kernel hands out for bind(0) and outgoing connections."""
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def free_port():
    """A port free now, for a server that binds it later (after pip, run steps and the import). Taken below the
    ephemeral range: a port from bind(0) is one any outgoing connection or other bind(0) on the machine may take in
    that window (seen as "address already in use" when tests run side by side)."""
    top = max(_ephemeral_low() - 1, 2048)
    for _ in range(200):
        port = random.randint(max(1025, top // 2), top)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def container_env():
    """What a Vast container gives its worker besides the ids: its port (the worker server binds it) and address."""
    port, http_port = free_port(), free_port()
    os.environ.update(
        {
            "WORKER_PORT": str(port),
            "WORKER_HTTP_PORT": str(http_port),
            f"VAST_TCP_PORT_{port}": str(port),
            "PUBLIC_IPADDR": "127.0.0.1",
            "USE_SSL": "false",
        }
    )
