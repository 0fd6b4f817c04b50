/**
 * The SDK's argument serialization for `@remote` calls (`vastai/serverless/remote/serialization.py`, reference §1.2).
 *
 * `int`, `str`, `float`, `None` are sent as-is; `bool` raises (the SDK refuses it); `bytes`, `list`, `tuple`, `dict`
 * and objects get `{"type": ...}` envelopes. Values come either from the analysis model ({@link PyValue}, which keeps
 * int/float/tuple apart) or from plain JSON-like JS values (CLI `--kwargs`).
 */
import type { PyValue, RemoteFunction } from './model';

/** The SDK's wire form of one value. */
export type Wire =
    | number
    | string
    | null
    | { type: 'bytes'; contents: string }
    | { type: 'list' | 'tuple'; contents: Wire[] }
    | { type: 'dict'; contents: [Wire, Wire][] }
    | {
          type: 'obj';
          module: { type: 'relative' | 'absolute'; path: string[] };
          class: string;
          contents: Record<string, Wire>;
      };

/** The value cannot be sent (the SDK raises `TypeError` for the same values). */
export class SerializationError extends TypeError {
    constructor(typeName: string) {
        super(`Object of type ${typeName} is not JSON serializable!`);
        // Named like the SDK's exception so messages read the same.
        this.name = 'TypeError';
    }
}

/** A Python `bytes` value on the TS side. */
export function isBytes(v: unknown): v is Uint8Array {
    return v instanceof Uint8Array;
}

function b64encode(bytes: Uint8Array): string {
    let bin = '';
    for (const b of bytes) bin += String.fromCharCode(b);
    return btoa(bin);
}

function b64decode(s: string): Uint8Array {
    const bin = atob(s);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
}

/**
 * Serializes a JS value as the SDK would serialize the matching Python value: `null` → None, number → int/float,
 * string, `Uint8Array` → bytes, array → list, plain object → dict. Booleans throw (the SDK refuses `bool`).
 */
export function serializeJs(v: unknown): Wire {
    if (v === null || v === undefined) return null;
    if (typeof v === 'number') {
        if (!Number.isFinite(v)) throw new SerializationError('float (non-finite)');
        return v;
    }
    if (typeof v === 'string') return v;
    if (typeof v === 'boolean') throw new SerializationError('bool');
    if (isBytes(v)) return { type: 'bytes', contents: b64encode(v) };
    if (Array.isArray(v)) return { type: 'list', contents: v.map(serializeJs) };
    if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
        return { type: 'dict', contents: Object.entries(v).map(([k, x]) => [k, serializeJs(x)] as [Wire, Wire]) };
    }
    throw new SerializationError(typeof v === 'object' ? (v.constructor?.name ?? 'object') : typeof v);
}

/** Serializes a statically read Python value. Dynamic values, lambdas and queries cannot be sent. */
export function serializePy(v: PyValue): Wire {
    switch (v.kind) {
        case 'int':
        case 'float':
            return v.value;
        case 'str':
            return v.value;
        case 'none':
            return null;
        case 'bool':
            throw new SerializationError('bool');
        case 'list':
        case 'tuple':
            return { type: v.kind, contents: v.items.map(serializePy) };
        case 'set':
            throw new SerializationError('set');
        case 'dict':
            return {
                type: 'dict',
                contents: v.entries.map((e) => [serializePy(e.key), serializePy(e.value)] as [Wire, Wire]),
            };
        case 'query':
            throw new SerializationError('Query');
        case 'lambda':
            throw new SerializationError('function');
        case 'dynamic':
            throw new SerializationError(`<not a literal: ${v.text}>`);
    }
}

/** The `kwargs` payload for a call: every argument by name (the SDK binds and sends all as kwargs). */
export function serializeKwargs(kwargs: Record<string, unknown>): Record<string, Wire> {
    return Object.fromEntries(Object.entries(kwargs).map(([k, v]) => [k, serializeJs(v)]));
}

/** A Python object that came back (`{"type":"obj"}`), kept as data: the class and its attributes. */
export interface PyObject {
    __class__: string;
    __module__: string;
    [attr: string]: unknown;
}

