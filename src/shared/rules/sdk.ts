/**
 * The SDK's call signatures, as the rules check them (`vastai/serverless/remote/{deploy,base}.py` at the commit the
 * reference pins). `unknown-argument` and `invalid-argument-type` come from here.
 */

import type { PyValue } from '../model';

/** What a value may be; `dynamic` values always pass (they cannot be read). */
export type ValueType = 'str' | 'int' | 'number' | 'none' | 'list' | 'callable' | 'query' | 'any';

/** One parameter of an SDK call. */
export interface SdkParam {
    name: string;
    types: ValueType[];
    /** Can be given positionally (in declaration order). */
    positional?: boolean;
    required?: boolean;
    /** Accepted by the call but raises or misbehaves; the text says why (reported as `unknown-argument`). */
    rejected?: string;
    /** Deploy needs a literal here (`dynamic-value`). */
    literal?: boolean;
}

/** One SDK callable. */
export interface SdkCall {
    /** Shown in messages: `Deployment(...)`, `app.image(...)`. */
    label: string;
    params: SdkParam[];
    /** `*args` of this type (pip_install, require...). */
    varArgs?: ValueType[];
    /** `**kwargs` of this type (env, configure_autoscaling keeps a fixed list instead). */
    varKwargs?: ValueType[];
    /** Positional/variadic values must be literal for Deploy. */
    literalArgs?: boolean;
    /** What goes wrong, and where, when a `*args` value has the wrong type (appended to the type message). */
    varArgsConsequence?: (v: PyValue) => string;
    /** Unknown keywords are accepted and dropped (`**kwargs` that nothing reads): a warning, not an error. */
    swallowsKwargs?: boolean;
}

const str: ValueType[] = ['str'];
const optStr: ValueType[] = ['str', 'none'];
const num: ValueType[] = ['int', 'number', 'none'];
const int: ValueType[] = ['int', 'none'];

/**
 * `Deployment(...)`: deploy mode is `(api_key, ttl, autoscaler_instance, autoscaler_url, webserver_url, **kwargs)`
 * and passes `name, tag, version_label` to the base class. Serve mode is `(*args, **kwargs)` into the base class, so a
 * positional argument means `api_key` on the client but `name` on the worker: positional arguments are reported.
 * `progress`/`startup_timeout` exist in later SDKs; older ones swallow them in `**kwargs`, so they are accepted.
 * Any other keyword is swallowed the same way, silently: reported as a warning with "did you mean".
 */
export const DEPLOYMENT_CALL: SdkCall = {
    label: 'Deployment(...)',
    swallowsKwargs: true,
    params: [
        { name: 'name', types: optStr, literal: true },
        { name: 'tag', types: str, literal: true },
        { name: 'version_label', types: optStr, literal: true },
        { name: 'api_key', types: str },
        { name: 'ttl', types: num, literal: true },
        { name: 'autoscaler_instance', types: str },
        { name: 'autoscaler_url', types: optStr },
        { name: 'webserver_url', types: str },
        { name: 'progress', types: str },
        { name: 'startup_timeout', types: num },
    ],
};

/** `@app.remote(...)` in deploy mode: `(f=None, *, benchmark_dataset, benchmark_generator, benchmark_runs, workload_calculator)`. */
export const REMOTE_CALL: SdkCall = {
    label: '@app.remote(...)',
    params: [
        { name: 'benchmark_dataset', types: ['list', 'none'] },
        { name: 'benchmark_generator', types: ['callable', 'none'] },
        { name: 'benchmark_runs', types: ['int'] },
        { name: 'workload_calculator', types: ['callable', 'none'] },
        {
            name: 'allow_parallel_requests',
            types: ['any'],
            rejected:
                "works on the worker, but the SDK's deploy-mode remote() has no such parameter and raises TypeError " +
                '(only later SDK versions accept it); remove it',
        },
        {
            name: 'max_queue_time',
            types: ['any'],
            rejected:
                "works on the worker, but the SDK's deploy-mode remote() has no such parameter and raises TypeError " +
                '(only later SDK versions accept it); remove it, or set the endpoint-wide ' +
                'configure_autoscaling(max_queue_time=...)',
        },
    ],
};

/**
 * `app.image(from_image, storage, **docker_login)`; `storage` has no default in deploy mode. `image()` annotates it
 * `int`, but `Image` and the wire's `DeploymentConfig` carry a float and nothing checks it: `16.0` is sent as is
 * (a fraction gets the `fractional-storage` warning instead).
 */
