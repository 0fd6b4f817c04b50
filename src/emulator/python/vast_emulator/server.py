"""The worker's HTTP side: `POST /remote/<function>` with the SDK envelope, as `server/lib/backend.py` does it.

A small HTTP/1.1 server on asyncio streams with keep-alive (the standard library's http.server is thread based).
"""
import asyncio
import json
import time

from . import rsa

DEFAULT_WORKLOAD = 100.0
# The most a request body may hold; it is read whole before the signature inside it can be checked. (The SDK's own
# worker sets no limit; the built-in one protects the machine and answers 413.)
MAX_BODY = 256 * 1024 * 1024
AUTH_FIELDS = ("cost", "endpoint", "reqnum", "request_idx", "signature", "url")
REASONS = {200: "OK", 401: "Unauthorized", 404: "Not Found", 405: "Method Not Allowed", 422: "Unprocessable Entity",
           429: "Too Many Requests", 500: "Internal Server Error"}


class BodyTooLarge(Exception):
    pass


class Handler:
    def __init__(self, route, wrapper, entry):
        self.route = route
        self.wrapper = wrapper
        self.allow_parallel = bool(entry.allow_parallel_requests)
        self.max_queue_time = entry.max_queue_time
        self.lock = asyncio.Lock()


class WorkerServer:
    def __init__(self, handlers, pubkey, log):
        self.handlers = handlers
        self.pubkey = pubkey
        self.log = log
        self.max_throughput = 0.0
        self.working = 0
        self.served = 0
        self.reqnum = -1
        self._verified = set()

    def check_signature(self, auth):
        message = json.dumps({"url": auth["url"]}, indent=4, sort_keys=True)
        key = (message, auth["signature"])
        if key in self._verified:
            ok = True
        else:
            ok = isinstance(auth["signature"], str) and rsa.verify(self.pubkey, message.encode(), auth["signature"])
            if ok:
                self._verified.add(key)
        if ok and isinstance(auth.get("reqnum"), int):
            self.reqnum = max(auth["reqnum"], self.reqnum)
        if not ok:
            self.log(f"Signature error: signature verification failed, message: {message!r}")
        return ok

    async def handle(self, method, path, body):
        """-> (status, json-able body or None)."""
        path = path.split("?", 1)[0]
        handler = self.handlers.get(path)
        if handler is None:
            return 404, "404: Not Found"
        if method != "POST":
            return 405, "405: Method Not Allowed"
        try:
            data = json.loads(body or b"null")
        except ValueError:
            return 422, {"error": "invalid JSON"}
        if not isinstance(data, dict):
            return 422, {"error": "invalid JSON"}
        errors = {}
        auth = data.get("auth_data")
        if "auth_data" not in data:
            errors["auth_data"] = "field missing"
        elif not isinstance(auth, dict):
            errors["auth_data"] = {p: "missing parameter" for p in AUTH_FIELDS}
        else:
            missing = {p: "missing parameter" for p in AUTH_FIELDS if p not in auth}
            if missing:
                errors["auth_data"] = missing
        payload = data.get("payload")
        if "payload" not in data:
            errors["payload"] = "field missing"
        elif not isinstance(payload, dict):
            errors["payload"] = {"data": "payload must be a dictionary"}
        if errors:
            return 422, errors
        if not self.check_signature(auth):
            return 401, None
        if handler.max_queue_time is not None:
            wait = self.working * DEFAULT_WORKLOAD / max(self.max_throughput, 0.00001)
            if wait > handler.max_queue_time:
                return 429, None
        self.working += 1
        try:
            if handler.allow_parallel:
                return await self._call(handler, payload)
            async with handler.lock:
                return await self._call(handler, payload)
        finally:
            self.working -= 1
            self.served += 1

    async def _call(self, handler, payload):
        try:
            result = await handler.wrapper(**payload)
        except Exception as e:
            self.log(f"Error calling remote function for route {handler.route}: {e!r}")
            return 500, None
        return 200, {"result": result}

    async def serve_connection(self, reader, writer):
        try:
            while True:
                line = await reader.readline()
                if not line:
                    break
                parts = line.decode("latin-1").split()
                if len(parts) < 3:
                    break
                method, target, version = parts[0], parts[1], parts[2]
                headers = {}
                while True:
                    h = await reader.readline()
                    if h in (b"\r\n", b"\n", b""):
                        break
                    k, _, v = h.decode("latin-1").partition(":")
                    headers[k.strip().lower()] = v.strip()
                if headers.get("transfer-encoding", "").lower() == "chunked":
                    body = b""
                    while True:
                        size = int((await reader.readline()).split(b";")[0].strip() or b"0", 16)
                        if size == 0:
                            await reader.readline()
                            break
                        if len(body) + size > MAX_BODY:
                            raise BodyTooLarge()
                        body += await reader.readexactly(size)
                        await reader.readline()
                else:
                    length = int(headers.get("content-length", "0") or 0)
                    if length > MAX_BODY:
                        raise BodyTooLarge()
                    body = await reader.readexactly(length)
                status, out = await self.handle(method, target, body)
                if out is None:
                    raw, ctype = b"", None
                elif isinstance(out, str):
                    raw, ctype = out.encode(), "text/plain; charset=utf-8"
                else:
                    raw, ctype = json.dumps(out).encode(), "application/json; charset=utf-8"
                close = headers.get("connection", "").lower() == "close" or version == "HTTP/1.0"
                head = f"HTTP/1.1 {status} {REASONS.get(status, 'Status')}\r\nContent-Length: {len(raw)}\r\n"
                if ctype:
                    head += f"Content-Type: {ctype}\r\n"
                head += "Connection: close\r\n\r\n" if close else "Connection: keep-alive\r\n\r\n"
                writer.write(head.encode("latin-1") + raw)
                await writer.drain()
                if close:
                    break
        except BodyTooLarge:
            msg = f"request body larger than {MAX_BODY // (1024 * 1024)} MiB".encode()
            head = f"HTTP/1.1 413 Payload Too Large\r\nContent-Length: {len(msg)}\r\nConnection: close\r\n\r\n"
            writer.write(head.encode("latin-1") + msg)
            try:
                await writer.drain()
            except ConnectionError:
                pass
        except (ConnectionError, asyncio.IncompleteReadError, ValueError):
            pass
        finally:
            try:
                writer.close()
            except Exception:
                pass


