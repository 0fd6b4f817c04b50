// What the editor says about the SDK's keywords on hover (and in completion details). Facts come from
// ../shared/reference/vast-protocol.md (§2 packaging, §4 query DSL, §5 autoscaling, §6 validation).

/** Documentation of one keyword: a one-line signature and a markdown body. */
export interface KeywordDoc {
    signature: string;
    doc: string;
}

/** The SDK calls whose keyword arguments we document and complete. */
export type SdkCall = 'Deployment' | 'remote' | 'context' | 'image' | 'configure_autoscaling' | 'imageMethod';

/** Keyword arguments per SDK call. */
export const KEYWORD_DOCS: Record<Exclude<SdkCall, 'imageMethod' | 'context'>, Record<string, KeywordDoc>> = {
    Deployment: {
        name: {
            signature: 'name: str | None = None',
            doc: 'The deployment name the server knows it by. When omitted the SDK uses the module name of the first `@remote` function: `__main__` when the file is run as a script, so unnamed deployments collide.',
        },
        tag: {
            signature: 'tag: str = "default"',
            doc: 'A separate endpoint per (name, tag). Changing the tag creates an entirely new endpoint and workergroup (update tier 4).',
        },
        version_label: {
            signature: 'version_label: str | None = None',
            doc: 'Free-form label stored with each version.',
        },
        ttl: {
            signature: 'ttl: int | None = None (seconds)',
            doc: 'Automatic teardown this many **seconds** after the last client heartbeat. `None`: the deployment lives until torn down. With a ttl the SDK sends a heartbeat every `min(ttl/2, 60)` s.',
        },
        api_key: {
            signature: 'api_key: str | None = None',
            doc: 'Vast API key. Default: `$VAST_API_KEY`, then `~/.config/vastai/vast_api_key`, then `~/.vast_api_key`. Prefer those over a literal key in code.',
        },
        webserver_url: {
            signature: 'webserver_url: str = "https://console.vast.ai"',
            doc: 'Console API base URL. A non-default value is passed to workers as `VAST_API_URL`.',
        },
        autoscaler_instance: {
            signature: 'autoscaler_instance: str = "prod"',
            doc: '`prod` → https://run.vast.ai, `alpha`, `candidate`, `local` → http://localhost:8080; anything else means prod.',
        },
        autoscaler_url: {
            signature: 'autoscaler_url: str | None = None',
            doc: 'Explicit autoscaler URL; overrides `autoscaler_instance`. Workers get it as `REPORT_ADDR`.',
        },
    },
    remote: {
        benchmark_dataset: {
            signature: 'benchmark_dataset: list[dict] | None = None',
            doc: 'Inputs used to measure the worker\'s performance at startup: a list of `{parameter: value}` dicts. Exactly one `@remote` of a deployment must have a benchmark, or the worker dies with "Missing EndpointHandler with BenchmarkConfig". The current SDK sends only the **last** item.',
        },
        benchmark_generator: {
            signature: 'benchmark_generator: Callable[[], dict] | None = None',
            doc: 'A function returning one `{parameter: value}` dict per benchmark request; an alternative to `benchmark_dataset`.',
        },
        benchmark_runs: {
            signature: 'benchmark_runs: int = 10',
            doc: 'How many benchmark requests the worker sends at startup (concurrency 10, with warm-up).',
        },
        workload_calculator: {
            signature: 'workload_calculator: Callable[[dict], float] | None = None',
            doc: "Computes the workload (perf units) of one request from its payload; the autoscaler's load is the sum.",
        },
        allow_parallel_requests: {
            signature: 'allow_parallel_requests: bool',
            doc: 'Serve mode only: raises `TypeError` when deploying with the current SDK.',
        },
        max_queue_time: {
            signature: 'max_queue_time: float = 30 (seconds)',
            doc: 'Serve mode only: per-function worker queue limit (429 beyond it). Raises `TypeError` when deploying with the current SDK. Not the autoscaling `max_queue_time`.',
        },
    },
    image: {
        from_image: {
            signature: 'from_image: str',
            doc: 'Docker image reference. `@vastai-automatic-tag` in the tag is replaced by the SDK with the matching base-image tag.',
        },
        storage: {
            signature: 'storage: int (GB)',
            doc: 'Disk space per worker, in **GB**. Not part of the code hash; a change is sent as its own field.',
        },
        docker_login_user: { signature: 'docker_login_user: str', doc: 'Registry user for a private image.' },
        docker_login_pass: {
            signature: 'docker_login_pass: str',
            doc: 'Registry password or token for a private image. Sent with the deployment; keep it out of source control.',
        },
        docker_login_repo: { signature: 'docker_login_repo: str', doc: 'Registry host, e.g. `docker.io`.' },
    },
    configure_autoscaling: {
        cold_workers: {
            signature: 'cold_workers: int (workers) — server default 5',
            doc: 'Minimum number of workers kept with the model loaded, active and inactive together.',
        },
        max_workers: {
            signature: 'max_workers: int (workers) — server default 16 (docs) / 20 (CLI)',
            doc: 'Hard cap on the total number of workers.',
        },
        min_load: {
            signature: 'min_load: int (perf units/s) — server default 1 (docs) / 0 (CLI)',
            doc: 'Floor load in performance units per second: sets the minimum active capacity.',
        },
        min_cold_load: {
            signature: 'min_cold_load: int (perf units/s) — server default 0',
            doc: 'Total capacity target (active + inactive), independent of `cold_mult`.',
        },
        target_util: {
            signature: 'target_util: float (0–1) — server default 0.9',
            doc: 'Target utilisation: active capacity = load / target_util. Lower values keep more headroom.',
        },
        cold_mult: {
            signature: 'cold_mult: int (× active load) — server default 3 (docs) / 2.5 (CLI)',
            doc: 'Inactive (cold) capacity as a multiple of the active load.',
        },
        max_queue_time: {
            signature: 'max_queue_time: float (seconds) — system default',
            doc: 'Per-worker queue time limit the router uses.',
        },
        target_queue_time: {
            signature: 'target_queue_time: float (seconds) — system default',
            doc: 'Endpoint queue time above which the autoscaler scales up.',
        },
        inactivity_timeout: {
            signature: 'inactivity_timeout: int (seconds) — not applied by default',
            doc: 'Idle time after which the endpoint may scale to zero. `0` disables the gating; a negative value means never scale to zero.',
        },
        autoscaler_instance: {
            signature: 'autoscaler_instance: str',
            doc: 'Sent to the server only when passed here (the constructor argument only picks the URL).',
        },
    },
};

