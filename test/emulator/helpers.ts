/** Test helpers: pack compat cases, call the emulator exactly as the SDK does (reference section 1). */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { compatCasesDir, repoRoot } from '../helpers/paths';

export const CASES: Record<
    string,
    { config: unknown; copies: [string, string][]; fn: string; kwargs: Record<string, unknown>; result: unknown }
> = {
    basic: { config: cfg('my-app'), copies: [], fn: 'square', kwargs: { x: 7 }, result: 49 },
    copies: {
        config: cfg('copy-demo'),
        copies: [
            ['prompts.py', './prompts.py'],
            ['assets', './assets'],
            ['assets/model.bin', '/opt/model.bin'],
        ],
        fn: 'echo',
        kwargs: { text: 'hi there' },
        result: 'hi there',
    },
    'full-image': {
        config: {
            name: 'llm-server',
            pip_installs: ['transformers==4.52.0', 'accelerate'],
            apt_gets: ['git', 'curl'],
            envs: [
                ['HF_HOME', '/workspace/hf'],
                ['GREETING', 'h\u00e9llo w\u00f6rld'],
            ],
            runs: ['echo setup && nvidia-smi', ['python', '-c', "print('warm')"]],
        },
        copies: [],
        fn: 'generate',
        kwargs: { prompt: 'Hello world', max_tokens: 5 },
        result: 'Hello',
    },
    'ignore-changes': { config: cfg('ignore-demo'), copies: [], fn: 'double', kwargs: { n: 21 }, result: 42 },
    'query-ops': { config: cfg('query-demo'), copies: [], fn: 'add', kwargs: { a: 2, b: 3 }, result: 5 },
    'system-python': { config: cfg('sys-py'), copies: [], fn: 'upper', kwargs: { s: 'abc' }, result: 'ABC' },
};

function cfg(name: string): unknown {
    return { name, pip_installs: [], apt_gets: [], envs: [], runs: [] };
}

export interface PackedCase {
    dir: string;
    tar: Buffer;
    put: Record<string, unknown>;
}

const made: string[] = [];
process.on('exit', () => {
    for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

/** A temp folder removed when the test process exits. */
export function tmpDir(prefix = 'emu-test-'): string {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    made.push(d);
    return d;
}

/**
 * Copies a compat case to a temp folder (optionally editing app.py) and packs it like the SDK. `extra.files` are
 * written into the case folder first; `extra.copies` are `image.copy(src, dst)` calls added to the case's own.
 */
export function packCase(
    name: string,
    edit?: (src: string) => string,
    config?: unknown,
    extra: { files?: Record<string, string>; copies?: [string, string][] } = {},
): PackedCase {
    const dir = path.join(tmpDir(), name);
    fs.cpSync(path.join(compatCasesDir, name), dir, { recursive: true });
    for (const [rel, text] of Object.entries(extra.files ?? {})) {
        fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
        fs.writeFileSync(path.join(dir, rel), text);
    }
    if (edit) fs.writeFileSync(path.join(dir, 'app.py'), edit(fs.readFileSync(path.join(dir, 'app.py'), 'utf8')));
    const c = CASES[name]!;
    const out = path.join(dir, '..', `${name}.tar.gz`);
    const res = JSON.parse(
        execFileSync('python3', [
            path.join(repoRoot, 'test/emulator/packer.py'),
            dir,
            out,
            JSON.stringify(config ?? c.config),
            JSON.stringify([...c.copies, ...(extra.copies ?? [])]),
        ]).toString(),
    ) as { file_hash: string; file_size: number };
    const expected = JSON.parse(fs.readFileSync(path.join(compatCasesDir, name, 'expected.json'), 'utf8')) as {
        put: Record<string, unknown>;
    };
    return {
        dir,
        tar: fs.readFileSync(out),
        put: { ...expected.put, file_hash: res.file_hash, file_size: res.file_size },
    };
}

/** `basic` shipping its own package folder `./localpkg` (setup.py only: builds offline) and pip-installing that path. */
export function packLocal(value: string, marker: string, pip: string[] = ['./localpkg']): PackedCase {
    return packCase(
        'basic',
        (s) =>
            s
                .replace('from vastai import Deployment', 'import vast_local_pkg\nfrom vastai import Deployment')
                .replace('    return x * x', `    return f"{vast_local_pkg.VALUE}:${marker}:{x * x}"`),
        { name: 'my-app', pip_installs: pip, apt_gets: [], envs: [], runs: [] },
        {
            files: {
                'localpkg/setup.py':
                    'from setuptools import setup\nsetup(name="vast-local-pkg", version="0.1", packages=["vast_local_pkg"])\n',
                'localpkg/vast_local_pkg/__init__.py': `VALUE = ${JSON.stringify(value)}\n`,
            },
            copies: [['localpkg', './localpkg']],
        },
    );
}

export interface Res {
    status: number;
    json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
    text: string;
}

/** One call shaped like the SDK's `_make_request`: Bearer header and `?api_key=`, JSON body for non-GET. */
export async function call(
    base: string,
    key: string | undefined,
    method: string,
    route: string,
    body?: unknown,
): Promise<Res> {
    const url = new URL(route, base);
    const headers: Record<string, string> = { 'user-agent': 'vastai-sdk/test' };
    if (key !== undefined) {
        url.searchParams.set('api_key', key);
        headers.authorization = `Bearer ${key}`;
    }
    if (body !== undefined) headers['content-type'] = 'application/json';
    const r = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    let json: unknown;
    try {
        json = JSON.parse(text);
    } catch {
        json = undefined;
    }
    return { status: r.status, json, text };
}

/** The SDK's S3 presigned POST: every field, then `file`. */
export async function upload(url: string, fields: Record<string, string>, tar: Buffer): Promise<Res> {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    form.append('file', new Blob([tar], { type: 'application/gzip' }), 'deploy.tar.gz');
    const r = await fetch(url, { method: 'POST', body: form });
    return { status: r.status, json: undefined, text: await r.text() };
}

/** PUT + upload, as `ensure_ready()` does. */
export async function deploy(
    base: string,
    key: string,
    packed: PackedCase,
    extra: Record<string, unknown> = {},
): Promise<Res['json']> {
    const put = await call(base, key, 'PUT', '/api/v0/deployments/', { ...packed.put, ...extra });
    if (put.status !== 200) throw new Error(`PUT failed: ${put.status} ${put.text}`);
    if (put.json.upload_url && put.json.upload_fields) {
        const up = await upload(put.json.upload_url, put.json.upload_fields, packed.tar);
        if (up.status !== 204) throw new Error(`upload failed: ${up.status} ${up.text}`);
    }
    return put.json;
}

export async function waitFor<T>(
    what: string,
    fn: () => Promise<T | undefined> | T | undefined,
    ms = 30_000,
): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
        const v = await fn();
        if (v !== undefined && v !== false) return v;
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 50));
    }
}

