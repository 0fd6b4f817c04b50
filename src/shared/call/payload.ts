/**
 * The payload of a "Call function": a JSON object of keyword arguments, prefilled from the function's benchmark
 * items or its parameters, then bound against the signature the way the SDK does before anything is sent
 * (`deploy.py::_dispatch`: `sig.bind(*args, **kwargs)`, `apply_defaults()`, every bound argument serialized as a
 * keyword with `serialization.serialize`, which refuses `bool`, `set` and anything without a `__dict__`).
 *
 * JSON has no bytes or tuples: `{"$bytes": "<base64>"}` and `{"$tuple": [...]}` stand for them.
 */
import type { Param, PyValue, RemoteFunction } from '../model';
import type { Wire } from '../serialization';

/** A problem found before sending; `path` is where in the payload (`text`, `items[2]`), empty for the whole. */
export interface PayloadProblem {
    severity: 'error' | 'warning';
    path: string;
    message: string;
}

export interface BoundPayload {
    /** The `kwargs` the SDK would send, in signature order; undefined when an error blocks the call. */
    kwargs?: Record<string, Wire>;
    problems: PayloadProblem[];
}

/** Where a prefilled payload came from. */
export interface PrefilledPayload {
    source: 'benchmark' | 'parameters';
    /** JSON text, pretty-printed, one per benchmark item (or one from the parameters). */
    payloads: string[];
}

const BOOL_MESSAGE = "the SDK cannot send a bool (TypeError: Object of type <class 'bool'> is not JSON serializable!)";

/** JSON for a statically read value, or undefined when it has no JSON form (dynamic, lambda, query). */
export function pyToJson(v: PyValue): unknown {
    switch (v.kind) {
        case 'int':
        case 'float':
        case 'str':
        case 'bool':
            return v.value;
        case 'none':
            return null;
        case 'list':
            return mapAll(v.items);
        case 'tuple': {
            const items = mapAll(v.items);
            return items === undefined ? undefined : { $tuple: items };
        }
        case 'set': {
            const items = mapAll(v.items);
            return items === undefined ? undefined : { $set: items };
        }
        case 'dict': {
            const out: Record<string, unknown> = {};
            for (const e of v.entries) {
                const value = pyToJson(e.value);
                if (e.key.kind !== 'str' || value === undefined) return undefined;
                out[e.key.value] = value;
            }
            return out;
        }
        default:
            return undefined;
    }
}

function mapAll(items: PyValue[]): unknown[] | undefined {
    const out = items.map(pyToJson);
    return out.some((x) => x === undefined) ? undefined : out;
}

/** A placeholder for a parameter without a usable default, from its annotation. */
function placeholder(p: Param): unknown {
    const a = (p.annotation ?? '').replace(/\s/g, '');
    if (/^(int|float|complex)$/.test(a)) return 0;
    if (/^(str)$/.test(a)) return '';
    if (/^(list|List|Sequence)\b/.test(a)) return [];
    if (/^(dict|Dict|Mapping)\b/.test(a)) return {};
    if (/^bytes$/.test(a)) return { $bytes: '' };
    return null;
}

/**
 * The starting payloads: each benchmark item (the `benchmark_dataset` dicts, or the literal dict the generator
 * returns), else one object of the parameters with their defaults (a placeholder from the annotation otherwise).
 */
export function prefillPayload(remote: RemoteFunction): PrefilledPayload {
    const b = remote.benchmark;
    if (b) {
        const v = b.arg.value;
        const items = b.kind === 'dataset' && (v.kind === 'list' || v.kind === 'tuple') ? v.items : [];
        if (b.kind === 'generator' && v.kind === 'lambda' && v.params.length === 0) items.push(v.body);
        const payloads = items.map(pyToJson).filter((x) => x !== undefined && isObject(x));
        if (payloads.length > 0) return { source: 'benchmark', payloads: payloads.map((p) => pretty(p)) };
    }
    const obj: Record<string, unknown> = {};
    for (const p of remote.params) {
        if (p.kind === 'varArgs' || p.kind === 'varKwargs' || p.kind === 'positionalOnly') continue;
        const d = p.default ? pyToJson(p.default) : undefined;
        obj[p.name] = d !== undefined ? d : placeholder(p);
    }
    return { source: 'parameters', payloads: [pretty(obj)] };
}

function pretty(v: unknown): string {
    return JSON.stringify(v, null, 2);
}