/** Methods on the object returned by `app.image(...)`. */
export const IMAGE_METHOD_DOCS: Record<string, KeywordDoc> = {
    pip_install: {
        signature: 'pip_install(*packages: str) -> Image',
        doc: 'Packages installed with `uv pip install` on the worker. Stored in config.json: a change is a soft update (code hash changes).',
    },
    apt_get: {
        signature: 'apt_get(*packages: str) -> Image',
        doc: 'Debian packages installed with `apt-get install -y`.',
    },
    env: {
        signature: 'env(**vars: str) -> Image',
        doc: 'Environment variables, appended to `/etc/environment` on the worker. They live in config.json, so they change the code hash.',
    },
    require: {
        signature: 'require(*queries: Query) -> Image',
        doc: 'Hardware filters for the machines workers run on, e.g. `gpu_ram >= 24000` (**MB**), `gpu_name.in_([RTX_4090])`. `verified`, `rentable` and `rented` are preset and cannot be redefined.',
    },
    run_script: {
        signature: 'run_script(script: str) -> Image',
        doc: 'A shell script run with `sh -c` at worker setup.',
    },
    run_cmd: { signature: 'run_cmd(*args: str) -> Image', doc: 'A command run directly (no shell) at worker setup.' },
    copy: {
        signature: 'copy(src: str, dst: str) -> Image',
        doc: 'Puts a local file or directory (relative to the working directory) into the package at `dst`. Directories are copied recursively; a missing source fails the deploy.',
    },
    venv: { signature: 'venv(path: str) -> Image', doc: 'Python virtualenv on the image to run in (`ENV_PATH`).' },
    use_system_python: {
        signature: 'use_system_python() -> Image',
        doc: "Install into and run with the image's system Python instead of a virtualenv.",
    },
    publish_port: {
        signature: 'publish_port(number: int, type_: str = "tcp") -> Image',
        doc: 'Publishes a port from the worker container (default `3000/tcp` is always published).',
    },
};

