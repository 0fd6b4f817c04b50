// Serve on save: the time from saving a file (a code change: soft update) to a ready worker of the new version, for
// each example, through the same ServeSession the CLI's `serve` and the editor's "Serve Locally" use, against an
// in-process emulator. Target: 1 s. One JSON line per example and worker (median and max of VAST_BENCH_SAVES saves,
// default 5, 2 s apart): the built-in worker, and the SDK's own worker when ../shared/oracle is there (Debian's
// python3).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const { startEmulator } = require(path.join(root, 'out/src/emulator/index.js'));
const { VastClient } = require(path.join(root, 'out/src/pipeline/api/index.js'));
const { ServeSession } = require(path.join(root, 'out/src/pipeline/run/index.js'));

const SAVES = Number(process.env.VAST_BENCH_SAVES ?? 5);
const TARGET_MS = 1000;
const PAUSE_MS = Number(process.env.VAST_BENCH_SAVE_PAUSE_MS ?? 2000);

const oracle = path.resolve(root, '../shared/oracle');
const runtimes = [{ worker: 'builtin' }];
if (fs.existsSync(path.join(oracle, 'vastai'))) {
    runtimes.push({ worker: 'sdk', sdkPath: oracle, python: '/usr/bin/python3' });
}

for (const runtime of runtimes) {
    const emu = await startEmulator({ apiKeys: ['bench-key'], ...runtime });
    const client = new VastClient({ apiKey: 'bench-key', webserverUrl: emu.url, autoscalerUrl: emu.url });
    try {
        for (const example of fs.readdirSync(path.join(root, 'examples')).sort()) {
            const src = path.join(root, 'examples', example, 'app.py');
            if (!fs.existsSync(src)) continue;
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), `serve-bench-${example}-`));
            fs.cpSync(path.dirname(src), dir, { recursive: true });
            const file = path.join(dir, 'app.py');
            let onReady;
            const session = new ServeSession({
                client,
                file,
                logPollMs: 0,
                onEvent: (e) => {
                    if (e.kind === 'ready' || e.kind === 'refused' || e.kind === 'failed') onReady?.(e);
                },
            });
            const first = new Promise((r) => (onReady = r));
            await session.start();
            const start = await first;
            if (start.kind !== 'ready') throw new Error(`${example}: ${JSON.stringify(start)}`);
            const times = [];
            for (let i = 0; i < SAVES; i++) {
                // A user reads the result before saving again: that pause lets the emulator's next warm worker
                // process finish its imports (it starts when a worker becomes ready), as it would in real use.
                await new Promise((r) => setTimeout(r, PAUSE_MS));
                const next = new Promise((r) => (onReady = r));
                // A code change: a new comment changes the package hash, so the save is a soft update.
                fs.appendFileSync(file, `\n# bench edit ${i}\n`);
                const e = await next;
                if (e.kind !== 'ready') throw new Error(`${example}: ${JSON.stringify(e)}`);
                times.push(e.readyMs);
            }
            await session.stop();
            times.sort((a, b) => a - b);
            const median = times[Math.floor(times.length / 2)];
            console.log(
                JSON.stringify({
                    bench: 'serve',
                    worker: runtime.worker,
                    example,
                    saves: SAVES,
                    saveToReadyMs: { median, max: times[times.length - 1], all: times },
                    targetMs: TARGET_MS,
                    ratio: Math.round((median / TARGET_MS) * 100) / 100,
                    firstDeployMs: start.readyMs,
                }),
            );
        }
    } finally {
        await emu.stop();
    }
}
