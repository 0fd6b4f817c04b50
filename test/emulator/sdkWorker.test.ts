/**
 * The SDK's own worker inside the emulator (Debian's python3 with ../shared/oracle on PYTHONPATH): its bootstrap,
 * its worker server, its /worker_status/ reports and signature checks, and each startup failure.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmulator, type EmulatorHandle } from '../../src/emulator';
import { sharedDir } from '../helpers/paths';
import { call, callRemote, deploy, failedCallLogs, packCase, routeOnce, waitFor } from './helpers';

const K = 'sdk-worker-key';
export const SDK_PATH = path.join(sharedDir, 'oracle');

function settled(emu: EmulatorHandle, endpointId: number) {
    return waitFor(
        'a worker in IDLE or ERROR',
        () => emu.workers().find((w) => w.endpointId === endpointId && (w.state === 'IDLE' || w.state === 'ERROR')),
        60_000,
    );
}

void describe('emulator: the SDK worker', () => {
    let emu: EmulatorHandle;
    before(async () => {
        emu = await startEmulator({ apiKeys: [K], python: '/usr/bin/python3', sdkPath: SDK_PATH, worker: 'sdk' });
    });
    after(async () => {
        await emu.stop();
    });

    void test('runs the SDK worker and says so', () => {
        assert.equal(emu.runtime.worker, 'sdk');
        assert.match(emu.runtime.description, /^the SDK's worker \(vastai .*worker server 1\.1\.0\)$/);
    });

    void test('serves a call after its startup benchmark; /worker_status/ made it ready', async () => {
        const put = await deploy(emu.url, K, packCase('basic'));
        const w = await settled(emu, put.endpoint_id);
        assert.equal(w.state, 'IDLE', w.msg ?? '');
        const r = await callRemote(emu.url, K, put.endpoint_id, 'square', { x: 7 });
        assert.equal(r.status, 200);
        assert.deepEqual(r.json, { result: { ok: 49 } });
        const logs = emu.logs(put.endpoint_id).join('\n');
        assert.match(logs, /starting the SDK's worker/);
        assert.match(logs, /Fetching download URL for deployment/);
        assert.match(logs, /Benchmark complete/);
        assert.match(logs, /Successfully fetched pubkey/);
    });

    void test('a call with a forged signature is refused by the worker (401)', async () => {
        const put = await deploy(emu.url, K, packCase('basic'), { tag: 'sig' });
        await settled(emu, put.endpoint_id);
        const { ep, route } = await routeOnce(emu.url, K, put.endpoint_id);
        assert.ok(route.json.url, JSON.stringify(route.json));
        const forged = { ...route.json, signature: Buffer.alloc(256, 1).toString('base64') };
        const r = await call(route.json.url, ep.api_key, 'POST', '/remote/square', {
            auth_data: forged,
            payload: { kwargs: { x: 2 } },
        });
        assert.equal(r.status, 401);
    });

    void test('files copied to absolute destinations are at those paths (copy(..., "/opt/model.bin"))', async () => {
        const put = await deploy(
            emu.url,
            K,
            packCase('copies', (s) =>
                s.replace('    return text', '    return text + "|" + open("/opt/model.bin", "rb").read(4).hex()'),
            ),
        );
        const w = await settled(emu, put.endpoint_id);
        assert.equal(w.state, 'IDLE', w.msg ?? '');
        if (!emu.runtime.sandbox) return; // without bubblewrap the file is under the worker's folder (README)
        const r = await callRemote(emu.url, K, put.endpoint_id, 'echo', { text: 'x' });
        assert.match(r.json.result.ok, /^x\|[0-9a-f]{8}$/);
    });

    const failures: [string, (s: string) => string, RegExp, unknown?][] = [
        [
            'an import error',
            (s) => `import not_a_real_module\n${s}`,
            /ModuleNotFoundError: No module named 'not_a_real_module'[\s\S]*File "\/?.*deployment\.py", line 1/,
        ],
        [
            'a function that always raises',
            (s) => s.replace('    return x * x', '    raise ValueError("nope")'),
            /^No successful responses from benchmark/,
        ],
        [
            'two benchmarks',
            (s) => `${s}\n\n@app.remote(benchmark_dataset=[{"y": 1}])\nasync def other(y):\n    return y\n`,
            /Cannot define BenchmarkConfig for more than one EndpointHandler!/,
        ],
        [
            'an env value that is not a string',
            (s) => s,
            /TypeError: str expected, not int/,
            { name: 'my-app', pip_installs: [], apt_gets: [], envs: [['PORT', 8080]], runs: [] },
        ],
    ];
    for (const [what, edit, msg, config] of failures) {
        void test(`${what} puts the worker in ERROR with the reason`, async () => {
            const tag = what.replace(/\W+/g, '-');
            const put = await deploy(emu.url, K, packCase('basic', edit, config), { tag });
            const w = await settled(emu, put.endpoint_id);
            assert.equal(w.state, 'ERROR');
            assert.match(w.msg ?? '', msg);
            assert.equal(w.restarts, 0);
        });
    }

    void test('a failed call leaves its traceback in the worker log', async () => {
        const logs = await failedCallLogs(emu.url, K, (id) => emu.logs(id));
        assert.match(logs, /Error in remote function square:/);
        assert.match(logs, /File ".*deployment\.py", line 10, in square/);
    });
});
