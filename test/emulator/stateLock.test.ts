/**
 * One emulator per state folder: a second one (another VS Code window, a reloaded tab's extension host still alive)
 * is told where the running one is instead of writing over its state and stopping its workers; a lock left by a
 * dead or unrelated process is taken over.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { startEmulator, StateInUseError, stillHolds } from '../../src/emulator';
import { call, deploy, packCase, pidAlive, tmpDir, waitFor } from './helpers';

const KEY = 'lock-key-0123456789';

void describe('emulator: one emulator per state folder', () => {
    void test('a second emulator on a running one’s state is refused with its URL and key; its workers live on', async () => {
        const state = tmpDir('lock-state-');
        const first = await startEmulator({ apiKeys: [KEY], stateDir: state });
        try {
            const put = await deploy(first.url, KEY, packCase('basic'));
            const [worker] = await waitFor('a running worker', () => {
                const w = first.workers().filter((x) => x.pid !== undefined && x.state === 'IDLE');
                return w.length > 0 ? w : undefined;
            });
            let refused: unknown;
            await startEmulator({ apiKeys: ['other-key'], stateDir: state }).then(
                (second) => second.stop(),
                (e: unknown) => (refused = e),
            );
            assert.ok(refused instanceof StateInUseError, String(refused));
            assert.equal(refused.owner.url, first.url);
            assert.equal(refused.owner.apiKey, KEY);
            assert.ok(stillHolds(state, refused.owner));
            // Nothing of the first one was touched: its worker runs, its deployment answers.
            assert.ok(pidAlive(worker!.pid!));
            const show = await call(first.url, KEY, 'GET', `/api/v0/deployment/${put.deployment_id}/`);
            assert.equal(show.status, 200, show.text);

            await first.stop();
            assert.equal(stillHolds(state, refused.owner), false, 'a stopped emulator gives its folder up');
            const second = await startEmulator({ apiKeys: [KEY], stateDir: state });
            try {
                const again = await call(second.url, KEY, 'GET', `/api/v0/deployment/${put.deployment_id}/`);
                assert.equal(again.status, 200, 'the deployment is still there for the next emulator');
            } finally {
                await second.stop();
            }
        } finally {
            await first.stop();
        }
    });

    void test('a lock left by a dead process, or by a live process that is no emulator, is taken over', async () => {
        for (const holder of ['dead', 'unrelated'] as const) {
            const state = tmpDir('lock-stale-');
            const proc = spawn('sleep', ['30'], { stdio: 'ignore' });
            if (holder === 'dead') {
                proc.kill('SIGKILL');
                await new Promise((r) => proc.once('exit', r));
            }
            // An unrelated process (a reused pid) with a URL where nothing listens.
            fs.writeFileSync(
                path.join(state, 'emulator.lock'),
                JSON.stringify({ pid: proc.pid, nonce: 'old', url: 'http://127.0.0.1:9/', apiKey: 'x' }),
            );
            try {
                const emu = await startEmulator({ apiKeys: [KEY], stateDir: state });
                await emu.stop();
            } finally {
                proc.kill('SIGKILL');
            }
        }
    });

    void test('two emulators starting at once on one folder: exactly one runs, the other names it', async () => {
        const state = tmpDir('lock-race-');
        const results = await Promise.allSettled([
            startEmulator({ apiKeys: [KEY], stateDir: state }),
            startEmulator({ apiKeys: [KEY], stateDir: state }),
        ]);
        const running = results.filter((r) => r.status === 'fulfilled').map((r) => r.value);
        const refused = results.filter((r) => r.status === 'rejected').map((r) => r.reason as unknown);
        try {
            assert.equal(running.length, 1, JSON.stringify(refused.map(String)));
            assert.ok(refused[0] instanceof StateInUseError, String(refused[0]));
            assert.equal(refused[0].owner.url, running[0]!.url);
        } finally {
            for (const e of running) await e.stop();
        }
    });
});
