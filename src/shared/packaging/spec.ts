/**
 * `DeploymentSpec`: one deployment fully evaluated, as the SDK's `ensure_ready()` would see it when the file runs as
 * a script. Built from the static analysis model; refuses (with ranges) what the editor cannot evaluate and what the
 * SDK itself would refuse, with the SDK's texts in the SDK's order.
 */
import type { CallArg, DeploymentModel, ImageModel, PyValue } from '../model';
import { Collector, bind, numArg, readable, scalar, strArg } from './evaluate';
import { configJsonOf, portOf, readImageCalls, type PortSpec } from './imageCalls';
import { PyFormatError, describe, pyStr } from './pyFormat';
import { buildQuery, type QueryEntry } from './searchParams';
import { AUTOSCALING_FIELDS } from '../autoscaling';
import type { EnvReadShown } from './envReads';
import type { CopySpec, ScalarValue, SpecError } from './specTypes';

export type { CopySpec, ScalarValue, SpecError } from './specTypes';

export type Result<T, E> = { ok: true; value: T } | { ok: false; errors: E };

/** The SDK's `ensure_ready` refusals (reference §6), in check order. */
export const SDK_ERRORS = {
    notBound:
        'Trying to deploy a deployment not yet bound to a Python module. Have any remote functions been registered?',
    noImage: 'Trying to deploy a deployment without an image configured.',
    unbound: 'Trying to deploy an unbound deployment. Have any remote functions been registered?',
    noAutoscaling: 'Trying to deploy a deployment without autoscaling configured.',
} as const;

const DOCKER_LOGIN_KEYS = ['docker_login_user', 'docker_login_pass', 'docker_login_repo'];
/** The positional parameters of deploy mode's `Deployment.__init__`. */
const DEPLOYMENT_POSITIONAL = ['api_key', 'ttl', 'autoscaler_instance', 'autoscaler_url', 'webserver_url'];
/** `Deployment_.__init__(name, tag, version_label, **kwargs)`: reached by keyword only. */
const BASE_KEYWORDS = ['name', 'tag', 'version_label'];
/** `DeploymentConfig` fields `_into_deployment_config_and_tarball` passes itself: an image keyword repeats them. */
const EXPLICIT_CONFIG_FIELDS = [
    'name',
    'image',
    'env',
    'file_hash',
    'file_size',
    'tag',
    'search_params',
    'storage',
    'ttl',
    'version_label',
];

/** `worker_port=(number, type_)`: the port `Image` publishes instead of (3000, "tcp"). */
function readWorkerPort(v: PyValue, c: Collector): Parameters<typeof readImageCalls>[2] {
    const fn = 'Deployment.image() worker_port';
    if (v.kind === 'list' || v.kind === 'dict' || v.kind === 'set') {
        c.add(`TypeError: unhashable type: '${v.kind}'`, v.range, true);
        return undefined;
    }
    if (v.kind === 'int' || v.kind === 'float' || v.kind === 'bool' || v.kind === 'none') {
        c.add(`TypeError: cannot unpack non-iterable ${v.kind === 'none' ? 'NoneType' : v.kind} object`, v.range, true);
        return undefined;
    }
    if (v.kind !== 'tuple' || v.items.length !== 2) {
        if (readable(v, fn, c)) c.add(`${fn} must be a (number, type) tuple here, got ${describe(v)}`, v.range);
        return undefined;
    }
    const [n, t] = v.items as [PyValue, PyValue];
    const spec = portOf(n, t, fn, c);
    return spec ? { spec, value: n } : undefined;
}

/**
 * An int the PUT body carries must reach the wire with the digits Python's json.dumps writes. Our JSON holds doubles:
 * exact while the double prints the same digits (below 1e21 and representable). (A float literal is a double, and
 * the reader leaves inf/nan unevaluated.)
 */
