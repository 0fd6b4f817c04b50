// The bundle over stdio: proves dist/server.js starts with `--stdio`, finds its wasm files, and speaks LSP.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { CodeLensRequest } from 'vscode-languageserver-protocol';
import { ListDeploymentsRequest } from '../../src/shared/protocol';
import { repoRoot } from '../helpers/paths';
import { BROKEN_APP, goodApp, makeWorkspace, uriOf } from './helpers';
import { LspClient } from './lspClient';

const bundle = path.join(repoRoot, 'dist', 'server.js');

void test('dist/server.js --stdio: diagnostics, CodeLens, listDeployments, clean shutdown', async () => {
    // `npm test` builds first; running this file alone builds the bundle when it is missing.
    if (!fs.existsSync(bundle)) {
        const r = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: repoRoot, stdio: 'inherit' });
        assert.equal(r.status, 0, 'esbuild');
    }
    const ws = makeWorkspace({ 'svc/app.py': goodApp('over-stdio') });
    const { client, child } = await LspClient.stdio(bundle, { workspaceFolders: [{ uri: ws.uri, name: 'ws' }] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    try {
        const list = await client.connection.sendRequest(ListDeploymentsRequest.type, {});
        assert.deepEqual(
            list.map((d) => d.name),
            ['over-stdio'],
        );
        const uri = uriOf(path.join(ws.dir, 'broken.py'));
        await client.open(uri, BROKEN_APP);
        const diags = await client.diagnosticsFor(uri);
        assert.ok(diags.diagnostics.some((d) => d.code === 'missing-benchmark'));
        const lenses = await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } });
        assert.equal(lenses?.length, 3);
        const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
        await client.close(true);
        assert.equal(await exited, 0, `exit code (stderr: ${stderr})`);
    } finally {
        child.kill();
        ws.cleanup();
    }
});
