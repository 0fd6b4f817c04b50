/**
 * Limits that protect the machine: the emulator-wide worker cap (a burst of deployments never starts more workers
 * than `maxWorkersTotal`), and the built-in worker's request body cap (checked before a byte of the body is read).
 */
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { test } from 'node:test';
import { startEmulator } from '../../src/emulator';
import { call, deploy, packCase, waitFor } from './helpers';

const K = 'worker-cap-key';

void test('beyond maxWorkersTotal no worker starts, the log says why; one starts when room is made', async () => {
    const emu = await startEmulator({ apiKeys: [K], worker: 'builtin', maxWorkersTotal: 1, warmWorker: false });
    try {
        const first = await deploy(emu.url, K, packCase('basic'), { tag: 'one' });
        await waitFor('the first worker ready', () =>
            emu.workers().find((w) => w.endpointId === first.endpoint_id && w.state === 'IDLE'),
        );
        const second = await deploy(emu.url, K, packCase('basic'), { tag: 'two' });
        const said = await waitFor('the cap in the second log', () =>
            emu.logs(second.endpoint_id).find((l) => /no worker started/.test(l)),
        );
        assert.match(said, /already runs 1 workers, its limit for all deployments \(--max-workers-total 1\)/);
        await new Promise((r) => setTimeout(r, 1200)); // two reconcile ticks
        assert.equal(emu.workers().filter((w) => w.endpointId === second.endpoint_id).length, 0);
        assert.equal(emu.logs(second.endpoint_id).filter((l) => /no worker started/.test(l)).length, 1, 'said once');

        const del = await call(emu.url, K, 'DELETE', `/api/v0/deployment/${first.deployment_id}/`);
        assert.equal(del.status, 200, del.text);
        await waitFor(
            'the second worker ready',
            () => emu.workers().find((w) => w.endpointId === second.endpoint_id && w.state === 'IDLE'),
            30_000,
        );
    } finally {
        await emu.stop();
    }
});

void test('the built-in worker answers 413 to a body over its cap at once, without reading it', async () => {
    const emu = await startEmulator({ apiKeys: [K], worker: 'builtin', warmWorker: false });
    try {
        const put = await deploy(emu.url, K, packCase('basic'));
        const w = await waitFor('a ready worker', () =>
            emu.workers().find((x) => x.endpointId === put.endpoint_id && x.state === 'IDLE'),
        );
        const { hostname, port } = new URL(w.url!);
        const answer = await new Promise<string>((resolve, reject) => {
            const sock = net.connect(Number(port), hostname, () => {
                // Announces 300 MiB and sends none of it: only an answer that does not wait for the body comes back.
                sock.write(`POST /remote/square HTTP/1.1\r\nHost: x\r\nContent-Length: ${300 << 20}\r\n\r\n`);
            });
            let got = '';
            sock.on('data', (d) => (got += d.toString()));
            sock.on('close', () => resolve(got));
            sock.on('error', reject);
            setTimeout(() => {
                sock.destroy();
                resolve(got);
            }, 5000);
        });
        assert.match(answer, /^HTTP\/1\.1 413 Payload Too Large\r\n/);
        assert.match(answer, /request body larger than 256 MiB$/);
    } finally {
        await emu.stop();
    }
});