function checkSentInt(what: string, v: PyValue | undefined, c: Collector): void {
    if (v?.kind === 'int' && v.digits !== undefined && String(v.value) !== v.digits) {
        c.add(
            `${what} is ${v.digits}: the SDK would send every digit, but this tool's JSON holds numbers as doubles ` +
                `and would send ${String(v.value)} instead, so Deploy refuses rather than send another number. ` +
                'Use a value below 2**53.',
            v.range,
        );
    }
}

/** The fully evaluated deployment: what the pipeline packages and sends. */
export interface DeploymentSpec {
    /** The .py file (path as given to specFromModel). */
    file: string;
    /** The PUT `name`: `name=` (or a later `app.name = ...`) when a non-empty str, else the module name (`__main__` as a script). */
    name: string;
    /** `name` inside config.json: `""` when unnamed, as the SDK writes it. */
    configName: string;
    tag: string;
    image: string;
    storage: number;
    ttl: number | null;
    versionLabel: string | null;
    /** `docker_login_user/pass/repo` given to `app.image(...)`. */
    dockerLogin: Record<string, string>;
    pipInstalls: string[];
    aptGets: string[];
    /** `Image.env()` pairs in dict insertion order (a re-set key keeps its first position). */
    envs: [string, string][];
    /** `run_script` → str, `run_cmd` → its arguments. */
    runs: (string | string[])[];
    /** Published ports in our stable order: the default 3000/tcp first, then first-publication order. */
    ports: PortSpec[];
    /** `venv(path)`; `""` after `use_system_python()`; null when neither. */
    venv: string | null;
    useSystemPython: boolean;
    /** The merged query (search defaults first) and its `unparse_query()` string. */
    query: QueryEntry[];
    searchParams: string;
    /** `configure_autoscaling` kwargs merged over every call (dict.update order); `None` kept as null. */
    autoscaling: Record<string, ScalarValue>;
    copies: CopySpec[];
    /** URL options given to `Deployment(...)` itself (settings may override them). */
    clientOptions: { autoscalerInstance?: string; autoscalerUrl?: string; webserverUrl?: string };
    /** Environment variables the file read (secret-looking values masked), for the Deploy plan. */
    envReads?: EnvReadShown[];
    /** `json.dumps(asdict(Config))`: exact bytes of ./config.json, first input of the hash. */
    configJson: string;
}

/** `app.image(from_image, storage, **docker_login)` bound as Python binds it; a missing argument is the SDK's TypeError. */
function bindImage(image: ImageModel, c: Collector) {
    const fn = 'Deployment.image()';
    const img = bind(image.call, ['from_image', 'storage'], c, { varKwargs: true, fn });
    const missing = ['from_image', 'storage'].filter((p) => !img.named.has(p));
    if (missing.length > 0) {
        const names = missing.map((m) => `'${m}'`).join(' and ');
        c.add(
            `TypeError: ${fn} missing ${missing.length} required positional argument${missing.length > 1 ? 's' : ''}: ${names}`,
            image.call.range,
            true,
        );
    }
    return img;
}

export interface SpecOptions {
    /** Module name used when the deployment is unnamed; `__main__` = run as a script (the SDK's case for the CLI). */
    moduleName?: string;
}

/**
 * Evaluates a deployment for packaging. `file` is the .py path (kept in the spec for the pipeline). Errors: the
 * SDK's refusals first (its check order), then what the editor cannot evaluate.
 */