function moduleName(m: { type: string; path: string[] } | undefined): string {
    if (!m) return '';
    return m.type === 'relative' ? ['deployment', ...m.path].join('.') : m.path.join('.');
}

/**
 * Turns a wire value back into JS: bytes → Uint8Array, list/tuple → array, dict → plain object when every key is a
 * string (else an array of `[k, v]` pairs), obj → {@link PyObject}. Throws on an unknown envelope.
 */
export function deserialize(w: unknown): unknown {
    if (w === null || typeof w === 'number' || typeof w === 'string') return w;
    if (typeof w !== 'object' || Array.isArray(w)) throw new Error(`Cannot deserialize ${JSON.stringify(w)}`);
    const o = w as Record<string, unknown>;
    switch (o.type) {
        case 'bytes':
            return b64decode(String(o.contents));
        case 'list':
        case 'tuple':
            return (o.contents as unknown[]).map(deserialize);
        case 'dict': {
            const pairs = (o.contents as [unknown, unknown][]).map(([k, v]) => [deserialize(k), deserialize(v)]);
            return pairs.every(([k]) => typeof k === 'string') ? Object.fromEntries(pairs) : pairs;
        }
        case 'obj': {
            const attrs = Object.entries((o.contents ?? {}) as Record<string, unknown>).map(([k, v]) => [
                k,
                deserialize(v),
            ]);
            return {
                __class__: String(o.class),
                __module__: moduleName(o.module as { type: string; path: string[] }),
                ...Object.fromEntries(attrs),
            };
        }
        default:
            throw new Error(`Cannot deserialize a value of type ${JSON.stringify(o.type)}`);
    }
}

/** The exception class named by a serialized `err` (`ValueError`, `mymod.MyError`). */
export function exceptionClassName(err: unknown): string {
    const o = (err ?? {}) as { type?: string; class?: unknown; module?: { type: string; path: string[] } };
    if (o.type !== 'obj' || typeof o.class !== 'string') return 'an exception';
    const mod = moduleName(o.module);
    return mod === '' || mod === 'builtins' ? o.class : `${mod}.${o.class}`;
}

/** The kwargs a benchmark sends, from the function's `benchmark_dataset` items or its generator lambda's literal. */
export type BenchmarkInputs =
    { ok: true; kind: 'dataset' | 'generator'; items: Record<string, Wire>[] } | { ok: false; error: string };

function kwargsOf(v: PyValue, what: string): Record<string, Wire> {
    if (v.kind !== 'dict') throw new SerializationError(`${what} (expected a dict of keyword arguments)`);
    const out: Record<string, Wire> = {};
    for (const e of v.entries) {
        if (e.key.kind !== 'str') throw new SerializationError(`${what} key (keyword names must be strings)`);
        out[e.key.value] = serializePy(e.value);
    }
    return out;
}

/**
 * Reads the benchmark inputs of a `@remote` function: every dataset item (a dict of kwargs), or the dict the
 * generator lambda returns when it is a literal. Dynamic values cannot be sent from the editor.
 */
export function benchmarkInputs(remote: RemoteFunction): BenchmarkInputs {
    const b = remote.benchmark;
    if (!b) return { ok: false, error: `${remote.name} has no benchmark_dataset or benchmark_generator` };
    try {
        const v = b.arg.value;
        if (b.kind === 'dataset') {
            if (v.kind !== 'list' && v.kind !== 'tuple') {
                return { ok: false, error: `benchmark_dataset of ${remote.name} must be a literal list of dicts` };
            }
            if (v.items.length === 0) return { ok: false, error: `benchmark_dataset of ${remote.name} is empty` };
            return { ok: true, kind: 'dataset', items: v.items.map((i) => kwargsOf(i, 'benchmark_dataset item')) };
        }
        if (v.kind !== 'lambda' || v.params.length > 0) {
            return { ok: false, error: `benchmark_generator of ${remote.name} must be a lambda without parameters` };
        }
        return { ok: true, kind: 'generator', items: [kwargsOf(v.body, 'benchmark_generator result')] };
    } catch (e) {
        return { ok: false, error: `Cannot send the benchmark input of ${remote.name}: ${(e as Error).message}` };
    }
}