def _succeeded(result):
    """A benchmark call succeeds when the function returned: the wrapper turns a raised exception into `{"err"}`."""
    return isinstance(result, dict) and "ok" in result


async def run_benchmark(handler, make_payload, runs, log, workload=None):
    """Warm-up call, then `runs` rounds (10 concurrent calls when parallel requests are allowed, else 1), as the SDK's
    backend does. Returns the best throughput in workload units per second. A round in which no call succeeds fails
    the worker ("No successful responses from benchmark"); the failed calls' tracebacks are already in the log."""
    await handler.wrapper(**make_payload())
    concurrency = 10 if handler.allow_parallel else 1
    best = 0.0
    for run in range(1, runs + 1):
        payloads = [make_payload() for _ in range(concurrency)]
        start = time.time()
        results = await asyncio.gather(*(handler.wrapper(**p) for p in payloads))
        elapsed = max(time.time() - start, 1e-6)
        ok = [p for p, r in zip(payloads, results) if _succeeded(r)]
        if not ok:
            raise BenchmarkFailed(
                f"No successful responses from benchmark: every call of run {run}/{runs} raised (see the traceback "
                "above in the worker log)"
            )
        total = sum(workload(p) if workload else DEFAULT_WORKLOAD for p in ok)
        throughput = total / elapsed
        best = max(best, throughput)
        log(f"benchmark run {run}/{runs}: {throughput:.1f} workload/s ({len(ok)}/{concurrency} successful)")
    return best


class BenchmarkFailed(Exception):
    pass
