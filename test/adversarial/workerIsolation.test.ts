/**
 * Issue 12 item 4: code deployed under key B reads nothing of key A's: not the emulator's command line or
 * environment, not state.json, not A's unpacked code, not A's worker environment, not /etc/shadow.
 * Bounded: one small deployment per account, every wait capped.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmulator, type EmulatorHandle } from '../../src/emulator';
import { callRemote, deploy, packCase, tmpDir, waitFor } from '../emulator/helpers';

const A = 'isolation-key-AAAAAAAAAAAAAAAAAAAAAAAA';
const B = 'isolation-key-BBBBBBBBBBBBBBBBBBBBBBBB';

/** B's probe: tries every way to reach A's secrets and reports what it could read. */
const PROBE = `
import glob, os

@app.remote()
async def probe(targets):
    found = {}
    paths = targets.splitlines() + ["/etc/shadow", "/proc/1/cmdline", "/proc/1/environ"]
    paths += glob.glob("/proc/*/cmdline") + glob.glob("/proc/*/environ")
    for p in paths:
        try:
            with open(p, "rb") as f:
                data = f.read(1 << 20)
        except OSError:
            continue
        found[p] = data.decode("latin-1")
    return found
`;

void describe('adversarial: one account cannot read another', () => {
    let emu: EmulatorHandle;
    let state = '';
    before(async () => {
        state = tmpDir('iso-state-');
        emu = await startEmulator({ apiKeys: [A, B], stateDir: state });
    });
    after(async () => {
        await emu.stop();
    });

    void test('bubblewrap runs here (CI is the same kind of machine)', () => {
        assert.equal(emu.runtime.sandbox, true, emu.runtime.notices.join('\n'));
    });

    void test("B's code reads no key, no state, no code of A", { timeout: 90_000 }, async () => {
        const a = await deploy(
            emu.url,
            A,
            packCase('basic', (s) => `SECRET_MARKER = "a-code-marker-7731"\n${s}`),
        );
        await callRemote(emu.url, A, a.endpoint_id, 'square', { x: 1 }, 60_000);
        const b = await deploy(
            emu.url,
            B,
            packCase('basic', (s) =>
                s.replace(
                    '@app.remote(benchmark_dataset=[{"x": 2}])',
                    `${PROBE}\n@app.remote(benchmark_dataset=[{"x": 2}])`,
                ),
            ),
            { name: 'probe-app' },
        );
        const workersDir = path.join(state, 'workers');
        const aWorker = emu.workers().find((w) => w.endpointId === a.endpoint_id)!;
        const targets = [
            path.join(state, 'state.json'),
            ...fs.readdirSync(workersDir).map((d) => path.join(workersDir, d, 'root', 'app', 'deployment.py')),
            `/proc/${aWorker.pid}/environ`,
            `/proc/${process.pid}/cmdline`,
            `/proc/${process.pid}/environ`,
        ];
        const r = await callRemote(emu.url, B, b.endpoint_id, 'probe', { targets: targets.join('\n') }, 60_000);
        assert.equal(r.status, 200, emu.logs(b.endpoint_id).slice(-12).join('\n'));
        const seen = r.json.result.ok as { type?: string; contents?: unknown } | Record<string, string>;
        const text = JSON.stringify(seen);
        assert.ok(!text.includes(A), 'key A readable');
        assert.ok(!text.includes('a-code-marker-7731'), "A's code readable");
        assert.ok(!text.includes('PRIVATE KEY'), 'state readable');
        assert.ok(!/root:[^:]*:\d+:/.test(text), '/etc/shadow readable');
        const stateJson = fs.readFileSync(path.join(state, 'state.json'), 'utf8');
        const tokens = [...stateJson.matchAll(/"api_key":\s*"([^"]+)"/g)].map((m) => m[1]!);
        for (const t of tokens) assert.ok(!text.includes(t), 'an endpoint key is readable');
        // The probe did run and saw its own processes only (its pid namespace).
        await waitFor('B ran', () => (text.includes('/proc/1/cmdline') ? true : undefined), 1000);
    });
});
