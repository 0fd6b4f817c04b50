/**
 * What the rule env-unset-on-worker takes as set on every worker (ON_EVERY_WORKER) is set on the emulator's workers
 * too, before the deployment's file is imported: a module-level os.environ[...] of each name works, with the SDK's
 * worker and the built-in one. VAST_API_KEY, which the rule says only "may" be set, is not.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmulator, type EmulatorHandle } from '../../src/emulator';
import { ON_EVERY_WORKER } from '../../src/shared/rules/workerEnv';
import { sharedDir } from '../helpers/paths';
import { callRemote, deploy, packCase, waitFor } from './helpers';

const K = 'worker-env-key';
const NAMES = [...ON_EVERY_WORKER].sort();

const variants: [string, { worker: 'sdk' | 'builtin'; sdkPath?: string }][] = [
    ["the SDK's worker", { worker: 'sdk', sdkPath: path.join(sharedDir, 'oracle') }],
    ['the built-in worker', { worker: 'builtin' }],
];

for (const [name, opts] of variants) {
    void describe(`emulator: the variables every worker has, ${name}`, { timeout: 120_000 }, () => {
        let emu: EmulatorHandle;
        before(async () => {
            emu = await startEmulator({ apiKeys: [K], python: '/usr/bin/python3', ...opts });
        });
        after(async () => {
            await emu.stop();
        });

        void test('are set when the file is imported, its ports below the ephemeral range; VAST_API_KEY is not', async () => {
            const reads = `import os\nAT_IMPORT = {k: os.environ[k] for k in ${JSON.stringify(NAMES)}}\nNO_KEY = "VAST_API_KEY" not in os.environ\nPORTS = os.environ["WORKER_PORT"] + "," + os.environ["WORKER_HTTP_PORT"]\n`;
            const put = await deploy(
                emu.url,
                K,
                packCase('basic', (s) =>
                    (reads + s).replace(
                        '    return x * x',
                        '    return ",".join(sorted(k for k, v in AT_IMPORT.items() if v)) + ("|no VAST_API_KEY" if NO_KEY else "|VAST_API_KEY") + "|" + PORTS',
                    ),
                ),
            );
            const w = await waitFor(
                'a worker in IDLE or ERROR',
                () => emu.workers().find((x) => x.endpointId === put.endpoint_id && /IDLE|ERROR/.test(x.state)),
                60_000,
            );
            assert.equal(w.state, 'IDLE', w.msg ?? '');
            const r = await callRemote(emu.url, K, put.endpoint_id, 'square', { x: 1 });
            const [names, key, ports] = String((r.json as { result?: { ok?: unknown } }).result?.ok).split('|');
            assert.deepEqual([names, key], [NAMES.join(','), 'no VAST_API_KEY'], JSON.stringify(r.json));
            // Below the ephemeral ports: no outgoing connection on the machine takes them before the server binds
            // (it binds after pip, run steps and the import; seen as "address already in use" in CI).
            const low = Number(
                fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0],
            );
            for (const p of ports!.split(',').map(Number)) {
                assert.ok(p > 1024 && p < low, `port ${p}: the ephemeral ports start at ${low}`);
            }
        });
    });
}
