/** Contract fixes found with the SDK (issue 9) and PUT/state hardening (issue 12.3, 12.6, 12.7). */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmulator, type EmulatorHandle } from '../../src/emulator';
import { call, packCase, tmpDir, upload } from './helpers';

const K1 = 'key-one';
const K2 = 'key-two';

const base = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    name,
    image: 'vastai/base-image:@vastai-automatic-tag',
    file_hash: 'a'.repeat(64),
    file_size: 100,
    ...extra,
});

void describe('emulator: contract with the SDK, and what a PUT may hold', () => {
    let emu: EmulatorHandle;
    let stateDir: string;
    before(async () => {
        stateDir = tmpDir('emu-state-');
        emu = await startEmulator({ apiKeys: [K1, K2], stateDir, maxWorkers: 0 });
    });
    after(async () => {
        await emu.stop();
    });

    void test('ttl is the SDK float | None: 2.5 and 0 are accepted', async () => {
        for (const ttl of [2.5, 0]) {
            const r = await call(emu.url, K1, 'PUT', '/api/v0/deployments/', base(`ttl-${ttl}`, { ttl: 3600.5 }));
            assert.equal(r.status, 200, r.text);
            const again = await call(emu.url, K1, 'PUT', '/api/v0/deployments/', base(`ttl-${ttl}`, { ttl }));
            assert.equal(again.status, 200, again.text);
            assert.equal(again.json.action, 'autoscale_update');
        }
        const bad = await call(emu.url, K1, 'PUT', '/api/v0/deployments/', base('ttl-neg', { ttl: -1 }));
        assert.equal(bad.status, 400);
        assert.match(bad.json.msg, /ttl/);
    });

    void test('GET /api/v0/deployments answers without the trailing slash (vastai show deployments)', async () => {
        await call(emu.url, K2, 'PUT', '/api/v0/deployments/', base('listed'));
        const r = await call(emu.url, K2, 'GET', '/api/v0/deployments');
        assert.equal(r.status, 200, r.text);
        assert.deepEqual(
            r.json.deployments.map((d: { name: string }) => d.name),
            ['listed'],
        );
    });

    void test('the env string compares its -p ports as a set: another order is no hard_update', async () => {
        const env = (ports: string): string => `${ports} -e REPORT_ADDR=http://127.0.0.1:1 -e USE_SYSTEM_PYTHON=true`;
        const first = await call(
            emu.url,
            K1,
            'PUT',
            '/api/v0/deployments/',
            base('ports', { env: env('-p 8000:8000/http -p 9000:9000/tcp') }),
        );
        assert.equal(first.json.action, 'created');
        const swapped = await call(
            emu.url,
            K1,
            'PUT',
            '/api/v0/deployments/',
            base('ports', { env: env('-p 9000:9000/tcp -p 8000:8000/http') }),
        );
        assert.equal(swapped.json.action, 'exists');
        const changed = await call(
            emu.url,
            K1,
            'PUT',
            '/api/v0/deployments/',
            base('ports', { env: env('-p 9001:9001/tcp -p 8000:8000/http') }),
        );
        assert.equal(changed.json.action, 'hard_update');
    });

    void test('after an interrupted upload, a PUT of the same code with another size gets a policy for that size', async () => {
        const packed = packCase('basic');
        const first = await call(emu.url, K2, 'PUT', '/api/v0/deployments/', {
            ...packed.put,
            tag: 'interrupted',
            file_size: packed.tar.length - 7,
        });
        assert.equal(first.json.action, 'created'); // ... and the upload never happens
        const other = await call(emu.url, K2, 'PUT', '/api/v0/deployments/', { ...packed.put, tag: 'interrupted' });
        assert.ok(other.json.upload_url);
        const r = await upload(other.json.upload_url, other.json.upload_fields, packed.tar);
        assert.equal(r.status, 204, r.text);
    });

    void test('a PUT that cannot become a worker is a 400 naming the field', async () => {
        const nul = await call(emu.url, K1, 'PUT', '/api/v0/deployments/', base('nul', { env: '-e A=x\u0000y' }));
        assert.equal(nul.status, 400);
        assert.equal(nul.json.msg, 'Field env must not contain a NUL byte');
        const pairs = Array.from({ length: 40_000 }, (_, i) => `-e K${i}=${'v'.repeat(40)}`).join(' ');
        const big = await call(
            emu.url,
            K1,
            'PUT',
            '/api/v0/deployments/',
            base('big', { env: pairs.slice(0, 900_000) }),
        );
        assert.equal(big.status, 400);
        assert.match(big.json.msg, /^Field env is too long \(\d+ bytes; at most 65536\)$/);
    });

    void test('an acknowledged PUT is already on disk when the answer arrives (no 20 ms window)', async () => {
        const r = await call(emu.url, K1, 'PUT', '/api/v0/deployments/', base('durable'));
        assert.equal(r.status, 200);
        const state = JSON.parse(fs.readFileSync(path.join(stateDir, 'state.json'), 'utf8')) as {
            deployments: { id: number }[];
        };
        assert.ok(state.deployments.some((d) => d.id === r.json.deployment_id));
        assert.equal(fs.statSync(path.join(stateDir, 'state.json')).mode & 0o777, 0o600);
        assert.equal(fs.statSync(path.join(stateDir, 'blobs')).mode & 0o777, 0o700);
    });

    void test('bodies are limited per route, after the key is checked', async () => {
        const huge = JSON.stringify({ name: 'x'.repeat(4 * 1024 * 1024) });
        const anon = await fetch(new URL('/api/v0/deployments/', emu.url), { method: 'PUT', body: huge });
        assert.equal(anon.status, 401);
        const authed = await fetch(new URL('/api/v0/deployments/', emu.url), {
            method: 'PUT',
            body: huge,
            headers: { authorization: `Bearer ${K1}` },
        });
        assert.equal(authed.status, 413);
    });

    void test("a wrong key on another account's endpoint answers as a missing endpoint", async () => {
        const mine = await call(emu.url, K1, 'PUT', '/api/v0/deployments/', base('secret-name'));
        assert.equal(mine.status, 200);
        const probe = await call(emu.url, undefined, 'POST', '/route/', {
            endpoint: 'secret-name',
            api_key: K2,
            cost: 1,
        });
        const missing = await call(emu.url, undefined, 'POST', '/route/', {
            endpoint: 'no-such-name',
            api_key: K2,
            cost: 1,
        });
        assert.equal(probe.status, missing.status);
        assert.equal(probe.text.replace('secret-name', 'X'), missing.text.replace('no-such-name', 'X'));
    });
});

