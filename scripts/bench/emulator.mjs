/* global FormData, Blob, fetch */
// Emulator speed: deploy of the `basic` compat case to a ready worker, then 1,000 sequential and 1,000 concurrent
// (32 in flight) calls of a trivial @remote function through /route/ + the worker, over keep-alive connections.
// Prints one JSON object per line. Loads the compiled emulator from out/ (npm run bench builds it).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { Pool } from 'undici';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const { startEmulator } = require(path.join(root, 'out/src/emulator/index.js'));

const KEY = 'bench-key';
const caseDir = path.join(root, '../shared/compat/cases/basic');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'emu-bench-'));
const tarPath = path.join(work, 'basic.tar.gz');
const config = { name: 'my-app', pip_installs: [], apt_gets: [], envs: [], runs: [] };
const packed = JSON.parse(
    execFileSync('python3', [
        path.join(root, 'test/emulator/packer.py'),
        caseDir,
        tarPath,
        JSON.stringify(config),
        '[]',
    ]).toString(),
);
const expected = JSON.parse(fs.readFileSync(path.join(caseDir, 'expected.json'), 'utf8')).put;
const tar = fs.readFileSync(tarPath);

const emu = await startEmulator({ apiKeys: [KEY] });
const console_ = new Pool(emu.url, { connections: 64, pipelining: 1 });

async function req(pool, method, p, key, body) {
    const sep = p.includes('?') ? '&' : '?';
    const r = await pool.request({
        method,
        path: `${p}${sep}api_key=${encodeURIComponent(key)}`,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.body.text();
    return { status: r.statusCode, json: text ? JSON.parse(text) : undefined };
}

function stats(name, lat, wallMs) {
    lat.sort((a, b) => a - b);
    const q = (p) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))];
    return {
        bench: name,
        calls: lat.length,
        p50_ms: +q(0.5).toFixed(3),
        p95_ms: +q(0.95).toFixed(3),
        throughput_per_s: +((lat.length / wallMs) * 1000).toFixed(1),
        // Wall time per call: with 32 in flight on one FIFO worker, p50 is mostly queueing behind the other calls.
        wall_ms_per_call: +(wallMs / lat.length).toFixed(3),
        target_p50_ms: 5,
    };
}

try {
    const t0 = performance.now();
    const put = await req(console_, 'PUT', '/api/v0/deployments/', KEY, {
        ...expected,
        file_hash: packed.file_hash,
        file_size: packed.file_size,
    });
    const form = new FormData();
    for (const [k, v] of Object.entries(put.json.upload_fields)) form.append(k, v);
    form.append('file', new Blob([tar], { type: 'application/gzip' }), 'basic.tar.gz');
    const up = await fetch(put.json.upload_url, { method: 'POST', body: form });
    if (up.status !== 204) throw new Error(`upload failed: ${up.status}`);
    const ep = (await req(console_, 'GET', `/api/v0/endptjobs/${put.json.endpoint_id}/`, KEY)).json.result;
    const routeBody = {
        endpoint: ep.endpoint_name,
        api_key: ep.api_key,
        cost: 100,
        request_idx: 0,
        replay_timeout: 60.0,
    };
    let auth;
    for (;;) {
        auth = (await req(console_, 'POST', '/route/', ep.api_key, routeBody)).json;
        if (auth.url) break;
        routeBody.request_idx = auth.request_idx;
        await new Promise((r) => setTimeout(r, 20));
    }
    const worker = new Pool(auth.url, { connections: 64, pipelining: 1 });
    const callOnce = async () => {
        const a = (await req(console_, 'POST', '/route/', ep.api_key, { ...routeBody, request_idx: 0 })).json;
        const r = await req(worker, 'POST', '/remote/square', ep.api_key, {
            auth_data: a,
            session_id: null,
            payload: { kwargs: { x: 3 } },
        });
        if (r.status !== 200 || r.json.result.ok !== 9)
            throw new Error(`bad answer ${r.status} ${JSON.stringify(r.json)}`);
    };
    await callOnce();
    console.log(JSON.stringify({ bench: 'emulator-deploy-basic-to-ready', ms: +(performance.now() - t0).toFixed(1) }));

    for (let i = 0; i < 50; i++) await callOnce(); // warm-up
    const seq = [];
    let w0 = performance.now();
    for (let i = 0; i < 1000; i++) {
        const s = performance.now();
        await callOnce();
        seq.push(performance.now() - s);
    }
    console.log(JSON.stringify(stats('emulator-remote-sequential', seq, performance.now() - w0)));

    const conc = [];
    let next = 0;
    w0 = performance.now();
    await Promise.all(
        Array.from({ length: 32 }, async () => {
            while (next < 1000) {
                next++;
                const s = performance.now();
                await callOnce();
                conc.push(performance.now() - s);
            }
        }),
    );
    console.log(JSON.stringify(stats('emulator-remote-concurrent-32', conc, performance.now() - w0)));
    await worker.close();
} finally {
    await console_.close();
    await emu.stop();
    fs.rmSync(work, { recursive: true, force: true });
}

