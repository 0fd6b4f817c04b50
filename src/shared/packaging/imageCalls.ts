/**
 * The calls made on `app.image(...)`, evaluated in source order the way the SDK's `Image` methods apply them, and
 * `config.json` built from them.
 */
import type { DeploymentModel, PyValue, QueryTerm } from '../model';
import { bind, numArg, readable, strArg, type Collector } from './evaluate';
import { describe, jsonString, pyJsonDumps } from './pyFormat';
import type { CopySpec } from './specTypes';

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

/** Applies every image call in source order; problems go to `c`. */
export function readImageCalls(model: DeploymentModel, c: Collector) {
    const pip: PyValue[] = [];
    const apt: PyValue[] = [];
    const envs = new Map<string, PyValue>();
    const runs: PyValue[] = [];
    const requireTerms: QueryTerm[] = [];
    const copies: CopySpec[] = [];
    const ports: { port: number; type: string }[] = [{ port: 3000, type: 'tcp' }];
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
                const t = named.get('type_');
                const port = n === undefined ? undefined : numArg(n, fn, c);
                const type = t === undefined ? 'tcp' : strArg(t, fn, c);
                if (n === undefined) c.add(`${fn} missing 1 required positional argument: 'number'`, call.range, true);
                if (
                    port !== undefined &&
                    type !== undefined &&
                    !ports.some((p) => p.port === port && p.type === type)
                ) {
                    ports.push({ port, type });
                }
                break;
            }
            default:
                c.add(`'Image' object has no attribute '${call.method}'`, call.methodRange, true);
        }
    }
    return { pip, apt, envs, runs, requireTerms, copies, ports, venv };
}