void describe('emulator: a bad record in state.json', () => {
    void test('is logged and skipped; the emulator starts completely with the rest', async () => {
        const stateDir = tmpDir('emu-state-');
        const first = await startEmulator({ apiKeys: [K1], stateDir, maxWorkers: 0 });
        await call(first.url, K1, 'PUT', '/api/v0/deployments/', base('good'));
        await call(first.url, K1, 'PUT', '/api/v0/deployments/', base('bad'));
        await first.stop();
        const file = path.join(stateDir, 'state.json');
        const state = JSON.parse(fs.readFileSync(file, 'utf8')) as { deployments: { name: string; env: string }[] };
        state.deployments.find((d) => d.name === 'bad')!.env = '-e A=\u0000';
        fs.writeFileSync(file, JSON.stringify(state));
        const warnings: string[] = [];
        const write = process.stderr.write.bind(process.stderr);
        process.stderr.write = ((s: string) => (warnings.push(String(s)), true)) as typeof process.stderr.write;
        let again: EmulatorHandle;
        try {
            again = await startEmulator({ apiKeys: [K1], stateDir, maxWorkers: 0 });
        } finally {
            process.stderr.write = write;
        }
        try {
            const list = await call(again.url, K1, 'GET', '/api/v0/deployments/');
            assert.deepEqual(
                list.json.deployments.map((d: { name: string }) => d.name),
                ['good'],
            );
            assert.match(warnings.join(''), /skipped deployment record \d+: Field env must not contain a NUL byte/);
        } finally {
            await again.stop();
        }
    });
});
