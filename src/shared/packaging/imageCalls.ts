/**
 * The calls made on `app.image(...)`, evaluated in source order the way the SDK's `Image` methods apply them, and
 * `config.json` built from them.
 */
import type { DeploymentModel, PyValue, QueryTerm } from '../model';
import { bind, readable, strArg, type Collector } from './evaluate';
import { describe, jsonString, pyJsonDumps, pyStr } from './pyFormat';
import type { CopySpec } from './specTypes';

const NO_RANGE = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
const DEFAULT_PORT = {
    spec: { port: '3000', type: 'tcp' },
    value: { kind: 'int', value: 3000, range: NO_RANGE } as PyValue,
};

/** `json.dumps(asdict(Config))`: name, pip_installs, apt_gets, envs as [K, V] pairs, runs. */
export function configJsonOf(
    configName: string,
    pip: PyValue[],
    apt: PyValue[],
    envs: Map<string, PyValue>,
    runs: PyValue[],
): string {
    const list = (items: PyValue[]) => `[${items.map(pyJsonDumps).join(', ')}]`;
    const envText = `[${[...envs].map(([k, v]) => `[${jsonString(k)}, ${pyJsonDumps(v)}]`).join(', ')}]`;
    return (
        `{"name": ${jsonString(configName)}, "pip_installs": ${list(pip)}, "apt_gets": ${list(apt)}, ` +
        `"envs": ${envText}, "runs": ${list(runs)}}`
    );
}

/** A published port as Python's set holds it: `port` is `str()` of the value (`8000`, `8000.0`), `key` its equality. */
export interface PortSpec {
    port: string;
    type: string;
}

/** The `(number, type_)` of a port as Python prints and compares it (8000 == 8000.0; "8000" is another port). */
export function portOf(n: PyValue, t: PyValue | undefined, fn: string, c: Collector): PortSpec | undefined {
    if (!readable(n, fn, c) || (t && !readable(t, fn, c))) return undefined;
    const type = t === undefined ? 'tcp' : strArg(t, `${fn} type_`, c);
    if (type === undefined) return undefined;
    if (n.kind === 'int' || n.kind === 'float' || n.kind === 'str') return { port: pyStr(n), type };
    c.add(`${fn}: the port must be a number or a string here, got ${describe(n)}`, n.range);
    return undefined;
}

/** Python equality of two ports: numbers by value (8000 == 8000.0), strings by text, never a number and a string. */
function samePort(a: PortSpec, b: PortSpec, values: Map<PortSpec, PyValue>): boolean {
    if (a.type !== b.type) return false;
    const x = values.get(a);
    const y = values.get(b);
    const num = (v: PyValue | undefined) => (v && (v.kind === 'int' || v.kind === 'float') ? v : undefined);
    const nx = num(x);
    const ny = num(y);
    if (nx && ny) return nx.value === ny.value && (nx.kind !== 'int' || ny.kind !== 'int' || pyStr(nx) === pyStr(ny));
    if (nx || ny) return false;
    return a.port === b.port;
}

/** Applies every image call in source order; problems go to `c`. `workerPort` replaces the default (3000, "tcp"). */
export function readImageCalls(
    model: DeploymentModel,
    c: Collector,
    workerPort: { spec: PortSpec; value: PyValue } = DEFAULT_PORT,
) {
    const pip: PyValue[] = [];
    const apt: PyValue[] = [];
    const envs = new Map<string, PyValue>();
    const runs: PyValue[] = [];
    const requireTerms: QueryTerm[] = [];
    const copies: CopySpec[] = [];
    const ports: PortSpec[] = [workerPort.spec];
    const portValues = new Map<PortSpec, PyValue>([[workerPort.spec, workerPort.value]]);
    let venv: string | null = null;
    for (const call of model.image?.calls ?? []) {
        const fn = `Image.${call.method}()`;
        switch (call.method) {
            case 'pip_install':
            case 'apt_get': {
                const { rest } = bind(call, [], c, { varArgs: true, fn });
                for (const v of rest) if (readable(v, fn, c)) (call.method === 'pip_install' ? pip : apt).push(v);
                break;
            }
            case 'run_script': {
                const { named } = bind(call, ['script'], c, { fn });
                const v = named.get('script');
                if (v === undefined) c.add(`${fn} missing 1 required positional argument: 'script'`, call.range, true);
                else if (readable(v, fn, c)) runs.push(v);
                break;
            }
            case 'run_cmd': {
                const { rest } = bind(call, [], c, { varArgs: true, fn });
                if (rest.every((v) => readable(v, fn, c))) runs.push({ kind: 'tuple', items: rest, range: call.range });
                break;
            }
            case 'env': {
                const { extraKw } = bind(call, [], c, { varKwargs: true, fn });
                for (const a of extraKw) if (readable(a.value, fn, c)) envs.set(a.name as string, a.value);
                break;
            }
            case 'require':
                for (const v of bind(call, [], c, { varArgs: true, fn }).rest) {
                    if (v.kind === 'query') requireTerms.push(...v.terms);
                    else if (readable(v, fn, c)) c.add(`${fn} expects query terms, got ${describe(v)}`, v.range);
                }
                break;
            case 'copy': {
                const { named } = bind(call, ['src', 'dst'], c, { fn });
                const src = named.get('src');
                const dst = named.get('dst');
                if (src === undefined || dst === undefined) {
                    c.add(`${fn} needs a source and a destination`, call.range, true);
                    break;
                }
                const s = strArg(src, `${fn} source`, c);
                const d = strArg(dst, `${fn} destination`, c);
                if (s !== undefined && d !== undefined) copies.push({ src: s, dst: d, range: call.range });
                break;
            }
            case 'venv': {
                const p = bind(call, ['path'], c, { fn }).named.get('path');
                if (p === undefined) c.add(`${fn} missing 1 required positional argument: 'path'`, call.range, true);
                else venv = strArg(p, fn, c) ?? venv;
                break;
            }
            case 'use_system_python':
                bind(call, [], c, { fn });
                venv = '';
                break;
            case 'publish_port': {
                const { named } = bind(call, ['number', 'type_'], c, { fn });
                const n = named.get('number');
                if (n === undefined) {
                    c.add(`${fn} missing 1 required positional argument: 'number'`, call.range, true);
                    break;
                }
                const port = portOf(n, named.get('type_'), fn, c);
                if (port) portValues.set(port, n);
                if (port && !ports.some((p) => samePort(p, port, portValues))) ports.push(port);
                break;
            }
            default:
                c.add(`'Image' object has no attribute '${call.method}'`, call.methodRange, true);
        }
    }
    return { pip, apt, envs, runs, requireTerms, copies, ports, venv };
}
