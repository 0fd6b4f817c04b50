/**
 * Issue 12 items 5 and 6: no worker outlives a kill -9'd emulator, a restart on the same state stops leftovers before
 * starting new workers beside them, and an upload the emulator acknowledged survives a kill -9 right after its 204.
 * Bounded: one deployment per emulator, every wait capped.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, test } from 'node:test';
import { startEmulator } from '../../src/emulator';
import { call, deploy, packCase, pidAlive, tmpDir, upload, waitFor } from '../emulator/helpers';
import { repoRoot } from '../helpers/paths';

const KEY = 'orphan-key-0123456789abcdef';

/** Starts `vast-deployments emulator` in a child node process; the key comes from the environment. */
async function started(state: string, extra: string[] = []) {
    const entry = path.join(repoRoot, 'out/src/emulator/cli.js');
    const child = spawn(
        process.execPath,
        [
            '-e',
            `require(${JSON.stringify(entry)}).runEmulatorCli(process.argv.slice(1)).then((c) => process.exit(c))`,
            '--',
            '--state',
            state,
            ...extra,
        ],
        { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, VAST_EMULATOR_API_KEY: KEY } },
    );
    const got: string[] = [];
    createInterface({ input: child.stdout! }).on('line', (l) => got.push(l));
    await waitFor('the emulator to start', () => (got.some((l) => l.startsWith('Admin token: ')) ? true : undefined));
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(got.join('\n'))![1]!;
    const admin = /Admin token: (\S+)/.exec(got.join('\n'))![1]!;
    return { child, url, admin, got };
}

async function workerPids(url: string, admin: string): Promise<number[]> {
    const r = await call(url, admin, 'GET', '/__emulator/workers');
    return r.json.workers.map((w: { pid: number | null }) => w.pid).filter((p: number | null) => p !== null);
}

for (const sandbox of [true, false]) {
    void describe(`adversarial: kill -9 of the emulator (${sandbox ? 'sandboxed' : 'no sandbox'})`, () => {
        void test(
            'its workers die with it; a restart on the same state finds none left',
            { timeout: 90_000 },
            async () => {
                const state = tmpDir('orphan-state-');
                const extra = sandbox ? [] : ['--no-sandbox'];
                const first = await started(state, extra);
                const put = await deploy(first.url, KEY, packCase('basic'));
                const pids = await waitFor('a running worker', async () => {
                    const p = await workerPids(first.url, first.admin);
                    return p.length > 0 ? p : undefined;
                });
                assert.ok(pids.every(pidAlive));
                assert.ok(put.endpoint_id > 0);
                first.child.kill('SIGKILL');
                await waitFor(
                    'the workers to die with the emulator',
                    () => (pids.some(pidAlive) ? undefined : true),
                    10_000,
                );
                const second = await started(state, extra);
                const again = await waitFor('the restarted worker', async () => {
                    const p = await workerPids(second.url, second.admin);
                    return p.length > 0 ? p : undefined;
                });
                assert.deepEqual(pids.filter(pidAlive), []);
                assert.ok(again.every((p) => !pids.includes(p)));
                second.child.kill('SIGTERM');
                await new Promise((r) => second.child.on('exit', r));
                assert.deepEqual(again.filter(pidAlive), []);
            },
        );
    });
}

void describe('adversarial: leftovers of a previous run are stopped at start', () => {
    void test(
        "a process under this state's workers/ folder is stopped before new workers start",
        { timeout: 60_000 },
        async () => {
            const state = tmpDir('orphan-left-');
            // A stand-in for a worker that escaped its parent: its command line names this state's worker folder.
            const stray = spawn(
                'python3',
                ['-c', 'import time; time.sleep(60)', path.join(path.resolve(state), 'workers', 'worker-42')],
                {
                    detached: true,
                    stdio: 'ignore',
                },
            );
            stray.unref();
            assert.ok(pidAlive(stray.pid!));
            const emu = await startEmulator({ apiKeys: [KEY], stateDir: state });
            try {
                assert.equal(pidAlive(stray.pid!), false);
                assert.match(emu.runtime.notices.join('\n'), /Stopped 1 leftover worker process/);
            } finally {
                await emu.stop();
            }
        },
    );
});

void describe('adversarial: kill -9 of the emulator right after it acknowledged an upload', () => {
    void test(
        'the deployment and its code are there after a restart (3 of 3 were lost before)',
        { timeout: 60_000 },
        async () => {
            const packed = packCase('basic');
            for (let attempt = 0; attempt < 3; attempt++) {
                const state = tmpDir('ack-state-');
                const first = await started(state, ['--max-workers', '0']);
                const put = await call(first.url, KEY, 'PUT', '/api/v0/deployments/', packed.put);
                assert.equal(put.status, 200, put.text);
                const exited = new Promise((r) => first.child.once('exit', r));
                const up = await upload(put.json.upload_url, put.json.upload_fields, packed.tar);
                // Killed the moment the answer is read: whatever the emulator had not made durable by then is lost.
                first.child.kill('SIGKILL');
                assert.equal(up.status, 204, up.text);
                await exited;
                const second = await started(state, ['--max-workers', '0']);
                try {
                    const dl = await call(
                        second.url,
                        KEY,
                        'GET',
                        `/api/v0/deployment/${put.json.deployment_id}/download_url/`,
                    );
                    assert.equal(dl.status, 200, `attempt ${attempt + 1}: ${dl.text}`);
                    const code = Buffer.from(await (await fetch(dl.json.download_url)).arrayBuffer());
                    assert.ok(
                        code.equals(packed.tar),
                        `attempt ${attempt + 1}: the stored code differs from the upload`,
                    );
                } finally {
                    second.child.kill('SIGKILL');
                }
            }
        },
    );
});