export function specFromModel(
    model: DeploymentModel,
    file: string,
    options: SpecOptions = {},
): Result<DeploymentSpec, SpecError[]> {
    const c = new Collector();
    const at = model.call.range;
    // Deploy mode's Deployment(api_key, ttl, autoscaler_instance, autoscaler_url, webserver_url, **kwargs): the base
    // class takes name, tag and version_label from kwargs and silently drops any other keyword.
    const ctor = bind(model.call, DEPLOYMENT_POSITIONAL, c, { fn: 'Deployment()', varKwargs: true });
    for (const a of ctor.extraKw) {
        if (BASE_KEYWORDS.includes(a.name as string)) ctor.named.set(a.name as string, a.value);
    }
    const apiKey = model.call.args[0];
    if (apiKey && apiKey.name === undefined && ctor.named.has('api_key')) {
        c.add(
            "Deployment()'s first positional parameter is api_key, not the name: the SDK would send this value as " +
                'the API key (and get HTTP 401). Pass the name by keyword: name=...',
            apiKey.range,
        );
    }
    for (const u of model.unfollowable ?? []) {
        c.add(`Cannot follow ${u.message}. Deploy refuses rather than guess what Python would do.`, u.range);
    }
    if (model.remotes.length === 0) c.add(SDK_ERRORS.notBound, at, true);
    if (!model.image) c.add(SDK_ERRORS.noImage, at, true);
    // `app.name = ...` later replaces name=, but Python evaluates the argument first (os.environ["UNSET"] raises).
    for (const k of ['name', 'tag', 'version_label'] as const) {
        const given = ctor.named.get(k);
        if (model.attributes?.[k] !== undefined && given) {
            readable(given, `Deployment ${k}= (before app.${k} = ...)`, c);
        }
    }
    const nameValue = model.attributes?.name ?? ctor.named.get('name');
    let configName = '';
    if (nameValue && nameValue.kind !== 'none') {
        if (nameValue.kind === 'str') configName = nameValue.value;
        else if (readable(nameValue, 'Deployment name', c)) c.add(SDK_ERRORS.unbound, nameValue.range, true);
    }
    if (model.autoscalingCalls.length === 0) c.add(SDK_ERRORS.noAutoscaling, at, true);

    const tagValue = model.attributes?.tag ?? ctor.named.get('tag');
    const tag = tagValue ? (strArg(tagValue, 'Deployment tag', c) ?? 'default') : 'default';
    const optStr = (k: string) => {
        const v = ctor.named.get(k);
        return v === undefined || v.kind === 'none' ? undefined : strArg(v, `Deployment ${k}`, c);
    };
    const optNum = (k: string) => {
        const v = ctor.named.get(k);
        return v === undefined || v.kind === 'none' ? null : (numArg(v, `Deployment ${k}`, c) ?? null);
    };
    const ttl = optNum('ttl');
    const labelValue = model.attributes?.version_label;
    const versionLabel =
        labelValue === undefined
            ? (optStr('version_label') ?? null)
            : labelValue.kind === 'none'
              ? null
              : (strArg(labelValue, 'Deployment version_label', c) ?? null);
    const clientOptions: DeploymentSpec['clientOptions'] = {};
    const inst = optStr('autoscaler_instance');
    const aurl = optStr('autoscaler_url');
    const wurl = optStr('webserver_url');
    if (inst !== undefined) clientOptions.autoscalerInstance = inst;
    if (aurl !== undefined) clientOptions.autoscalerUrl = aurl;
    if (wurl !== undefined) clientOptions.webserverUrl = wurl;

    let image = '';
    let storage = 50;
    const dockerLogin: Record<string, string> = {};
    /** Other keywords of app.image(...): `Image(**docker_login)` keeps them and `DeploymentConfig(...)` gets them. */
    const imageFields: Record<string, ScalarValue> = {};
    let workerPort: Parameters<typeof readImageCalls>[2];
    const imageArgs: CallArg[] = [];
    let storageValue: PyValue | undefined;
    // A replaced image() call still runs first: its TypeError (no storage...) stops the file before anything is sent.
    for (const r of model.replacedImages ?? []) {
        bindImage(r, c);
        // Its calls run too: what the SDK raises there (a bad binding, a redefined query op) stops the file. What the
        // editor cannot evaluate in them is refused by the reader (cannot follow).
        const side = new Collector();
        const q = buildQuery(readImageCalls({ ...model, image: r }, side).requireTerms);
        if ('error' in q && q.error.message.startsWith('Cannot redefine')) {
            side.add(q.error.message, q.error.range ?? r.call.range, true);
        }
        for (const e of side.sdk) c.add(e.message, e.range, true);
    }
    if (model.image) {
        const img = bindImage(model.image, c);
        const ref = img.named.get('from_image');
        const st = img.named.get('storage');
        storageValue = st;
        if (ref !== undefined) image = strArg(ref, 'image reference', c) ?? '';
        if (st !== undefined) storage = numArg(st, 'storage', c) ?? storage;
        for (const a of img.extraKw) {
            const key = a.name as string;
            if (key === 'worker_port') workerPort = readWorkerPort(a.value, c);
            else if (DOCKER_LOGIN_KEYS.includes(key)) {
                const v = strArg(a.value, key, c);
                if (v !== undefined) dockerLogin[key] = v;
            } else if ((AUTOSCALING_FIELDS as readonly string[]).includes(key)) {
                const v = scalar(a.value, key, c);
                if (v !== undefined) imageFields[key] = v;
                imageArgs.push(a);
            } else if (EXPLICIT_CONFIG_FIELDS.includes(key)) {
                c.add(
                    `TypeError: vastai.data.deployment.DeploymentConfig() got multiple values for keyword argument '${key}'`,
                    a.range,
                    true,
                );
            } else {
                c.add(
                    `TypeError: DeploymentConfig.__init__() got an unexpected keyword argument '${key}'`,
                    a.range,
                    true,
                );
            }
        }
    }
    const parts = readImageCalls(model, c, workerPort);
    const q = buildQuery(parts.requireTerms);
    if ('error' in q) c.add(q.error.message, q.error.range ?? at, q.error.message.startsWith('Cannot redefine'));

    const autoscaling: Record<string, ScalarValue> = {};
    /** The last value of each keyword (dict.update): the one sent. */
    const autoscalingArgs = new Map<string, PyValue>();
    for (const call of model.autoscalingCalls) {
        const { extraKw } = bind(call, [], c, { varKwargs: true, fn: 'configure_autoscaling()' });
        for (const a of extraKw) {
            const key = a.name as string;
            if (!(AUTOSCALING_FIELDS as readonly string[]).includes(key)) {
                c.add(`DeploymentConfig.__init__() got an unexpected keyword argument '${key}'`, a.range, true);
                continue;
            }
            const v = scalar(a.value, key, c);
            if (v !== undefined) autoscaling[key] = v;
            autoscalingArgs.set(key, a.value);
        }
    }
    for (const key of Object.keys(imageFields)) {
        if (key in autoscaling) {
            const msg = `TypeError: vastai.data.deployment.DeploymentConfig() got multiple values for keyword argument '${key}'`;
            c.add(msg, model.image?.call.range ?? at, true);
        }
    }
    const sentNumbers: [string, PyValue | undefined][] = [
        ['storage', storageValue],
        ['ttl', ctor.named.get('ttl')],
        ...imageArgs.map((a) => [a.name as string, a.value] as [string, PyValue]),
        ...autoscalingArgs,
    ];
    for (const [what, v] of sentNumbers) checkSentInt(what, v, c);

    let configJson = '';
    try {
        configJson = configJsonOf(configName, parts.pip, parts.apt, parts.envs, parts.runs);
    } catch (err) {
        if (!(err instanceof PyFormatError)) throw err;
        c.add(err.message, err.value.range);
    }
    const errors = [...c.sdk, ...c.other];
    if (errors.length > 0 || 'error' in q) return { ok: false, errors };
    const strs = (vs: PyValue[]) => vs.map((v) => pyStr(v));
    return {
        ok: true,
        value: {
            file,
            name: configName !== '' ? configName : (options.moduleName ?? '__main__'),
            configName,
            tag,
            image,
            storage,
            ttl,
            versionLabel,
            dockerLogin,
            pipInstalls: strs(parts.pip),
            aptGets: strs(parts.apt),
            envs: [...parts.envs].map(([k, v]) => [k, pyStr(v)]),
            runs: parts.runs.map((r) => (r.kind === 'tuple' ? strs(r.items) : pyStr(r))),
            ports: parts.ports,
            venv: parts.venv,
            useSystemPython: parts.venv === '',
            query: q.entries,
            searchParams: q.searchParams,
            autoscaling: { ...imageFields, ...autoscaling },
            copies: parts.copies,
            clientOptions,
            configJson,
        },
    };
}
