/**
 * `DeploymentSpec`: one deployment fully evaluated, as the SDK's `ensure_ready()` would see it when the file runs as
 * a script. Built from the static analysis model; refuses (with ranges) what the editor cannot evaluate and what the
 * SDK itself would refuse, with the SDK's texts in the SDK's order.
 */
import type { DeploymentModel, PyValue } from '../model';
import { Collector, bind, numArg, readable, scalar, strArg } from './evaluate';
import { configJsonOf, readImageCalls } from './imageCalls';
import { PyFormatError, pyStr } from './pyFormat';
import { buildQuery, type QueryEntry } from './searchParams';
import { AUTOSCALING_FIELDS } from '../autoscaling';
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

/** The fully evaluated deployment: what the pipeline packages and sends. */
export interface DeploymentSpec {
    /** The .py file (path as given to specFromModel). */
    file: string;
    /** The PUT `name`: `name=` when a non-empty str, else the module name (`__main__` as a script). */
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
    ports: { port: number; type: string }[];
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
    /** `json.dumps(asdict(Config))`: exact bytes of ./config.json, first input of the hash. */
    configJson: string;
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
    // Deployment(...) keywords; the first positional parameter is api_key, which the editor never reads from code.
    const ctor = bind(
        model.call,
        [
            'api_key',
            'ttl',
            'autoscaler_instance',
            'autoscaler_url',
            'webserver_url',
            'progress',
            'startup_timeout',
            'name',
            'tag',
            'version_label',
        ],
        c,
        { fn: 'Deployment()' },
    );
    if (model.remotes.length === 0) c.add(SDK_ERRORS.notBound, at, true);
    if (!model.image) c.add(SDK_ERRORS.noImage, at, true);
    const nameValue = ctor.named.get('name') ?? model.name;
    let configName = '';
    if (nameValue && nameValue.kind !== 'none') {
        if (nameValue.kind === 'str') configName = nameValue.value;
        else if (readable(nameValue, 'Deployment name', c)) c.add(SDK_ERRORS.unbound, nameValue.range, true);
    }
    if (model.autoscalingCalls.length === 0) c.add(SDK_ERRORS.noAutoscaling, at, true);

    const tagValue = ctor.named.get('tag') ?? model.tag;
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
    const versionLabel = optStr('version_label') ?? null;
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
    if (model.image) {
        const img = bind(model.image.call, ['from_image', 'storage'], c, { varKwargs: true, fn: 'Deployment.image()' });
        const ref = img.named.get('from_image');
        if (ref === undefined) {
            c.add(
                "Deployment.image() missing 1 required positional argument: 'from_image'",
                model.image.call.range,
                true,
            );
        } else image = strArg(ref, 'image reference', c) ?? '';
        const st = img.named.get('storage');
        if (st !== undefined) storage = numArg(st, 'storage', c) ?? storage;
        for (const a of img.extraKw) {
            if (DOCKER_LOGIN_KEYS.includes(a.name as string)) {
                const v = strArg(a.value, a.name as string, c);
                if (v !== undefined) dockerLogin[a.name as string] = v;
            } else c.add(`Image.__init__() got an unexpected keyword argument '${a.name}'`, a.range, true);
        }
    }
    const parts = readImageCalls(model, c);
    const q = buildQuery(parts.requireTerms);
    if ('error' in q) c.add(q.error.message, q.error.range ?? at, q.error.message.startsWith('Cannot redefine'));

    const autoscaling: Record<string, ScalarValue> = {};
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
        }
    }

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
            autoscaling,
            copies: parts.copies,
            clientOptions,
            configJson,
        },
    };
}
