// Robustness of the language server (issue 12, "How it is proven"), through the real bundle over stdio:
//  - robustness-stdlib: the machine's Python standard library as the workspace (every .py under it analysed, read
//    only): time from `initialized` to the first listDeployments answer, and the server's peak RSS;
//  - robustness-fuzz: 10,000 edits to an open deployment file, a third of them with garbage positions (null, true,
//    1.5, [], -1, a string, reversed ranges, far past the end), each followed now and then by hover, completion
//    and code-action requests: the server's peak RSS (target under 500 MB) and the error responses other than the
//    InvalidParams a garbage request is defined to get (target 0).
// One JSON object per line on stdout. Needs `node esbuild.mjs` first (`npm run bench` does it).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const bundle = path.join(root, 'dist', 'server.js');
const EDITS = Number(process.env.VAST_BENCH_FUZZ_EDITS ?? 10000);
const INVALID_PARAMS = -32602;

function startServer() {
    const child = spawn(process.execPath, [bundle, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const conn = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    conn.onRequest('workspace/configuration', (p) => p.items.map(() => ({})));
    conn.onRequest('client/registerCapability', () => null);
    conn.onRequest('window/workDoneProgress/create', () => null);
    conn.onNotification('window/logMessage', () => undefined);
    const diagnostics = new Map();
    conn.onNotification('textDocument/publishDiagnostics', (p) => diagnostics.set(p.uri, p));
    conn.listen();
    return { child, conn, diagnostics };
}

async function initialize(conn, folder) {
    const uri = folder ? pathToFileURL(folder).href : null;
    await conn.sendRequest('initialize', {
        processId: process.pid,
        rootUri: uri,
        workspaceFolders: uri ? [{ uri, name: 'bench' }] : null,
        capabilities: { workspace: { configuration: true, workspaceFolders: true } },
    });
    await conn.sendNotification('initialized', {});
}

async function stop({ child, conn }) {
    await conn.sendRequest('shutdown').catch(() => undefined);
    await conn.sendNotification('exit').catch(() => undefined);
    conn.dispose();
    child.kill();
}

/** Peak resident set size of a process (Linux VmHWM), in MB. */
function peakRssMb(pid) {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : undefined;
}

function countPy(dir) {
    let n = 0;
    const stack = [dir];
    while (stack.length) {
        const d = stack.pop();
        let entries;
        try {
            entries = fs.readdirSync(d, { withFileTypes: true });
        } catch {
            continue;
        }
        for (const e of entries) {
            if (e.isDirectory()) stack.push(path.join(d, e.name));
            else if (e.name.endsWith('.py')) n++;
        }
    }
    return n;
}

const load = () => Math.round(os.loadavg()[0] * 10) / 10;

async function benchStdlib() {
    const stdlib = ['/usr/lib/python3.13', '/usr/lib/python3.12', '/usr/lib/python3.11'].find((d) => fs.existsSync(d));
    if (!stdlib) return { bench: 'robustness-stdlib', skipped: 'no /usr/lib/python3.x here' };
    const server = startServer();
    const t0 = performance.now();
    await initialize(server.conn, stdlib);
    const list = await server.conn.sendRequest('vastDeployments/listDeployments', {});
    const firstListMs = Math.round(performance.now() - t0);
    const rss = peakRssMb(server.child.pid);
    await stop(server);
    return {
        bench: 'robustness-stdlib',
        workspace: stdlib,
        pyFiles: countPy(stdlib),
        deployments: list.length,
        firstListDeploymentsMs: firstListMs,
        peakRssMb: rss,
        load: load(),
    };
}

const APP = `from vastai import Deployment
from vastai.data.query import gpu_name, RTX_4090

app = Deployment(name="fuzz")


@app.remote(benchmark_dataset=[{"x": 2}])
async def square(x):
    return x * x


image = app.image("vastai/base-image:@vastai-automatic-tag", storage=16)
image.require(gpu_name.in_([RTX_4090]))
app.configure_autoscaling(min_load=1000)
app.ensure_ready()
`;

/** A small deterministic generator, so every run sends the same edits. */
function rng(seed) {
    let s = seed >>> 0;
    return () => {
        s = (s * 1664525 + 1013904223) >>> 0;
        return s / 2 ** 32;
    };
}

async function benchFuzz() {
    const server = startServer();
    const { conn } = server;
    await initialize(conn, null);
    const uri = 'file:///tmp/vast-bench-fuzz/app.py';
    await conn.sendNotification('textDocument/didOpen', {
        textDocument: { uri, languageId: 'python', version: 1, text: APP },
    });
    const random = rng(12);
    const pick = (xs) => xs[Math.floor(random() * xs.length)];
    const garbage = [null, true, 1.5, [], -1, '3', {}, 2 ** 40];
    const lines = () => APP.split('\n').length + 40;
    const goodPos = () => ({ line: Math.floor(random() * lines()), character: Math.floor(random() * 30) });
    const badPos = () =>
        pick([
            () => ({ line: pick(garbage), character: 0 }),
            () => ({ line: 0, character: pick(garbage) }),
            () => pick(garbage),
            () => ({ line: 1e9, character: 1e9 }),
        ])();
    const snippets = ['x', '\n', '(', ')', '"', 'async ', '@app.remote()\n', '', '  ', 'é', '\r', '#'];
    let errors = 0;
    let invalidParams = 0;
    let requests = 0;
    const pending = [];
    const request = (method, params) => {
        requests++;
        pending.push(
            conn.sendRequest(method, params).then(
                () => undefined,
                (e) => {
                    if (e?.code === INVALID_PARAMS) invalidParams++;
                    else errors++;
                },
            ),
        );
    };
    const t0 = performance.now();
    for (let i = 0; i < EDITS; i++) {
        const garbageEdit = random() < 1 / 3;
        const start = goodPos();
        let range;
        if (!garbageEdit) range = { start, end: start };
        else if (random() < 0.3) range = { start: { line: start.line + 2, character: 0 }, end: start };
        else range = { start: badPos(), end: badPos() };
        await conn.sendNotification('textDocument/didChange', {
            textDocument: { uri, version: i + 2 },
            contentChanges: [{ range, text: pick(snippets) }],
        });
        if (i % 10 === 0) {
            const position = random() < 0.3 ? badPos() : goodPos();
            const method = pick(['textDocument/hover', 'textDocument/completion', 'textDocument/codeAction']);
            request(
                method,
                method === 'textDocument/codeAction'
                    ? { textDocument: { uri }, range: { start: position, end: position }, context: { diagnostics: [] } }
                    : { textDocument: { uri }, position },
            );
        }
        // Keep the pipe from filling faster than the server reads it (it still gets bursts of 100 edits).
        if (i % 100 === 0) await Promise.all(pending.splice(0));
    }
    await Promise.all(pending.splice(0));
    // The last edit's diagnostics: the server is still answering after all of it.
    const list = await conn.sendRequest('vastDeployments/listDeployments', {});
    const ms = Math.round(performance.now() - t0);
    const rss = peakRssMb(server.child.pid);
    await stop(server);
    return {
        bench: 'robustness-fuzz',
        edits: EDITS,
        requests,
        errorResponses: errors,
        invalidParams,
        peakRssMb: rss,
        targetPeakRssMb: 500,
        ok: errors === 0 && rss < 500,
        ms,
        stillAnswering: Array.isArray(list),
        load: load(),
    };
}

console.log(JSON.stringify(await benchStdlib()));
console.log(JSON.stringify(await benchFuzz()));
