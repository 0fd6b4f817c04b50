"""What both workers share with the emulator: the control channel (file descriptor 3) and a tie to its life."""
import json
import os
import signal
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