/** Methods on a Deployment object. */
export const DEPLOYMENT_METHOD_DOCS: Record<string, KeywordDoc> = {
    remote: {
        signature: '@app.remote(benchmark_dataset=..., benchmark_generator=..., benchmark_runs=10)',
        doc: "Makes an `async def` callable remotely on the deployment's workers; calling it from the client sends every argument as a keyword.",
    },
    context: {
        signature: '@app.context(*args, **kwargs)',
        doc: 'Registers an async context manager class (`__aenter__`/`__aexit__`) entered once at worker startup, e.g. to load a model. Use it with `app.get_context(Cls)`.',
    },
    get_context: {
        signature: 'get_context(cls) -> instance',
        doc: 'The entered instance of a class registered with `@app.context()`. Only works on workers.',
    },
    image: {
        signature: 'image(from_image: str, storage: int, **docker_login) -> Image',
        doc: 'The Docker image workers run, plus what to install on it. Required before `ensure_ready()`.',
    },
    configure_autoscaling: {
        signature: 'configure_autoscaling(**params)',
        doc: 'Autoscaling parameters of the endpoint. Must be called before `ensure_ready()` (even with no arguments); repeated calls merge.',
    },
    ensure_ready: {
        signature: 'ensure_ready()',
        doc: 'Packages the file, uploads it if the server asks, and creates or updates the deployment. Call it after every `@remote` is defined.',
    },
};

/** Units and meaning of the query columns people get wrong. Others get a generic line. */
export const COLUMN_DOCS: Record<string, string> = {
    gpu_ram: 'GPU memory per GPU, in **MB** (`gpu_ram >= 24000` is 24 GB; sent as `gpu_ram>=24`).',
    gpu_total_ram: 'Total GPU memory of the machine, in **MB** (sent divided by 1000).',
    cpu_ram: 'System memory, in **MB** (sent divided by 1000).',
    duration: 'Maximum rental duration, in **seconds** (sent divided by 86400, i.e. in days).',
    gpu_name: 'GPU model; compare with the constants (`RTX_4090`, `H100_SXM`...), e.g. `gpu_name.in_([RTX_4090])`.',
    num_gpus: 'Number of GPUs per machine.',
    cpu_cores: 'Number of CPU cores.',
    cpu_cores_effective: 'CPU cores available to the instance.',
    dph_total: 'Total price in **$/hour**.',
    inet_down: 'Download bandwidth in **Mbit/s**.',
    inet_up: 'Upload bandwidth in **Mbit/s**.',
    disk_space: 'Free disk space in **GB**.',
    disk_bw: 'Disk bandwidth in **MB/s**.',
    reliability: 'Host reliability score between 0 and 1.',
    compute_cap: 'CUDA compute capability × 100 (`800` = 8.0).',
    cuda_max_good: 'Highest CUDA version the driver supports (e.g. `12.4`).',
    geolocation: 'Two-letter country code (`"US"`).',
    verified: 'Preset to `True` by the SDK; cannot be redefined with `require`.',
    rentable: 'Preset to `True` by the SDK; cannot be redefined with `require`.',
    rented: 'Preset to `False` by the SDK; cannot be redefined with `require`.',
    dlperf: 'Deep-learning performance score.',
    pcie_bw: 'PCIe bandwidth in **GB/s**.',
    gpu_mem_bw: 'GPU memory bandwidth in **GB/s**.',
};
