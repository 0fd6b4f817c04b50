/**
 * The warm worker process: a worker takes a process whose imports are done, gets its own ids, tokens and env; a
 * deployment whose env acts at interpreter start gets a cold process; nothing is left running after stop.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmulator, type EmulatorHandle } from '../../src/emulator';
import { callRemote, deploy, packCase, waitFor } from './helpers';
import { SDK_PATH } from './sdkWorker.test';

const K = 'warm-worker-key';
const WARM = /\(a warm process: its imports are done\)/;

/** `square` answers what the worker process sees: its env and how its interpreter started. */
const reportEnv = (src: string) =>
    src
        .replace('from vastai import Deployment', 'import os, sys\nfrom vastai import Deployment')
        .replace(
            '    return x * x',
            '    return [x * x, os.environ.get("GREETING"), os.environ.get("CONTAINER_ID"), os.environ.get("DEPLOYMENT_ID"), sys.flags.utf8_mode]',
        );

function ready(emu: EmulatorHandle, endpointId: number) {
    return waitFor(
        'a worker in IDLE',
        () => {
            const w = emu
                .workers()
                .find((x) => x.endpointId === endpointId && (x.state === 'IDLE' || x.state === 'ERROR'));
            if (w?.state === 'ERROR') throw new Error(`worker failed: ${w.msg}`);
            return w;
        },
        60_000,
    );
}

/** Processes whose command line names this emulator's worker folders. */
function workerProcesses(stateDir: string): string[] {
    const out: string[] = [];
    for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
        try {
            const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
            if (cmd.includes(`${stateDir}/workers/worker-`)) out.push(cmd);
        } catch {
            // gone meanwhile
        }
    }
    return out;
}

function processDirs(stateDir: string): Set<string> {
    return new Set(workerProcesses(stateDir).map((c) => /\/workers\/(worker-[^/ ]+)/.exec(c)?.[1] ?? c));
}

function spareDirs(stateDir: string): string[] {
    const dir = path.join(stateDir, 'workers');
    return fs.existsSync(dir) ? fs.readdirSync(dir).filter((d) => d.startsWith('worker-spare-')) : [];
}

for (const kind of ['builtin', 'sdk'] as const) {
    void describe(`emulator: the warm worker process (${kind} worker)`, () => {
        let emu: EmulatorHandle;
        const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'warm-worker-'));
        before(async () => {
            emu = await startEmulator({
                stateDir,
                apiKeys: [K],
                python: '/usr/bin/python3',
                worker: kind,
                ...(kind === 'sdk' ? { sdkPath: SDK_PATH } : {}),
            });
        });
        after(async () => {
            await emu?.stop();
        });

        void test('a new worker takes the warm process and gets its own ids and env', async () => {
            const put = await deploy(emu.url, K, packCase('basic', reportEnv), {
                env: '-p 3000:3000/tcp -e GREETING=hello -e REPORT_ADDR=https://run.vast.ai',
            });
            const w = await ready(emu, put.endpoint_id);
            const logs = emu.logs(put.endpoint_id).join('\n');
            assert.match(logs, WARM, logs);
            const r = await callRemote(emu.url, K, put.endpoint_id, 'square', { x: 3 });
            assert.equal(r.status, 200, r.text);
            assert.deepEqual(r.json.result.ok.contents, [9, 'hello', String(w.id), String(put.deployment_id), 0]);
        });

        void test('env that acts at interpreter start gets a cold process started with it', async () => {
            const put = await deploy(emu.url, K, packCase('basic', reportEnv), {
                tag: 'utf8',
                env: '-p 3000:3000/tcp -e PYTHONUTF8=1 -e GREETING=cold',
            });
            const w = await ready(emu, put.endpoint_id);
            const logs = emu.logs(put.endpoint_id).join('\n');
            assert.doesNotMatch(logs, WARM);
            const r = await callRemote(emu.url, K, put.endpoint_id, 'square', { x: 2 });
            assert.deepEqual(r.json.result.ok.contents, [4, 'cold', String(w.id), String(put.deployment_id), 1]);
        });

        void test('a spare waits after a worker is ready; stop leaves no process behind', async () => {
            // One process per live worker, plus exactly one spare (told apart by the worker folder it runs in).
            const live = emu.workers().filter((w) => w.state === 'IDLE').length;
            await waitFor('one warm spare besides the workers', () => processDirs(stateDir).size === live + 1);
            await emu.stop();
            assert.deepEqual(workerProcesses(stateDir), []);
            assert.deepEqual(spareDirs(stateDir), [], 'the spare folder is removed');
        });
    });
}

void describe('emulator: warm worker from the start, or never', () => {
    void test("'eager' (the editor's and the CLI's emulator) has a warm process before any deployment", async () => {
        const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'eager-worker-'));
        const emu = await startEmulator({ stateDir, apiKeys: [K], python: '/usr/bin/python3', warmWorker: 'eager' });
        try {
            await waitFor('the warm process', () => processDirs(stateDir).size === 1);
            const put = await deploy(emu.url, K, packCase('basic', reportEnv));
            await ready(emu, put.endpoint_id);
            assert.match(emu.logs(put.endpoint_id).join('\n'), WARM);
        } finally {
            await emu.stop();
        }
        assert.deepEqual(workerProcesses(stateDir), []);
    });

    void test('every worker starts cold and no spare runs', async () => {
        const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cold-worker-'));
        const emu = await startEmulator({
            stateDir,
            apiKeys: [K],
            python: '/usr/bin/python3',
            worker: 'builtin',
            warmWorker: false,
        });
        try {
            const put = await deploy(emu.url, K, packCase('basic', reportEnv));
            await ready(emu, put.endpoint_id);
            assert.doesNotMatch(emu.logs(put.endpoint_id).join('\n'), WARM);
            assert.equal(workerProcesses(stateDir).filter((c) => c.includes('/worker-spare-')).length, 0);
        } finally {
            await emu.stop();
        }
    });
});