function isObject(v: unknown): v is Record<string, unknown> {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function b64ok(s: string): boolean {
    return /^[A-Za-z0-9+/]*={0,2}$/.test(s) && s.length % 4 === 0;
}

/** Serializes one JSON value as the SDK serializes the matching Python value; problems go to `out`. */
export function jsonToWire(v: unknown, path: string, out: PayloadProblem[]): Wire {
    const err = (message: string): Wire => {
        out.push({ severity: 'error', path, message });
        return null;
    };
    if (v === null || typeof v === 'string') return v;
    if (typeof v === 'number') return Number.isFinite(v) ? v : err('not a finite number');
    if (typeof v === 'boolean') return err(BOOL_MESSAGE);
    if (Array.isArray(v)) return { type: 'list', contents: v.map((x, i) => jsonToWire(x, `${path}[${i}]`, out)) };
    if (isObject(v)) {
        const keys = Object.keys(v);
        if (keys.length === 1 && keys[0] === '$bytes') {
            const s = v.$bytes;
            if (typeof s !== 'string' || !b64ok(s)) return err('"$bytes" must be a base64 string');
            return { type: 'bytes', contents: s };
        }
        if (keys.length === 1 && keys[0] === '$tuple') {
            if (!Array.isArray(v.$tuple)) return err('"$tuple" must be a list');
            return { type: 'tuple', contents: v.$tuple.map((x, i) => jsonToWire(x, `${path}[${i}]`, out)) };
        }
        if (keys.length === 1 && keys[0] === '$set') {
            return err("the SDK cannot send a set (TypeError: Object of type <class 'set'> is not JSON serializable!)");
        }
        return {
            type: 'dict',
            contents: keys.map((k) => [k, jsonToWire(v[k], path === '' ? k : `${path}.${k}`, out)] as [Wire, Wire]),
        };
    }
    return err(`cannot send a value of type ${typeof v}`);
}

/**
 * Binds the payload (JSON text or an already parsed value) to the function's parameters like `Signature.bind`
 * with keyword arguments only, then `apply_defaults`, and serializes each argument. Errors block the call; warnings
 * say where the SDK's call would differ from what a reader expects.
 */
export function bindPayload(params: readonly Param[], payload: string | unknown): BoundPayload {
    const problems: PayloadProblem[] = [];
    let value: unknown = payload;
    if (typeof payload === 'string') {
        try {
            value = payload.trim() === '' ? {} : JSON.parse(payload);
        } catch (e) {
            return { problems: [{ severity: 'error', path: '', message: `not JSON: ${(e as Error).message}` }] };
        }
    }
    if (!isObject(value)) {
        return {
            problems: [
                { severity: 'error', path: '', message: 'the payload must be a JSON object of keyword arguments' },
            ],
        };
    }
    const given = value;
    const kwargs: Record<string, Wire> = {};
    const varKw = params.find((p) => p.kind === 'varKwargs');
    const named = new Map(params.map((p) => [p.name, p]));
    const extra: Record<string, unknown> = {};
    for (const k of Object.keys(given)) {
        const p = named.get(k);
        if (p?.kind === 'positionalOnly') {
            problems.push({
                severity: 'error',
                path: k,
                message: `TypeError: '${k}' parameter is positional only, but was passed as a keyword`,
            });
        } else if (!p || p.kind === 'varArgs' || p.kind === 'varKwargs') {
            if (varKw) extra[k] = given[k];
            else {
                problems.push({
                    severity: 'error',
                    path: k,
                    message: `TypeError: got an unexpected keyword argument '${k}'`,
                });
            }
        }
    }
    for (const p of params) {
        if (p.kind === 'varArgs') {
            // apply_defaults binds *args to () and the SDK sends it as the keyword `args=()`.
            kwargs[p.name] = { type: 'tuple', contents: [] };
            problems.push({
                severity: 'warning',
                path: p.name,
                message: `*${p.name}: the SDK sends it as the keyword ${p.name}=() (the worker may refuse it)`,
            });
            continue;
        }
        if (p.kind === 'varKwargs') {
            kwargs[p.name] = jsonToWire(extra, '', problems);
            if (Object.keys(extra).length > 0) {
                problems.push({
                    severity: 'warning',
                    path: p.name,
                    message: `**${p.name}: the SDK sends extra arguments nested as ${p.name}={...}`,
                });
            }
            continue;
        }
        if (p.kind !== 'positionalOnly' && Object.prototype.hasOwnProperty.call(given, p.name)) {
            kwargs[p.name] = jsonToWire(given[p.name], p.name, problems);
            continue;
        }
        if (!p.hasDefault) {
            problems.push({
                severity: 'error',
                path: p.name,
                message: `TypeError: missing a required argument: '${p.name}'`,
            });
            continue;
        }
        const d = p.default ? pyToJson(p.default) : undefined;
        if (d === undefined) {
            problems.push({
                severity: 'warning',
                path: p.name,
                message: `the default of ${p.name} is not a literal; the call leaves it to the worker (the SDK would send its value)`,
            });
            continue;
        }
        const before = problems.length;
        kwargs[p.name] = jsonToWire(d, p.name, problems);
        for (const q of problems.slice(before)) {
            q.message = `default ${p.name}=${p.default?.kind === 'bool' ? (d ? 'True' : 'False') : JSON.stringify(d)}: ${q.message}; pass a value`;
        }
    }
    return problems.some((p) => p.severity === 'error') ? { problems } : { kwargs, problems };
}
