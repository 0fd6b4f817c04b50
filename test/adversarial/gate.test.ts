// Issue 12 item 13 and issue 10 "ignore comments": \`package\` and \`deploy\` (CLI) and the editor's Deploy (its
// pipeline bridge) refuse every error the SDK or a worker would fail on, through one shared gate that runs before
// ignore comments and severity settings. Before: an unsafe-copy-destination archive shipped ../../etc/cron.d/x.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { prepare, PrepareError } from '../../src/extension/pipelineBridge';
import { ListDeploymentsRequest } from '../../src/shared/protocol';
import { runCli } from '../cli/helpers';
import { sharedDir } from '../helpers/paths';
import { goodApp, makeWorkspace, uriOf } from '../server/helpers';
import { ensureBundles, startServer } from './helpers';

const UNSAFE = goodApp('unsafe').replace(
    'app.configure_autoscaling',
    'image.copy("app.py", "../../etc/cron.d/x")\napp.configure_autoscaling',
);
const IGNORED_SYNC = goodApp('quieted').replace(
    'async def square(x):',
    'def square(x):  # vast: ignore[remote-not-async]',
);

void test('CLI package and deploy refuse error findings; nothing is written or sent', async () => {
    ensureBundles();
    const ws = makeWorkspace({ 'app.py': UNSAFE, 'quiet.py': IGNORED_SYNC });
    try {
        const out = path.join(ws.dir, 'out.tar.gz');
        const pkg = await runCli(['package', 'app.py', '--out', out], { cwd: ws.dir });
        assert.equal(pkg.code, 1, pkg.stderr);
        assert.match(pkg.stderr, /app\.py:\d+:\d+: .*\[unsafe-copy-destination\]/);
        assert.match(pkg.stderr, /error: app\.py: cannot package: 1 error/);
        assert.ok(!fs.existsSync(out), 'no archive');
        const quiet = await runCli(['package', 'quiet.py'], { cwd: ws.dir });
        assert.equal(quiet.code, 1, quiet.stderr);
        assert.match(quiet.stderr, /\[remote-not-async\] \(the ignore comment quiets the editor only/);
        // deploy: refused before any request (the API URL is a closed port, so a request would fail differently).
        const dep = await runCli(['deploy', 'quiet.py', '--yes', '--api-url', 'http://127.0.0.1:9'], {
            cwd: ws.dir,
            env: { VAST_API_KEY: 'k' },
        });
        assert.equal(dep.code, 1, dep.stderr);
        assert.match(dep.stderr, /cannot package: 1 error/);
        assert.equal(fs.readFileSync(path.join(ws.dir, 'app.py'), 'utf8'), UNSAFE, 'file intact');
    } finally {
        ws.cleanup();
    }
});

void test('CLI package refuses what Python refuses to compile: a syntax error, a repeated keyword argument', async () => {
    ensureBundles();
    const broken = goodApp('broken').replace(
        'app.configure_autoscaling',
        'def broken(:\n    pass\n\napp.configure_autoscaling',
    );
    const repeated = goodApp('repeated').replace(
        'app.configure_autoscaling',
        'print(dict(a=1, a=2))\napp.configure_autoscaling',
    );
    const ws = makeWorkspace({ 'broken.py': broken, 'repeated.py': repeated, 'good.py': goodApp('good') });
    try {
        const syntax = await runCli(['package', 'broken.py', '--json'], { cwd: ws.dir });
        assert.equal(syntax.code, 1, syntax.stderr);
        assert.match(syntax.stderr, /broken\.py:\d+:\d+: SyntaxError: invalid syntax: Python refuses the file/);
        const twice = await runCli(['package', 'repeated.py', '--json'], { cwd: ws.dir });
        assert.equal(twice.code, 1, twice.stderr);
        assert.match(twice.stderr, /repeated\.py:\d+:\d+: SyntaxError: keyword argument repeated: a\b/);
        const good = await runCli(['package', 'good.py', '--json'], { cwd: ws.dir });
        assert.equal(good.code, 0, good.stderr);
    } finally {
        ws.cleanup();
    }
});

void test("the editor's Deploy refuses what an ignore comment quiets, and says why", async () => {
    const ws = makeWorkspace({ 'quiet.py': IGNORED_SYNC });
    const server = await startServer({ workspaceFolders: [{ uri: ws.uri, name: 'ws' }] });
    try {
        const [summary] = await server.client.connection.sendRequest(ListDeploymentsRequest.type, {});
        assert.ok(summary, 'listed');
        // The editor shows no error (the comment quiets it)...
        assert.equal(summary.problems.errors, 0);
        assert.equal(summary.uri, uriOf(path.join(ws.dir, 'quiet.py')));
        // ...yet Deploy's preparation refuses it.
        await assert.rejects(prepare(summary, ws.dir), (e: unknown) => {
            assert.ok(e instanceof PrepareError);
            assert.match(e.message, /line 8: .*\[remote-not-async\] \(the ignore comment quiets the editor only/);
            return true;
        });
    } finally {
        server.stop();
        ws.cleanup();
    }
});

void test('a GPU constant require() uses without its import: the SDK fails with NameError, package and Deploy refuse', async () => {
    ensureBundles();
    const text = goodApp('unimported').replace('gpu_name.in_([RTX_4090])', 'gpu_name.in_([RTX_4090, RTX_5090])');
    const ws = makeWorkspace({ 'app.py': text });
    const server = await startServer({ workspaceFolders: [{ uri: ws.uri, name: 'ws' }] });
    try {
        const sdkOut = path.join(ws.dir, 'sdk.json');
        const sdk = spawnSync(
            '/usr/bin/python3',
            [path.join(sharedDir, 'oracle', 'sdk.py'), 'capture', 'app.py', sdkOut],
            {
                cwd: ws.dir,
                encoding: 'utf8',
            },
        );
        assert.equal(sdk.status, 0, sdk.stderr);
        const captured = JSON.parse(fs.readFileSync(sdkOut, 'utf8')) as { error?: string; put: unknown };
        assert.equal(captured.error, "NameError: name 'RTX_5090' is not defined");
        assert.equal(captured.put, null, 'the SDK sent nothing');

        const pkg = await runCli(['package', 'app.py', '--json'], { cwd: ws.dir });
        assert.equal(pkg.code, 1, pkg.stderr);
        assert.match(
            pkg.stderr,
            /app\.py:13:\d+: `RTX_5090` is not defined: Python raises NameError .*\[undefined-name\]/,
        );

        const [summary] = await server.client.connection.sendRequest(ListDeploymentsRequest.type, {});
        assert.ok(summary, 'listed');
        assert.equal(summary.problems.errors, 1, 'the editor shows the error');
        await assert.rejects(prepare(summary, ws.dir), (e: unknown) => {
            assert.ok(e instanceof PrepareError);
            assert.match(e.message, /line 13: `RTX_5090` is not defined.*\[undefined-name\]/);
            return true;
        });
    } finally {
        server.stop();
        ws.cleanup();
    }
});
