"""Serve-mode `Deployment`, after the SDK's `serverless/remote/serve.py` and `base.py`.

Everything a deployment file calls at import time works; the deploy-side calls (`image(...)` and its chain,
`configure_autoscaling`, `ensure_ready`) are no-ops, as in the SDK's serve mode.
"""
import asyncio
import sys
import traceback

from .serialization import serialize, deserialize, serialize_ok, serialize_err

_REMOTE_OPTIONS = {
    "benchmark_dataset": None,
    "benchmark_generator": None,
    "benchmark_runs": 10,
    "workload_calculator": None,
    "allow_parallel_requests": False,
    "max_queue_time": 30.0,
}


class Image:
    """Every builder method returns the image so chains keep working; nothing is recorded."""

    def __init__(self, *args, **kwargs):
        pass

    def _chain(self, *args, **kwargs):
        return self

    pip_install = apt_get = run_script = run_cmd = env = require = copy = venv = _chain
    use_system_python = publish_port = _chain


class RemoteFunc:
    def __init__(self, func, options):
        self.func = func
        self.globals = func.__globals__
        self.__dict__.update(options)


class Deployment:
    by_name = {}

    def __init__(self, name=None, tag="default", version_label=None, **kwargs):
        self.tag = tag
        self.version_label = version_label
        self.root_module = None
        self.file = None
        self.name = name
        self.contexts = {}
        self.context_managers = {}
        self.remote_funcs = {}

    @property
    def name(self):
        return self.name_

    @name.setter
    def name(self, name):
        self.name_ = name
        if isinstance(name, str):
            Deployment.by_name[name] = self

    @classmethod
    def lookup(cls, name):
        return cls.by_name.get(name)

    # -- deploy-side calls: no-ops on a worker ------------------------------------------------------------------
    def image(self, from_image="", storage=50, *args, **kwargs):
        return Image()

    def configure_autoscaling(self, **kwargs):
        pass

    def ensure_ready(self):
        pass

    # -- serve side ---------------------------------------------------------------------------------------------
    def context(self, *args, **kwargs):
        def decorator(context_class):
            self.context_managers[context_class] = context_class(*args, **kwargs)
            return context_class

        return decorator

    def get_context(self, context_class):
        if context_class not in self.contexts:
            raise KeyError(f"Context {context_class} not registered or not yet entered")
        return self.contexts[context_class]

    async def __aenter__(self):
        managers = list(self.context_managers.items())
        values = await asyncio.gather(*(m.__aenter__() for _, m in managers))
        self.contexts = dict(zip((c for c, _ in managers), values))

    async def __aexit__(self, exc_type, exc, tb):
        await asyncio.gather(*(self.context_managers[c].__aexit__(exc_type, exc, tb) for c in self.contexts))
        self.contexts = {}

    def relativize(self, f):
        mod = f.__module__
        name = f.__name__
        file = f.__globals__.get("__file__")
        if self.root_module is None:
            self.root_module = mod
            if self.name_ is None:
                self.name = ""
            if file is None:
                raise Exception(
                    f"Cowardly refusing to deploy function {name} defined in your interactive Python session! We need it to be defined in a .py file to deploy from."
                )
            self.file = file
        if f.__module__ != self.root_module:
            raise Exception(
                f"Using a single-file deployment object to deploy remote functions from multiple .py files! Remote function {name} is defined in {file} but we're already trying to deploy from {self.file}."
            )
        return (name,)

    def remote(self, f=None, **opts):
        unknown = set(opts) - set(_REMOTE_OPTIONS)
        if unknown:
            raise TypeError(
                "@remote() got unexpected keyword argument(s): "
                + ", ".join(sorted(unknown))
                + ". Valid options: "
                + ", ".join(sorted(_REMOTE_OPTIONS))
            )
        options = dict(_REMOTE_OPTIONS)
        options.update(opts)

        def decorator(func):
            key = self.relativize(func)
            self.remote_funcs[key] = RemoteFunc(func, options)
            return func

        if f is not None:
            return decorator(f)
        return decorator

    def wrap(self, entry):
        """The request handler for one function: deserialize kwargs, call, serialize `{ok}` or `{err}`."""
        root_module = self.root_module
        func = entry.func
        func_globals = entry.globals

        async def wrapper(*, args=[], kwargs={}):
            d_args = [deserialize(a, root_module, func_globals) for a in args]
            d_kwargs = {k: deserialize(v, root_module, func_globals) for k, v in kwargs.items()}
            try:
                # As in the reference SDK: the call is awaited, so a plain `def` fails with TypeError (serialized back).
                result = await func(*d_args, **d_kwargs)
                return serialize_ok(result, root_module)
            except Exception as e:
                # The SDK sends the exception without its message or traceback: the worker log keeps both.
                log_call_error(func.__name__, e)
                return serialize_err(e, root_module)

        return wrapper

    def benchmark_payloads(self, entry, route):
        """A payload factory for the benchmark, with the SDK's quirk: a dataset keeps only its LAST item."""
        root_module = self.root_module
        if entry.benchmark_dataset is not None:
            # Mirrors the SDK's dict comprehension (`{"kwargs": ... for item in dataset}`): one entry, the last item.
            dataset = [{"kwargs": {k: serialize(v, root_module) for k, v in item.items()} for item in entry.benchmark_dataset}]

            def from_dataset():
                import random

                return dict(random.choice(dataset))

            return from_dataset
        generator = entry.benchmark_generator

        def from_generator():
            try:
                data = {"kwargs": {k: serialize(v, root_module) for k, v in generator().items()}}
            except Exception as ex:
                raise Exception(f'Error generating benchmark data for "{route}" handler: {ex}')
            return data

        return from_generator


def log_call_error(name, exc):
    """One block per failed call: a header line the tools recognise, then the full traceback."""
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    sys.stderr.write(f"Error in remote function {name}:\n{text}")
    sys.stderr.flush()


class DeployModeUnavailable(Deployment):
    """Outside a worker (IS_DEPLOYMENT unset) this shim cannot deploy: use the real SDK or the extension."""

    def ensure_ready(self):
        raise RuntimeError("The emulator's vastai shim only runs deployments on workers (IS_DEPLOYMENT is not set).")
