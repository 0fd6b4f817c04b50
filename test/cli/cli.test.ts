/** The CLI end to end: help, usage errors, check, and the deploy lifecycle against the emulator. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmulator, type EmulatorHandle } from '../../src/emulator';
import { fixturesDir } from '../helpers/paths';
import { json, text, TestServer } from '../pipeline/helpers/server';
import { emptyHome, runCli } from './helpers';

const KEY = 'cli-e2e-key-abcdef0123456789';
const COMMANDS = [
    'check',
    'package',
    'plan',
    'machines',
    'deploy',
    'benchmark',
    'invoke',
    'status',
    'logs',
    'teardown',
    'stop',
    'start',
    'emulator',
];

void describe('cli: help and usage', () => {
    for (const c of COMMANDS) {
        void test(`${c} --help`, async () => {
            const r = await runCli([c, '--help']);
            assert.equal(r.code, 0, r.stderr);
            assert.match(
                r.stdout,
                new RegExp(`Usage: vast-deployments ${c === 'stop' || c === 'start' ? 'stop\\|start' : c}`),
            );
        });
    }

    void test('no command prints the list and exits 2; unknown command exits 2', async () => {
        const none = await runCli([]);
        assert.equal(none.code, 2);
        assert.match(none.stderr, /Commands:\n {2}check/);
        const bad = await runCli(['frobnicate']);
        assert.equal(bad.code, 2);
        assert.equal(bad.stderr.trim(), 'error: unknown command "frobnicate" (see vast-deployments --help)');
    });

    void test('an unknown flag is a usage error (exit 2)', async () => {
        const r = await runCli(['status', '--bogus']);
        assert.equal(r.code, 2);
        assert.match(r.stderr, /^error: Unknown option '--bogus'.*\(see vast-deployments status --help\)\n$/);
    });

    void test('no API key: the SDK message, exit 1', async () => {
        const r = await runCli(['status']);
        assert.equal(r.code, 1);
        const xdg = path.join(emptyHome, '.config', 'vastai', 'vast_api_key');
        assert.equal(
            r.stderr,
            `error: No API key found. Pass api_key=, set VAST_API_KEY, or save your key to ${xdg}\n`,
        );
    });
});

void describe('cli: check', () => {
    void test('errors are printed file:line:col: severity code message; exit 1', async () => {
        const r = await runCli(['check', path.join(fixturesDir, 'cli', 'bad.py')]);
        assert.equal(r.code, 1);
        const lines = r.stdout.trim().split('\n');
        assert.ok(lines.length >= 2);
        for (const l of lines) {
            assert.match(l, /^test\/fixtures\/cli\/bad\.py:\d+:\d+: (error|warning|information|hint) [a-z-]+ .+/);
        }
        assert.ok(
            lines.some((l) => /:7:5: error remote-not-async /.test(l)),
            r.stdout,
        );
    });

    void test('a clean file exits 0; --json lists problems', async () => {
        const r = await runCli(['check', path.join(fixturesDir, 'pipeline', 'app.py'), '--json']);
        assert.equal(r.code, 0, r.stdout + r.stderr);
        const j = JSON.parse(r.stdout);
        assert.equal(j.errors, 0);
        assert.equal(j.files, 1);
    });
});

void describe('cli: the deploy lifecycle against the emulator', () => {
    let emu: EmulatorHandle;
    let dir = '';
    let flags: string[] = [];
    const all: string[] = [];
    const cli = async (args: string[]) => {
        const r = await runCli([...args, ...flags], { cwd: dir, env: { VAST_API_KEY: KEY } });
        all.push(r.stdout, r.stderr);
        return r;
    };

    before(async () => {
        emu = await startEmulator({ apiKeys: [KEY] });
        // --api-url alone: a loopback console implies the same autoscaler (no /route/ call to run.vast.ai).
        flags = ['--api-url', emu.url];
        dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vd-cli-'));
        fs.copyFileSync(path.join(fixturesDir, 'pipeline', 'app.py'), path.join(dir, 'app.py'));
    });
    after(async () => {
        await emu.stop();
    });

    void test('deploy without --yes and without a terminal refuses', async () => {
        const r = await cli(['deploy', 'app.py']);
        assert.equal(r.code, 1);
        assert.match(r.stderr, /error: refusing to deploy without confirmation: add --yes\n$/);
    });

    void test('deploy --yes --wait --json', async () => {
        const r = await cli(['deploy', 'app.py', '--yes', '--wait', '--timeout', '60', '--json', '--verbose']);
        assert.equal(r.code, 0, r.stderr);
        const j = JSON.parse(r.stdout);
        assert.equal(j.action, 'created');
        assert.equal(j.name, 'it-app');
        assert.equal(j.plan.tier, 4);
        assert.ok(j.workers.some((w: { status: string }) => w.status === 'IDLE'));
        assert.match(r.stderr, /\[register\] Registering it-app \(tag default\)/);
        assert.match(r.stderr, /PUT http:\/\/127\.0\.0\.1:\d+\/api\/v0\/deployments\/\?api_key=\*\*\* -> 200/);
    });

    void test('deploy --wait stops as soon as the new code fails to start, with the traceback mapped to app.py', async () => {
        const broken = path.join(dir, 'broken.py');
        const src = fs.readFileSync(path.join(dir, 'app.py'), 'utf8').replace('it-app', 'it-broken');
        fs.writeFileSync(broken, `import not_a_real_module\n${src}`);
        const t0 = Date.now();
        const r = await cli(['deploy', 'broken.py', '--yes', '--wait', '--timeout', '120']);
        const ms = Date.now() - t0;
        assert.equal(r.code, 1, r.stderr);
        assert.ok(ms < 60_000, `waited ${ms} ms`);
        assert.match(
            r.stderr,
            /failed at wait: worker \d+ failed to start: ModuleNotFoundError: No module named 'not_a_real_module' \(.*broken\.py:1\)/,
        );
        assert.match(r.stderr, /every worker failed/);
        assert.match(r.stderr, /File ".*broken\.py", line 1, in <module>/);
        assert.doesNotMatch(r.stderr, /deployment\.py/);
        assert.doesNotMatch(r.stderr, /may still come up/);
        const gone = await cli(['teardown', 'broken.py', '--yes']);
        assert.equal(gone.code, 0, gone.stderr);
    });

    void test('plan --json: tier 0', async () => {
        const r = await cli(['plan', 'app.py', '--json']);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(JSON.parse(r.stdout).tier, 0);
    });

    void test('machines: matching machines and prices, synthetic on the emulator; none matching warns', async () => {
        const r = await cli(['machines', 'app.py']);
        assert.equal(r.code, 0, r.stderr);
        assert.match(
            r.stdout,
            /^machines: \d+ machines match · from \$\d+\.\d+\/h per worker · max_workers not set \(synthetic prices\)$/m,
        );
        const plan = await cli(['plan', 'app.py', '--json']);
        assert.equal(JSON.parse(plan.stdout).machines.synthetic, true);
        fs.writeFileSync(
            path.join(dir, 'none.py'),
            [
                'from vastai import Deployment',
                'from vastai.data.query import gpu_name, gpu_ram, RTX_4090',
                'app = Deployment(name="none-app")',
                '@app.remote(benchmark_dataset=[{"x": 1}])',
                'async def f(x):',
                '    return x',
                'image = app.image("vastai/base-image:@vastai-automatic-tag", storage=16)',
                'image.require(gpu_name.in_([RTX_4090]), gpu_ram >= 48000)',
                'app.configure_autoscaling(max_workers=3)',
                'app.ensure_ready()',
                '',
            ].join('\n'),
        );
        const none = await cli(['plan', 'none.py']);
        assert.equal(none.code, 0, none.stderr);
        assert.match(none.stdout, /^machines: ⚠ no machine matches: workers would never start \(synthetic prices\)$/m);
        const j = JSON.parse((await cli(['machines', 'none.py', '--json'])).stdout);
        assert.equal(j.matches, 0);
        assert.equal(j.maxWorkers, 3);
        assert.deepEqual(j.query.gpu_name, { in: ['RTX 4090'] });
    });

    void test('status, invoke, benchmark, logs', async () => {
        const list = await cli(['status', '--json']);
        assert.equal(JSON.parse(list.stdout).deployments.length, 1);
        const one = await cli(['status', 'app.py']);
        assert.match(one.stdout, /^it-app \(tag default\) id=\d+ endpoint=\d+ state=active/);
        const inv = await cli(['invoke', 'app.py', 'square', '--kwargs', '{"x": 9}']);
        assert.equal(inv.code, 0, inv.stderr);
        assert.equal(inv.stdout.trim(), '81');
        assert.match(inv.stderr, /route wait \d+ ms, worker \d+ ms, total \d+ ms/);
        const bool = await cli(['invoke', 'app.py', 'square', '--kwargs', '{"x": true}']);
        assert.equal(bool.code, 1);
        assert.match(bool.stderr, /error: x: the SDK cannot send a bool/);
        assert.match(bool.stderr, /error: not sent: /);
        const missing = await cli(['invoke', 'app.py', 'square', '--kwargs', '{"y": 1}']);
        assert.equal(missing.code, 1);
        assert.match(missing.stderr, /TypeError: got an unexpected keyword argument 'y'/);
        assert.match(missing.stderr, /TypeError: missing a required argument: 'x'/);
        // Without --kwargs: the first benchmark item.
        const pre = await cli(['invoke', 'app.py', 'square']);
        assert.equal(pre.code, 0, pre.stderr);
        assert.match(pre.stderr, /payload \(from the benchmark\): \{"x":2\}/);
        assert.equal(pre.stdout.trim(), '4');
        const hist = await cli(['invoke', 'app.py', 'square', '--history']);
        assert.deepEqual(
            hist.stdout
                .trim()
                .split('\n')
                .map((l) => l.split('\t')[2]),
            ['{"x":2}', '{"x":9}'],
        );
        const again = await cli(['invoke', 'app.py', 'square', '--again', '2']);
        assert.equal(again.stdout.trim(), '81', again.stderr);
        const boom = await cli(['invoke', 'app.py', 'boom']);
        assert.equal(boom.code, 1);
        assert.match(boom.stderr, /error: boom raised ValueError/);
        const bench = await cli(['benchmark', 'app.py', '--runs', '4', '--concurrency', '2', '--json']);
        assert.equal(bench.code, 0, bench.stderr);
        const b = JSON.parse(bench.stdout);
        assert.equal(b.stats.runs, 4);
        assert.equal(b.stats.ok, 4);
        for (const k of ['min', 'p50', 'p95', 'max']) assert.equal(typeof b.stats.latency[k], 'number');
        assert.equal(typeof b.stats.route.p50, 'number');
        assert.equal(typeof b.stats.worker.p50, 'number');
        const logs = await cli(['logs', 'app.py', '--tail', '3']);
        assert.equal(logs.code, 0, logs.stderr);
        assert.ok(logs.stdout.trim().split('\n').length <= 3);
    });

    void test('the exported variables alone reach the emulator, /route/ included', async () => {
        const env = { VAST_API_KEY: KEY, VAST_API_URL: emu.url, VAST_AUTOSCALER_URL: emu.url };
        const r = await runCli(['invoke', 'app.py', 'square', '--kwargs', '{"x": 4}', '--verbose'], { cwd: dir, env });
        all.push(r.stdout, r.stderr);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout.trim(), '16');
        assert.ok(!/run\.vast\.ai/.test(r.stderr), r.stderr);
    });

    void test('teardown --yes, then nothing left', async () => {
        const r = await cli(['teardown', 'app.py', '--yes']);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /^Deleted deployment \d+ \("it-app", tag default\)/);
        const list = await cli(['status', '--json']);
        assert.deepEqual(JSON.parse(list.stdout).deployments, []);
        const again = await cli(['status', 'app.py']);
        assert.equal(again.code, 1);
        assert.match(
            again.stderr,
            /error: No deployment named "it-app" with tag "default" on http:\/\/127\.0\.0\.1:\d+\n$/,
        );
    });

    void test('the key never appears in anything the CLI printed', () => {
        assert.ok(all.length > 10);
        assert.ok(!all.join('\n').includes(KEY));
    });
});

void describe('cli: failures name the step and the state', () => {
    const srv = new TestServer();
    let dir = '';
    before(async () => {
        await srv.start();
        dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vd-clifail-'));
        fs.copyFileSync(path.join(fixturesDir, 'pipeline', 'app.py'), path.join(dir, 'app.py'));
        srv.on('GET', '/api/v0/deployments/', json(200, { deployments: [] }));
    });
    after(() => srv.close());
    const cli = (args: string[]) =>
        runCli([...args, '--api-url', srv.url, '--autoscaler-url', srv.url, '--api-key', KEY, '--yes'], { cwd: dir });

    void test('S3 refusal: registered but upload failed, one line, exit 1, no key', async () => {
        srv.on(
            'PUT',
            '/api/v0/deployments/',
            json(200, {
                success: true,
                action: 'created',
                deployment_id: 3,
                endpoint_id: 4,
                upload_url: `${srv.url}/s3`,
                upload_fields: { key: 'k' },
            }),
        );
        srv.on('POST', '/s3', text(403, `denied for ${KEY}`));
        const r = await cli(['deploy', 'app.py']);
        assert.equal(r.code, 1);
        const last = r.stderr.trim().split('\n').at(-1)!;
        assert.equal(
            last,
            'error: Deploy failed at upload: S3 upload failed: HTTP 403 - denied for *** — Registered but upload failed: deployment 3 exists without any code; run deploy again.',
        );
        assert.ok(!(r.stdout + r.stderr).includes(KEY));
    });

    void test('malformed JSON from the server', async () => {
        srv.on('PUT', '/api/v0/deployments/', text(200, 'not json at all'));
        const r = await cli(['deploy', 'app.py']);
        assert.equal(r.code, 1);
        assert.match(
            r.stderr.trim().split('\n').at(-1)!,
            /^error: Deploy failed at register: Failed to put deployment: Invalid JSON from http:\/\/127\.0\.0\.1:\d+\/api\/v0\/deployments\/\?api_key=\*\*\*: not json at all — Nothing was changed on the server\.$/,
        );
    });
});
