/**
 * Without `allowPip`: a pip argument naming the deployment's own package folder (`./localpkg`, shipped in the
 * tarball) is installed inside the worker after the code is unpacked, as `serve_deployment.py` orders it (extract,
 * then pip in that folder); index packages stay skipped. The SDK's worker and the built-in one, sandboxed and not.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmulator, type EmulatorHandle } from '../../src/emulator';
import { sharedDir } from '../helpers/paths';
import { callRemote, deploy, packLocal, waitFor } from './helpers';

const K = 'pip-local-key';

const variants: [string, { worker: 'sdk' | 'builtin'; sdkPath?: string; noSandbox?: boolean }][] = [
    ["the SDK's worker", { worker: 'sdk', sdkPath: path.join(sharedDir, 'oracle') }],
    ['the built-in worker', { worker: 'builtin' }],
    ['the built-in worker without a sandbox', { worker: 'builtin', noSandbox: true }],
];

for (const [name, opts] of variants) {
    void describe(`emulator without --allow-pip, the deployment's own package: ${name}`, { timeout: 180_000 }, () => {
        let emu: EmulatorHandle;
        before(async () => {
            emu = await startEmulator({ apiKeys: [K], python: '/usr/bin/python3', ...opts });
        });
        after(async () => {
            await emu.stop();
        });

        void test('is installed from the unpacked code; an index package is still skipped', async () => {
            const put = await deploy(
                emu.url,
                K,
                packLocal('a', 'm1', ['./localpkg', '-r', 'reqs.txt', 'some-index-pkg==1.0']),
            );
            const w = await waitFor(
                'a worker in IDLE or ERROR',
                () => emu.workers().find((x) => x.endpointId === put.endpoint_id && /IDLE|ERROR/.test(x.state)),
                90_000,
            );
            const logs = emu.logs(put.endpoint_id).join('\n');
            assert.equal(w.state, 'IDLE', `${w.msg ?? ''}\n${logs}`);
            const r = await callRemote(emu.url, K, put.endpoint_id, 'square', { x: 3 });
            assert.deepEqual(r.json, { result: { ok: 'a:m1:9' } });
            assert.match(logs, /pip install \.\/localpkg: the deployment's own package\(s\), installed in the worker/);
            assert.match(logs, /\[pip\] Successfully installed vast-local-pkg-0\.1/);
            assert.match(logs, /skipped pip install some-index-pkg==1\.0 \(.*--allow-pip/);
            assert.match(logs, /skipped pip install -r reqs\.txt \(/);
        });

        void test("a folder pip cannot install fails the worker with pip's reason", async () => {
            // A folder with no setup.py nor pyproject.toml.
            const put = await deploy(emu.url, K, packLocal('a', 'bad', ['./localpkg/vast_local_pkg']), { tag: 'bad' });
            const w = await waitFor(
                'a worker in IDLE or ERROR',
                () => emu.workers().find((x) => x.endpointId === put.endpoint_id && /IDLE|ERROR/.test(x.state)),
                90_000,
            );
            assert.equal(w.state, 'ERROR');
            assert.match(
                w.msg ?? '',
                /pip install \.\/localpkg\/vast_local_pkg failed \(exit code 1\): .*not installable/,
            );
            assert.equal(w.restarts, 0);
        });
    });
}
