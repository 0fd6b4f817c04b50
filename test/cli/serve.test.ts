/** `vast-deployments serve` end to end: deploy, redeploy on save with the new code answering, refuse a broken save. */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmulator, type EmulatorHandle } from '../../src/emulator';
import { VastClient } from '../../src/pipeline/api';
import { callFunction } from '../../src/pipeline/run';
import { fixturesDir } from '../helpers/paths';
import { CLI, emptyHome } from './helpers';

const KEY = 'serve-test-key-0123456789';

interface Event {
    kind: string;
    [k: string]: unknown;
}

void describe('cli: serve', () => {
    let emu: EmulatorHandle;
    let child: ChildProcess;
    let dir = '';
    const events: Event[] = [];
    let stderr = '';
    let waiters: { pred: (e: Event) => boolean; resolve: (e: Event) => void }[] = [];

    const next = (pred: (e: Event) => boolean, ms = 60_000) =>
        new Promise<Event>((resolve, reject) => {
            const t = setTimeout(() => reject(new Error(`timed out; events: ${JSON.stringify(events)} ${stderr}`)), ms);
            waiters.push({
                pred,
                resolve: (e) => {
                    clearTimeout(t);
                    resolve(e);
                },
            });
        });

    before(async () => {
        emu = await startEmulator({ apiKeys: [KEY] });
        dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vd-serve-'));
        fs.copyFileSync(path.join(fixturesDir, 'pipeline', 'app.py'), path.join(dir, 'app.py'));
        child = spawn(process.execPath, [CLI, 'serve', 'app.py', '--json', '--api-url', emu.url], {
            cwd: dir,
            env: { PATH: process.env.PATH ?? '', HOME: emptyHome, VAST_API_KEY: KEY },
        });
        let buf = '';
        child.stdout!.on('data', (d: Buffer) => {
            buf += d.toString();
            for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
                const e = JSON.parse(buf.slice(0, i)) as Event;
                buf = buf.slice(i + 1);
                events.push(e);
                const w = waiters.find((x) => x.pred(e));
                if (w) {
                    waiters = waiters.filter((x) => x !== w);
                    w.resolve(e);
                }
            }
        });
        child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    });
    after(async () => {
        if (child.exitCode === null) child.kill('SIGKILL');
        await emu.stop();
    });

    const square = async (x: number) => {
        const client = new VastClient({ apiKey: KEY, webserverUrl: emu.url, autoscalerUrl: emu.url });
        const ep = (await client.findDeployments('it-app'))[0]!.endpoint_id!;
        const o = await callFunction(client, {
            endpointId: ep,
            fname: 'square',
            params: [
                {
                    name: 'x',
                    kind: 'positional',
                    hasDefault: false,
                    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
                },
            ],
            payload: JSON.stringify({ x }),
        });
        assert.equal(o.status, 'ok', JSON.stringify(o));
        return (o as { value: unknown }).value;
    };

    void test('deploys, then a save is a soft update and the new code answers', async () => {
        const first = await next((e) => e.kind === 'ready' || e.kind === 'failed' || e.kind === 'refused');
        assert.equal(first.kind, 'ready', JSON.stringify(first));
        assert.equal(first.action, 'created');
        assert.equal(await square(3), 9);
        const file = path.join(dir, 'app.py');
        fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('return x * x', 'return x * x + 1'));
        const again = await next((e) => e.kind === 'ready' || e.kind === 'failed');
        assert.equal(again.kind, 'ready', JSON.stringify(again));
        assert.equal(again.action, 'soft_update');
        assert.ok(typeof again.readyMs === 'number');
        assert.equal(await square(3), 10);
    });

    void test('a save with errors is not deployed and says why, whatever an ignore comment says', async () => {
        const file = path.join(dir, 'app.py');
        const good = fs.readFileSync(file, 'utf8');
        fs.writeFileSync(file, good.replace('async def square(x):', 'def square(x):'));
        const refused = await next((e) => e.kind !== 'log');
        assert.equal(refused.kind, 'refused', JSON.stringify(refused));
        assert.match(String(refused.reason), /app\.py:\d+:\d+: .*\[remote-not-async\]$/);
        assert.equal(await square(3), 10);
        // The refusal gate, as for Deploy: an ignore comment quiets the editor, not the worker that would fail.
        fs.writeFileSync(
            file,
            good.replace('async def square(x):', 'def square(x):  # vast: ignore[remote-not-async]'),
        );
        const still = await next((e) => e.kind !== 'log');
        assert.equal(still.kind, 'refused', JSON.stringify(still));
        assert.match(String(still.reason), /\[remote-not-async\] \(the ignore comment quiets the editor only/);
        assert.equal(await square(3), 10);
    });

    void test('Ctrl-C stops serving', async () => {
        const code = await new Promise<number | null>((resolve) => {
            child.on('exit', (c) => resolve(c));
            child.kill('SIGINT');
        });
        assert.equal(code, 0, stderr);
        assert.match(stderr, /stopped serving/);
    });
});