/** One `/route/` call as the SDK makes its first (the endpoint's key from endptjobs); the endpoint record too. */
export async function routeOnce(
    base: string,
    key: string,
    endpointId: number,
): Promise<{ ep: { api_key: string; endpoint_name: string }; route: Res }> {
    const ep = (await call(base, key, 'GET', `/api/v0/endptjobs/${endpointId}/`)).json.result;
    const route = await call(base, ep.api_key, 'POST', '/route/', {
        endpoint: ep.endpoint_name,
        api_key: ep.api_key,
        cost: 100,
        request_idx: 0,
        replay_timeout: 60,
    });
    return { ep, route };
}

/** The project's CLI (src/cli/main) in this process, against the emulator at `base` with `key`. */
export async function projectCli(
    base: string,
    key: string,
    args: string[],
    cwd: string,
): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const code = await main([...args, '--api-url', base, '--autoscaler-url', base, '--api-key', key], {
        out: (t) => (out += t + '\n'),
        err: (t) => (err += t + '\n'),
        env: { PATH: process.env.PATH },
        cwd,
        signal: new AbortController().signal,
    });
    return { code, out, err };
}

/** The SDK's remote call: endptjobs -> /route/ (polling while WAITING) -> POST {url}/remote/{fn}. */
export async function callRemote(
    base: string,
    key: string,
    endpointId: number,
    fn: string,
    kwargs: Record<string, unknown>,
    ms = 30_000,
): Promise<Res> {
    const ep = (await call(base, key, 'GET', `/api/v0/endptjobs/${endpointId}/`)).json.result;
    let idx = 0;
    // As the SDK: a refused connection (the worker went away between /route/ and the call) means route again.
    for (let attempt = 0; ; attempt++) {
        const auth = await waitFor(
            'a ready worker',
            async () => {
                const r = await call(base, ep.api_key, 'POST', '/route/', {
                    endpoint: ep.endpoint_name,
                    api_key: ep.api_key,
                    cost: 100,
                    request_idx: idx,
                    replay_timeout: 60.0,
                });
                if (r.status !== 200) throw new Error(`route failed: ${r.status} ${r.text}`);
                idx = r.json.request_idx;
                return r.json.url ? r.json : undefined;
            },
            ms,
        );
        try {
            return await call(auth.url, ep.api_key, 'POST', `/remote/${fn}`, {
                auth_data: auth,
                session_id: null,
                payload: { kwargs },
            });
        } catch (e) {
            if (attempt >= 5) throw e;
        }
    }
}

/** True while the process exists and is not a zombie (an exited child waiting to be reaped by init). */
export function pidAlive(pid: number): boolean {
    try {
        process.kill(pid, 0);
    } catch {
        return false;
    }
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
    } catch {
        return process.platform !== 'linux';
    }
}

/**
 * Deploys `basic` with a `square` that raises KeyError("five") for x == 5, calls it with 5 and returns the endpoint's
 * log once the traceback is in it. Both workers (built-in and the SDK's) run this scenario.
 */
export async function failedCallLogs(
    base: string,
    key: string,
    logsOf: (endpointId: number) => string[],
): Promise<string> {
    const put = await deploy(
        base,
        key,
        packCase('basic', (s) =>
            s.replace('    return x * x', '    if x == 5:\n        raise KeyError("five")\n    return x * x'),
        ),
        { tag: 'call-raises' },
    );
    const r = await callRemote(base, key, put.endpoint_id, 'square', { x: 5 });
    if (!r.json?.result?.err) throw new Error(`the call did not raise: ${JSON.stringify(r.json)}`);
    return waitFor('the traceback', () => {
        const l = logsOf(put.endpoint_id).join('\n');
        return /KeyError: 'five'/.test(l) ? l : undefined;
    });
}
