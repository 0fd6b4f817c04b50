import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import {
    DidChangeWatchedFilesNotification,
    DidChangeWorkspaceFoldersNotification,
    FileChangeType,
} from 'vscode-languageserver-protocol';
import { ListDeploymentsRequest, type DeploymentSummary } from '../../src/shared/protocol';
import { compatCasesDir } from '../helpers/paths';
import { goodApp, makeWorkspace, uriOf } from './helpers';
import { LspClient } from './lspClient';

const MB = 1024 * 1024;

function names(list: DeploymentSummary[]): string[] {
    return list.map((d) => d.name ?? '?').sort();
}

void describe('workspace index', () => {
    void test('lists deployments of every folder and skips what is not user code', async () => {
        const big = `${goodApp('too-big')}\n${'# padding\n'.repeat(MB / 10 + 10)}`;
        const ws = makeWorkspace({
            'app.py': goodApp('root-app'),
            'pkg/service.py': goodApp('svc', 'v2'),
            'pkg/plain.py': 'def f():\n    return 1\n',
            'pkg/mentions.py': '# uses vastai somewhere else\nx = 1\n',
            'node_modules/lib/app.py': goodApp('in-node-modules'),
            '.venv/lib/app.py': goodApp('in-dot-venv'),
            'venv/app.py': goodApp('in-venv'),
            'env-custom/pyvenv.cfg': 'home = /usr/bin\n',
            'env-custom/lib/app.py': goodApp('in-custom-venv'),
            'lib/python3.12/site-packages/x/app.py': goodApp('in-site-packages'),
            '__pycache__/app.py': goodApp('in-pycache'),
            '.git/app.py': goodApp('in-git'),
            'generated/gen.py': goodApp('excluded-by-setting'),
            'big.py': big,
            'binary.py': Buffer.concat([Buffer.from(goodApp('binary')), Buffer.from([0, 1, 2, 0])]),
            'latin1.py': Buffer.from(`${goodApp('latin')}# caf\xe9\n`, 'latin1'),
            'notes.txt': goodApp('not-python'),
        });
        const client = await LspClient.inProcess({
            workspaceFolders: [{ uri: ws.uri, name: 'ws' }],
            settings: { exclude: ['generated/**'] },
        });
        try {
            const all = await client.connection.sendRequest(ListDeploymentsRequest.type, {});
            // Files Python refuses (a NUL byte, invalid UTF-8) are listed with their error, not hidden (issue 12).
            const refused = all.filter((d) => d.name === 'binary' || d.name === 'latin');
            assert.deepEqual(refused.map((d) => [d.name, d.problems.errors]).sort(), [
                ['binary', 1],
                ['latin', 1],
            ]);
            const list = all.filter((d) => !refused.includes(d));
            assert.deepEqual(names(list), ['root-app', 'svc']);
            const svc = list.find((d) => d.name === 'svc') as DeploymentSummary;
            assert.equal(svc.uri, uriOf(path.join(ws.dir, 'pkg/service.py')));
            assert.equal(svc.workspaceFolder, ws.uri);
            assert.equal(svc.tag, 'v2');
            assert.equal(svc.unnamed, false);
            assert.equal(svc.benchmarkFunction, 'square');
            assert.deepEqual(
                svc.functions.map((f) => [f.name, f.isAsync, f.isBenchmark, f.params]),
                [['square', true, true, ['x']]],
            );
            assert.equal(svc.image?.ref, 'vastai/base-image:@vastai-automatic-tag');
            assert.equal(svc.image?.storage, 16);
            assert.equal(
                svc.image?.searchParams,
                'verified=true rentable=true rented=false gpu_name in RTX_4090 gpu_ram>=24',
            );
            assert.deepEqual(svc.autoscaling, { min_load: 1000, cold_workers: 2 });
            assert.deepEqual(svc.problems, { errors: 0, warnings: 0, information: 0 });
            // Skips are logged, never fatal.
            const logs = client.logs.join('\n');
            assert.match(logs, /big\.py: \d+ bytes \(over 1 MB\)/);
            // One document's deployments only.
            const one = await client.connection.sendRequest(ListDeploymentsRequest.type, {
                uri: uriOf(path.join(ws.dir, 'app.py')),
            });
            assert.deepEqual(names(one), ['root-app']);
        } finally {
            await client.close();
            ws.cleanup();
        }
    });

    void test('search_params matches the SDK for every compat case', async () => {
        const cases = fs
            .readdirSync(compatCasesDir)
            .filter((c) => fs.existsSync(path.join(compatCasesDir, c, 'app.py')));
        const files: Record<string, string> = {};
        for (const c of cases) files[`${c}/app.py`] = fs.readFileSync(path.join(compatCasesDir, c, 'app.py'), 'utf8');
        const ws = makeWorkspace(files);
        const client = await LspClient.inProcess({ workspaceFolders: [{ uri: ws.uri, name: 'compat' }] });
        try {
            const list = await client.connection.sendRequest(ListDeploymentsRequest.type, {});
            for (const c of cases) {
                const expected = JSON.parse(fs.readFileSync(path.join(compatCasesDir, c, 'expected.json'), 'utf8')) as {
                    put?: { search_params?: string; name?: string; tag?: string };
                };
                if (!expected.put) continue;
                const d = list.find((x) => x.uri === uriOf(path.join(ws.dir, c, 'app.py')));
                assert.ok(d, c);
                assert.equal(d.image?.searchParams, expected.put.search_params, c);
                assert.equal(d.name, expected.put.name, c);
                assert.equal(d.tag, expected.put.tag, c);
            }
        } finally {
            await client.close();
            ws.cleanup();
        }
    });

    void test('watched files, folder changes and deploymentsChanged keep the list current', async () => {
        const ws = makeWorkspace({ 'one.py': goodApp('one') });
        const other = makeWorkspace({ 'two.py': goodApp('two') });
        const client = await LspClient.inProcess({ workspaceFolders: [{ uri: ws.uri, name: 'ws' }] });
        try {
            assert.deepEqual(names(await client.connection.sendRequest(ListDeploymentsRequest.type, {})), ['one']);
            await client.waitFor('watcher registration', () =>
                client.registrations.find((r) => r.method === 'workspace/didChangeWatchedFiles'),
            );
            // A new file on disk.
            const added = path.join(ws.dir, 'sub', 'three.py');
            fs.mkdirSync(path.dirname(added));
            fs.writeFileSync(added, goodApp('three'));
            const before = client.changes.length;
            await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
                changes: [{ uri: uriOf(added), type: FileChangeType.Created }],
            });
            await client.waitFor('deploymentsChanged', () =>
                client.changes.slice(before).find((c) => c.uris.includes(uriOf(added))),
            );
            assert.deepEqual(names(await client.connection.sendRequest(ListDeploymentsRequest.type, {})), [
                'one',
                'three',
            ]);
            // Deleting the folder holding it.
            fs.rmSync(path.dirname(added), { recursive: true });
            await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
                changes: [{ uri: uriOf(path.dirname(added)), type: FileChangeType.Deleted }],
            });
            await client.waitFor('removal', () =>
                client.changes.find((c) => c.uris.includes(uriOf(added)) && c !== client.changes[before]),
            );
            assert.deepEqual(names(await client.connection.sendRequest(ListDeploymentsRequest.type, {})), ['one']);
            // Workspace folders come and go.
            await client.connection.sendNotification(DidChangeWorkspaceFoldersNotification.type, {
                event: { added: [{ uri: other.uri, name: 'other' }], removed: [{ uri: ws.uri, name: 'ws' }] },
            });
            await client.waitFor('folder swap', () =>
                client.changes.find((c) => c.uris.length === 0 && c !== client.changes[0]),
            );
            assert.deepEqual(names(await client.connection.sendRequest(ListDeploymentsRequest.type, {})), ['two']);
        } finally {
            await client.close();
            ws.cleanup();
            other.cleanup();
        }
    });

    void test('an open document shadows the disk copy until it closes', async () => {
        const ws = makeWorkspace({ 'app.py': goodApp('disk-name') });
        const client = await LspClient.inProcess({ workspaceFolders: [{ uri: ws.uri, name: 'ws' }] });
        try {
            const uri = uriOf(path.join(ws.dir, 'app.py'));
            assert.deepEqual(names(await client.connection.sendRequest(ListDeploymentsRequest.type, {})), [
                'disk-name',
            ]);
            await client.open(uri, goodApp('edited-name'));
            assert.deepEqual(names(await client.connection.sendRequest(ListDeploymentsRequest.type, {})), [
                'edited-name',
            ]);
            await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
            assert.deepEqual(names(await client.connection.sendRequest(ListDeploymentsRequest.type, {})), [
                'disk-name',
            ]);
        } finally {
            await client.close();
            ws.cleanup();
        }
    });

    void test('a client without configuration or watcher support still gets an index (rootUri only)', async () => {
        const ws = makeWorkspace({ 'app.py': goodApp('plain-client') });
        const client = await LspClient.inProcess({ workspaceFolders: [{ uri: ws.uri, name: 'ws' }], capabilities: {} });
        try {
            assert.deepEqual(names(await client.connection.sendRequest(ListDeploymentsRequest.type, {})), [
                'plain-client',
            ]);
            assert.equal(client.configurationRequests, 0);
            assert.equal(client.registrations.length, 0);
        } finally {
            await client.close();
            ws.cleanup();
        }
    });
});