export const IMAGE_CALL: SdkCall = {
    label: 'app.image(...)',
    params: [
        { name: 'from_image', types: str, positional: true, required: true, literal: true },
        { name: 'storage', types: ['number'], positional: true, required: true, literal: true },
        { name: 'docker_login_user', types: str, literal: true },
        // Passwords usually come from the environment on purpose: no dynamic-value nagging there.
        { name: 'docker_login_pass', types: str },
        { name: 'docker_login_repo', types: str, literal: true },
        // Image(worker_port=(number, type_)) replaces the default (3000, "tcp").
        { name: 'worker_port', types: ['any'], literal: true },
    ],
};

/** Autoscaling keywords (`base.py::Autoscaling`); unknown ones break `DeploymentConfig(**autoscaling)` later. */
export const AUTOSCALING_CALL: SdkCall = {
    label: 'app.configure_autoscaling(...)',
    params: [
        { name: 'cold_workers', types: int, literal: true },
        { name: 'max_workers', types: int, literal: true },
        { name: 'min_load', types: num, literal: true },
        { name: 'min_cold_load', types: num, literal: true },
        { name: 'target_util', types: num, literal: true },
        { name: 'cold_mult', types: num, literal: true },
        { name: 'max_queue_time', types: num, literal: true },
        { name: 'target_queue_time', types: num, literal: true },
        { name: 'inactivity_timeout', types: int, literal: true },
        { name: 'autoscaler_instance', types: optStr, literal: true },
    ],
};

/** Python's `type(v).__name__` of a literal. */
function pyTypeName(v: PyValue): string {
    const names: Partial<Record<PyValue['kind'], string>> = { none: 'NoneType', lambda: 'function', query: 'Query' };
    return names[v.kind] ?? v.kind;
}

/** Methods of `Image` (`base.py`). */
export const IMAGE_METHODS: Record<string, SdkCall> = {
    pip_install: { label: 'image.pip_install(...)', params: [], varArgs: str, literalArgs: true },
    apt_get: { label: 'image.apt_get(...)', params: [], varArgs: str, literalArgs: true },
    run_script: {
        label: 'image.run_script(...)',
        params: [{ name: 'script', types: str, positional: true, required: true, literal: true }],
    },
    run_cmd: {
        label: 'image.run_cmd(...)',
        params: [],
        varArgs: str,
        literalArgs: true,
        // serve_deployment.py::run_scripts runs the tuple as subprocess.run(list(entry), check=True).
        varArgsConsequence: (v) =>
            `the SDK sends it as is, and the worker runs run_cmd's arguments as a list with subprocess.run(), which ` +
            `raises TypeError (expected str, bytes or os.PathLike object, not ${pyTypeName(v)}), so its setup fails ` +
            'before it serves. Quote it.',
    },
    // Typed `str`, but numbers survive config.json and the worker's `K=V` line alike.
    env: { label: 'image.env(...)', params: [], varKwargs: ['str', 'int', 'number'], literalArgs: true },
    require: { label: 'image.require(...)', params: [], varArgs: ['query'], literalArgs: true },
    copy: {
        label: 'image.copy(...)',
        params: [
            { name: 'src', types: str, positional: true, required: true, literal: true },
            { name: 'dst', types: str, positional: true, required: true, literal: true },
        ],
    },
    venv: {
        label: 'image.venv(...)',
        params: [{ name: 'path', types: str, positional: true, required: true, literal: true }],
    },
    use_system_python: { label: 'image.use_system_python()', params: [] },
    publish_port: {
        label: 'image.publish_port(...)',
        params: [
            // A float is checked with the other published ports (rules/image.ts): one equal to an earlier port is dropped.
            { name: 'number', types: ['number'], positional: true, required: true, literal: true },
            { name: 'type_', types: str, positional: true, literal: true },
        ],
    },
};

/** Other `Deployment` methods a file may call; arguments are not checked beyond these. */
export const DEPLOYMENT_METHODS: Record<string, SdkCall | undefined> = {
    ensure_ready: {
        label: 'app.ensure_ready(...)',
        // Later SDKs take these; the pinned one takes none. Accepted to avoid false alarms on newer installs.
        params: [
            { name: 'wait', types: ['any'] },
            { name: 'timeout', types: num },
            { name: 'require_version', types: ['any'] },
        ],
    },
    async_ensure_ready: undefined,
    get_context: undefined,
    context: undefined,
    remote: undefined,
    image: undefined,
    configure_autoscaling: undefined,
    lookup: undefined,
    workers: undefined,
};
