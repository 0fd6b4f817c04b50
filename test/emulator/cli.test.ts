/** `vast-deployments emulator ...` entry: flags, the printed URL and key, clean exit on SIGTERM. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, test } from 'node:test';
import { EMULATOR_USAGE, parseEmulatorArgs } from '../../src/emulator';
import { repoRoot } from '../helpers/paths';
import { call, callRemote, deploy, packCase, pidAlive, tmpDir } from './helpers';

void describe('emulator CLI', () => {
    void test('parses the documented flags and refuses unknown ones', () => {
        assert.deepEqual(
            parseEmulatorArgs([
                '--port',
                '8123',
                '--api-key',
                'a',
                '--api-key=b',
                '--state',
                '/tmp/s',
                '--python',
                'py',
                '--allow-scripts',
                '--max-workers',
                '3',
            ]),
            { apiKeys: ['a', 'b'], port: 8123, stateDir: '/tmp/s', python: 'py', allowScripts: true, maxWorkers: 3 },
        );
        assert.throws(() => parseEmulatorArgs(['--bogus']), /Unknown option: --bogus/);
        assert.throws(() => parseEmulatorArgs(['--port', 'x']), /--port must be/);
        assert.throws(() => parseEmulatorArgs(['--api-key']), /--api-key needs a value/);
    });

    void test('--allow-pip and --pip-timeout: parsed, checked and documented in --help', () => {
        assert.deepEqual(parseEmulatorArgs(['--allow-pip', '--pip-timeout', '90']), {
            apiKeys: [],
            allowPip: true,
            pipTimeoutMs: 90_000,
        });
        assert.deepEqual(parseEmulatorArgs([]), { apiKeys: [] }, 'pip stays off unless asked for');
        assert.throws(() => parseEmulatorArgs(['--pip-timeout', '0']), /--pip-timeout must be a number of seconds > 0/);
        assert.throws(() => parseEmulatorArgs(['--pip-timeout', 'soon']), /--pip-timeout must be/);
        assert.match(EMULATOR_USAGE, /--allow-pip +install each deployment's pip_install\(\.\.\.\) packages/);
        assert.match(EMULATOR_USAGE, /--pip-timeout S/);
    });

    void test('a host process that exits without stop() leaves no worker running', async () => {
        const index = path.join(repoRoot, 'out/src/emulator/index.js');
        const helpers = path.join(repoRoot, 'out/test/emulator/helpers.js');
        const script = `
            const { startEmulator } = require(${JSON.stringify(index)});
            const h = require(${JSON.stringify(helpers)});
            (async () => {
                const emu = await startEmulator({ apiKeys: ['k'] });
                const put = await h.deploy(emu.url, 'k', h.packCase('basic'));
                await h.callRemote(emu.url, 'k', put.endpoint_id, 'square', { x: 1 });
                console.log(JSON.stringify(emu.workers().map((w) => w.pid)));
                process.exit(0);
            })();`;
        const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
        const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
        assert.equal(code, 0);
        const pids = JSON.parse(out.trim()) as number[];
        assert.ok(pids.length > 0);
        await new Promise((r) => setTimeout(r, 200));
        assert.deepEqual(pids.filter(pidAlive), []);
    });

    void test('prints its URL and generated key, serves, and leaves nothing running after SIGTERM', async () => {
        const entry = path.join(repoRoot, 'out/src/emulator/cli.js');
        const child = spawn(
            process.execPath,
            [
                '-e',
                `require(${JSON.stringify(entry)}).runEmulatorCli(process.argv.slice(1)).then((c) => process.exit(c))`,
                '--',
                '--state',
                tmpDir('emu-cli-'),
            ],
            { stdio: ['ignore', 'pipe', 'inherit'] },
        );
        const lines = createInterface({ input: child.stdout! });
        const got: string[] = [];
        await new Promise<void>((resolve) =>
            lines.on('line', (l) => {
                got.push(l);
                if (got.some((x) => x.startsWith('Admin token: '))) resolve();
            }),
        );
        const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(got[0] ?? '')?.[1];
        const key = got.map((l) => /^ {2}export VAST_API_KEY=(\S+)$/.exec(l)?.[1]).find(Boolean);
        const admin = got.map((l) => /^Admin token: (\S+)$/.exec(l)?.[1]).find(Boolean);
        assert.ok(url && key && admin, got.join('\n'));
        // The exact lines to paste: console and autoscaler are both this origin.
        assert.ok(got.includes(`  export VAST_API_URL=${url}`), got.join('\n'));
        assert.ok(got.includes(`  export VAST_AUTOSCALER_URL=${url}`), got.join('\n'));
        const put = await deploy(url, key, packCase('basic'));
        assert.equal((await callRemote(url, key, put.endpoint_id, 'square', { x: 6 })).json.result.ok, 36);
        const pids = (await call(url, admin, 'GET', '/__emulator/workers')).json.workers.map(
            (w: { pid: number }) => w.pid,
        );
        assert.ok(pids.length > 0 && pids.every(pidAlive));
        const code = await new Promise<number | null>((resolve) => {
            child.on('exit', (c) => resolve(c));
            child.kill('SIGTERM');
        });
        assert.equal(code, 0);
        assert.deepEqual(pids.filter(pidAlive), []);
    });
});
