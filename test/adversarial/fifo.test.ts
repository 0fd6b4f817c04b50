// Issue 12 item 8: a `.py` that is a FIFO (or a symlink to one) must not freeze the language server or `check DIR`:
// opening a FIFO for reading waits for a writer that never comes.
import * as assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { ListDeploymentsRequest } from '../../src/shared/protocol';
import { goodApp, makeWorkspace } from '../server/helpers';
import { CLI_BUNDLE, ensureBundles, startServer, within } from './helpers';

function workspaceWithFifos(): ReturnType<typeof makeWorkspace> {
    const ws = makeWorkspace({ 'app.py': goodApp('beside-a-fifo') });
    const r = spawnSync('mkfifo', [path.join(ws.dir, 'pipe.py')]);
    assert.equal(r.status, 0, 'mkfifo');
    fs.symlinkSync('pipe.py', path.join(ws.dir, 'link.py'));
    return ws;
}

void test('language server: a FIFO .py and a symlink to it are skipped; requests and shutdown answer', async () => {
    const ws = workspaceWithFifos();
    const server = await startServer({ workspaceFolders: [{ uri: ws.uri, name: 'ws' }] });
    try {
        const list = await within(
            10000,
            'listDeployments',
            server.client.connection.sendRequest(ListDeploymentsRequest.type, {}),
        );
        assert.deepEqual(
            list.map((d) => d.name),
            ['beside-a-fifo'],
        );
        await within(5000, 'shutdown', server.client.connection.sendRequest('shutdown'));
    } finally {
        server.stop();
        ws.cleanup();
    }
});

void test('check DIR: FIFOs are skipped, the real file is checked, exit within the deadline', async () => {
    ensureBundles();
    const ws = workspaceWithFifos();
    try {
        const r = await within(
            20000,
            'check DIR',
            new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
                const child = execFile(process.execPath, [CLI_BUNDLE, 'check', ws.dir], (err, stdout, stderr) =>
                    resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
                );
                setTimeout(() => child.kill('SIGKILL'), 19000).unref();
            }),
        );
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stderr, /1 file\(s\) checked/);
        const direct = spawnSync(process.execPath, [CLI_BUNDLE, 'check', path.join(ws.dir, 'link.py')], {
            timeout: 20000,
            encoding: 'utf8',
        });
        assert.equal(direct.status, 2, direct.stderr);
        assert.match(direct.stderr, /not a regular file/);
    } finally {
        ws.cleanup();
    }
});