// Deploy-to-ready of each example from the CLI (`deploy --wait --json`: its own timings), against a fresh emulator
// per worker kind: the built-in worker, and the SDK's own worker when ../shared/oracle is there. Target: under 1 s.
// The emulator starts as the editor's and the CLI's do (a warm worker process from the start); between two deploys
// it gets 1.5 s, about what a user takes, to have its next warm process ready.
const { execFile } = await import('node:child_process');
// Asynchronous: the emulator runs in this process and must keep answering while the CLI deploys.
const runCli = (args, options) =>
    new Promise((resolve) => {
        execFile(process.execPath, args, options, (err, stdout, stderr) =>
            resolve({ status: err ? (err.code ?? 1) : 0, stdout, stderr }),
        );
    });
const oracle = path.join(root, '../shared/oracle');
const kinds = [{ worker: 'builtin' }];
if (fs.existsSync(path.join(oracle, 'vastai')))
    kinds.push({ worker: 'sdk', python: '/usr/bin/python3', sdkPath: oracle });
for (const kind of kinds) {
    const e = await startEmulator({ apiKeys: [KEY], warmWorker: 'eager', ...kind });
    try {
        for (const name of fs.readdirSync(path.join(root, 'examples')).filter((n) => !n.includes('.'))) {
            await new Promise((r) => setTimeout(r, 1500));
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emu-bench-ex-'));
            fs.cpSync(path.join(root, 'examples', name), dir, { recursive: true });
            const t = performance.now();
            const r = await runCli([path.join(root, 'dist/cli.js'), 'deploy', 'app.py', '--yes', '--wait', '--json'], {
                cwd: dir,
                env: {
                    PATH: process.env.PATH,
                    HOME: dir,
                    VAST_API_URL: e.url,
                    VAST_AUTOSCALER_URL: e.url,
                    VAST_API_KEY: KEY,
                },
                encoding: 'utf8',
            });
            const wall = performance.now() - t;
            fs.rmSync(dir, { recursive: true, force: true });
            if (r.status !== 0) {
                console.log(
                    JSON.stringify({
                        bench: `emulator-deploy-to-ready-${kind.worker}`,
                        example: name,
                        error: (r.stderr || '').trim().split('\n').slice(-3).join(' | '),
                    }),
                );
                continue;
            }
            const res = JSON.parse(r.stdout);
            console.log(
                JSON.stringify({
                    bench: `emulator-deploy-to-ready-${kind.worker}`,
                    example: name,
                    worker: e.runtime.description,
                    sandbox: e.runtime.sandbox,
                    deploy_to_ready_ms: res.timings.total,
                    wait_ms: res.timings.wait,
                    cli_wall_ms: +wall.toFixed(1),
                    target_ms: 1000,
                    ratio: +(res.timings.total / 1000).toFixed(2),
                }),
            );
        }
    } finally {
        await e.stop();
    }
}
