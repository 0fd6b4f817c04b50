/**
 * The official SDK's client over the whole flow against the emulator, with the SDK's own worker serving:
 * ensure_ready and every argument kind, benchmark_generator, context/get_context, a soft update (the SDK calls
 * /update_workers/), stop/start/show/teardown with the SDK's `vastai` CLI, and the ttl heartbeat with a float ttl.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmulator, type EmulatorHandle } from '../../src/emulator';
import { fixturesDir, sharedDir } from '../helpers/paths';
import { call, tmpDir, waitFor } from './helpers';

const KEY = 'sdk-flow-key-0123456789';
const ORACLE = path.join(sharedDir, 'oracle');
const PY = '/usr/bin/python3';

interface Run {
    code: number;
    stdout: string;
    stderr: string;
}

function py(args: string[], cwd: string, env: Record<string, string> = {}, timeoutMs = 150_000): Promise<Run> {
    return new Promise((resolve) => {
        execFile(
            PY,
            args,
            {
                cwd,
                timeout: timeoutMs,
                env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cwd, PYTHONPATH: ORACLE, ...env },
            },
            (err, stdout, stderr) =>
                resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
        );
    });
}

const lastJson = (r: Run): unknown => JSON.parse(r.stdout.trim().split('\n').pop() ?? 'null');

void describe('the SDK client against the emulator (SDK worker)', () => {
    let emu: EmulatorHandle;
    let dir = '';
    let deploymentId = 0;
    const sdk = (func: string, env: Record<string, string> = {}) =>
        py([path.join(ORACLE, 'sdk.py'), 'run', 'app.py', emu.url, KEY, func], dir, env);
    const vastai = (...args: string[]) =>
        py(
            [
                '-c',
                'import sys; from vastai.cli.main import main; sys.argv[0] = "vastai"; main()',
                '--url',
                emu.url,
                '--raw',
                ...args,
            ],
            dir,
            { VAST_API_KEY: KEY },
        );

    before(async () => {
        emu = await startEmulator({ apiKeys: [KEY], python: PY, sdkPath: ORACLE, worker: 'sdk' });
        dir = tmpDir('sdk-flow-');
        fs.copyFileSync(path.join(fixturesDir, 'sdkflow', 'app.py'), path.join(dir, 'app.py'));
    });
    after(async () => {
        await emu.stop();
    });

    void test(
        'ensure_ready, then every argument kind, get_context and a raised exception',
        { timeout: 180_000 },
        async () => {
            const r = await sdk('scenario');
            assert.equal(r.code, 0, r.stderr.slice(-3000));
            assert.deepEqual(lastJson(r), {
                square: 49,
                kinds: [
                    3,
                    's',
                    1.5,
                    null,
                    '00ff',
                    [1, [2]],
                    [3, 4],
                    'tuple',
                    { k: { n: 1 } },
                    ['Point', 1, 2],
                    'given',
                ],
                scaled: 40,
                boom: 'ValueError',
            });
            const list = await call(emu.url, KEY, 'GET', '/api/v0/deployments/');
            const dep = list.json.deployments.find((d: { name: string }) => d.name === 'sdk-flow');
            deploymentId = dep.id;
            // benchmark_generator drove the startup benchmark of the SDK's worker.
            assert.match(emu.logs(dep.endpoint_id).join('\n'), /Benchmark complete/);
        },
    );

    void test(
        'show deployment and show deployments (no trailing slash) with the SDK CLI',
        { timeout: 60_000 },
        async () => {
            const r = await vastai('show', 'deployment', String(deploymentId));
            assert.equal(r.code, 0, r.stderr);
            assert.match(r.stdout, /sdk-flow/);
            const all = await vastai('show', 'deployments');
            assert.equal(all.code, 0, all.stderr);
            assert.match(all.stdout, /sdk-flow/);
        },
    );

    void test(
        'the same file again from a new SDK process: its ports in another order are no update',
        { timeout: 180_000 },
        async () => {
            const before = emu.workers().filter((w) => w.deploymentId === deploymentId && w.state === 'IDLE');
            const versions = (await call(emu.url, KEY, 'GET', `/api/v0/deployment/${deploymentId}/`)).json.deployment;
            for (let i = 0; i < 3; i++) {
                const r = await sdk('updated');
                assert.equal(r.code, 0, r.stderr.slice(-3000));
                assert.equal(lastJson(r), 9);
            }
            const after = emu.workers().filter((w) => w.deploymentId === deploymentId && w.state === 'IDLE');
            assert.deepEqual(
                after.map((w) => w.id),
                before.map((w) => w.id),
                'the same workers serve: no hard_update restarted them',
            );
            const now = (await call(emu.url, KEY, 'GET', `/api/v0/deployment/${deploymentId}/`)).json.deployment;
            assert.equal(now.current_version_id, versions.current_version_id);
        },
    );

    void test('a soft update: the SDK calls /update_workers/, the new code answers', { timeout: 180_000 }, async () => {
        const file = path.join(dir, 'app.py');
        fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('VERSION = 1', 'VERSION = 2'));
        const r = await sdk('updated');
        assert.equal(r.code, 0, r.stderr.slice(-3000));
        assert.equal(lastJson(r), 10);
        const show = await call(emu.url, KEY, 'GET', `/api/v0/deployment/${deploymentId}/`);
        const current = show.json.deployment.current_version_id;
        await waitFor(
            'only new-version workers left',
            () => {
                const live = emu.workers().filter((w) => w.deploymentId === deploymentId && w.state !== 'STOPPED');
                return live.length > 0 && live.every((w) => w.versionId === current) ? true : undefined;
            },
            30_000,
        );
    });

    void test('stop, then start, with the SDK CLI', { timeout: 120_000 }, async () => {
        const stop = await vastai('stop', 'deployment', String(deploymentId));
        assert.equal(stop.code, 0, stop.stderr);
        await waitFor('workers stopped', () =>
            emu.workers().filter((w) => w.deploymentId === deploymentId && w.state !== 'STOPPED').length === 0
                ? true
                : undefined,
        );
        const start = await vastai('start', 'deployment', String(deploymentId));
        assert.equal(start.code, 0, start.stderr);
        const r = await sdk('updated');
        assert.equal(lastJson(r), 10, r.stderr.slice(-2000));
    });

    void test('teardown with the SDK CLI', { timeout: 60_000 }, async () => {
        const r = await vastai('delete', 'deployment', String(deploymentId));
        assert.equal(r.code, 0, r.stderr);
        const show = await call(emu.url, KEY, 'GET', `/api/v0/deployment/${deploymentId}/`);
        assert.equal(show.status, 404);
    });

    void test('ttl (a float): the heartbeat keeps it past the ttl, then it goes', { timeout: 180_000 }, async () => {
        const r = await sdk('outlive_ttl', { FLOW_TTL: '3.0' });
        assert.equal(r.code, 0, r.stderr.slice(-3000));
        const version = Number(/^VERSION = (\d+)$/m.exec(fs.readFileSync(path.join(dir, 'app.py'), 'utf8'))![1]);
        assert.equal(lastJson(r), 25 + version - 1);
        const list = await call(emu.url, KEY, 'GET', '/api/v0/deployments/');
        const dep = list.json.deployments.find((d: { name: string }) => d.name === 'sdk-flow');
        assert.ok(dep, 'alive right after the SDK process ended');
        await waitFor(
            'the ttl teardown',
            async () =>
                (await call(emu.url, KEY, 'GET', `/api/v0/deployment/${dep.id}/`)).status === 404 ? true : undefined,
            15_000,
        );
    });
});
