import * as assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DidChangeTextDocumentNotification } from 'vscode-languageserver-protocol';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fixturesDir } from '../helpers/paths';
import { BROKEN_APP, goodApp, makeWorkspace, uriOf } from './helpers';
import { LspClient } from './lspClient';

function codes(p: { diagnostics: { code?: string | number }[] }): string[] {
    return p.diagnostics.map((d) => String(d.code)).sort();
}

void describe('diagnostics of open documents', () => {
    let client: LspClient;
    before(async () => {
        client = await LspClient.inProcess();
    });
    after(() => client.close());

    void test("didOpen publishes the rules' codes with source vast", async () => {
        const uri = 'file:///tmp/vast-lsp-open/broken.py';
        await client.open(uri, BROKEN_APP);
        const p = await client.diagnosticsFor(uri);
        const got = codes(p);
        for (const c of ['missing-benchmark', 'missing-autoscaling', 'remote-not-async']) {
            assert.ok(got.includes(c), `${c} in ${got.join(',')}`);
        }
        assert.ok(p.diagnostics.every((d) => d.source === 'vast'));
        assert.equal(p.version, 1);
    });

    void test('a valid file has no errors', async () => {
        const uri = 'file:///tmp/vast-lsp-open/good.py';
        await client.open(uri, goodApp());
        const p = await client.diagnosticsFor(uri);
        assert.deepEqual(
            p.diagnostics.filter((d) => d.severity === 1),
            [],
        );
    });

    void test('a module-level os.environ["X"] the image does not set warns; image.env(X=...) after an edit quiets it', async () => {
        const uri = 'file:///tmp/vast-lsp-open/env.py';
        const text = `import os\nMODEL = os.environ["MODEL_NAME"]\n${goodApp('env-app')}`;
        await client.open(uri, text);
        const p = await client.diagnosticsFor(uri, (x) => x.version === 1);
        const d = p.diagnostics.find((x) => x.code === 'env-unset-on-worker');
        assert.ok(d, codes(p).join(','));
        assert.equal(d.severity, 2);
        assert.deepEqual(d.range, { start: { line: 1, character: 8 }, end: { line: 1, character: 32 } });
        assert.match(
            d.message,
            /^Raises KeyError on every worker: a worker imports this file with the variables image\.env\(\.\.\.\) sets .*; set MODEL_NAME with image\.env\(MODEL_NAME=\.\.\.\), or read/,
        );
        assert.match(d.relatedInformation?.[0]?.message ?? '', /this image does not set MODEL_NAME with \.env/);
        const line = text.split('\n').findIndex((l) => l.startsWith('image = app.image('));
        await client.connection.sendNotification(DidChangeTextDocumentNotification.type, {
            textDocument: { uri, version: 2 },
            contentChanges: [
                {
                    range: { start: { line: line + 1, character: 0 }, end: { line: line + 1, character: 0 } },
                    text: 'image.env(MODEL_NAME="gpt2")\n',
                },
            ],
        });
        const p2 = await client.diagnosticsFor(uri, (x) => x.version === 2);
        assert.ok(!codes(p2).includes('env-unset-on-worker'), codes(p2).join(','));
    });

    void test('incremental edits re-diagnose: making the function async removes remote-not-async', async () => {
        const uri = 'file:///tmp/vast-lsp-open/edit.py';
        await client.open(uri, BROKEN_APP);
        await client.diagnosticsFor(uri, (p) => p.version === 1);
        const line = BROKEN_APP.split('\n').indexOf('def work(a, b):');
        await client.connection.sendNotification(DidChangeTextDocumentNotification.type, {
            textDocument: { uri, version: 2 },
            contentChanges: [{ range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: 'async ' }],
        });
        const p = await client.diagnosticsFor(uri, (x) => x.version === 2);
        assert.ok(!codes(p).includes('remote-not-async'));
        assert.ok(codes(p).includes('missing-benchmark'));
        // Two edits in one notification, the second relative to the first's result.
        await client.connection.sendNotification(DidChangeTextDocumentNotification.type, {
            textDocument: { uri, version: 3 },
            contentChanges: [
                { range: { start: { line, character: 0 }, end: { line, character: 6 } }, text: '' },
                { range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: 'async ' },
            ],
        });
        const p3 = await client.diagnosticsFor(uri, (x) => x.version === 3);
        assert.ok(!codes(p3).includes('remote-not-async'));
    });
});

void describe('debounce', () => {
    void test('rapid edits are diagnosed once, for the last version', async () => {
        const client = await LspClient.inProcess({ diagnosticsDelay: 200 });
        try {
            const uri = 'file:///tmp/vast-lsp-debounce/a.py';
            await client.open(uri, BROKEN_APP);
            await client.diagnosticsFor(uri, (p) => p.version === 1);
            for (let v = 2; v <= 6; v++) {
                await client.connection.sendNotification(DidChangeTextDocumentNotification.type, {
                    textDocument: { uri, version: v },
                    contentChanges: [
                        { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '#' },
                    ],
                });
            }
            const last = await client.diagnosticsFor(uri, (p) => p.version === 6);
            assert.deepEqual(
                client.publishes.filter((p) => p.uri === uri).map((p) => p.version),
                [1, 6],
            );
            // Five `#` made line 0 a comment: the import is gone, so is every deployment.
            assert.deepEqual(last.diagnostics, []);
        } finally {
            await client.close();
        }
    });
});

void describe('settings', () => {
    void test('severity overrides (including off) come from workspace/configuration and are re-read on change', async () => {
        const client = await LspClient.inProcess({
            settings: { diagnostics: { severity: { 'missing-benchmark': 'off', 'remote-not-async': 'warning' } } },
        });
        try {
            const uri = 'file:///tmp/vast-lsp-settings/a.py';
            await client.open(uri, BROKEN_APP);
            const p = await client.diagnosticsFor(uri);
            assert.ok(!codes(p).includes('missing-benchmark'));
            assert.equal(p.diagnostics.find((d) => d.code === 'remote-not-async')?.severity, 2);
            const requests = client.configurationRequests;
            await client.changeSettings({ diagnostics: { severity: {} } });
            const p2 = await client.diagnosticsFor(uri, (x) => codes(x).includes('missing-benchmark'));
            assert.equal(p2.diagnostics.find((d) => d.code === 'remote-not-async')?.severity, 1);
            assert.ok(client.configurationRequests > requests, 'settings pulled again after the change');
        } finally {
            await client.close();
        }
    });

    void test('# vast: ignore[code] silences that code on its line only', async () => {
        const client = await LspClient.inProcess();
        try {
            const uri = 'file:///tmp/vast-lsp-settings/ignored.py';
            const text = BROKEN_APP.replace('def work(a, b):', 'def work(a, b):  # vast: ignore[remote-not-async]');
            await client.open(uri, text);
            const p = await client.diagnosticsFor(uri);
            assert.ok(!codes(p).includes('remote-not-async'), codes(p).join());
            assert.ok(codes(p).includes('missing-benchmark'));
        } finally {
            await client.close();
        }
    });
});

void describe('workspace diagnostics', () => {
    void test('remote-in-multiple-files fires for closed files, also one that never names vastai', async () => {
        const dir = path.join(fixturesDir, 'rules', 'remote-in-multiple-files', 'fire');
        const ws = makeWorkspace({
            'app.py': fs.readFileSync(path.join(dir, 'app.py'), 'utf8'),
            'extra.py': fs.readFileSync(path.join(dir, 'extra.py'), 'utf8'),
        });
        const client = await LspClient.inProcess({ workspaceFolders: [{ uri: ws.uri, name: 'ws' }] });
        try {
            for (const f of ['app.py', 'extra.py']) {
                await client.diagnosticsFor(uriOf(path.join(ws.dir, f)), (p) =>
                    codes(p).includes('remote-in-multiple-files'),
                );
            }
        } finally {
            await client.close();
            ws.cleanup();
        }
    });

    void test('closed files with deployments get diagnostics; duplicates across files are reported with related info', async () => {
        const ws = makeWorkspace({
            'a/app.py': goodApp('same'),
            'b/app.py': goodApp('same'),
            'c/ok.py': goodApp('other'),
        });
        const client = await LspClient.inProcess({ workspaceFolders: [{ uri: ws.uri, name: 'ws' }] });
        try {
            const a = uriOf(`${ws.dir}/a/app.py`);
            const b = uriOf(`${ws.dir}/b/app.py`);
            const pa = await client.diagnosticsFor(a, (p) => codes(p).includes('duplicate-deployment'));
            await client.diagnosticsFor(b, (p) => codes(p).includes('duplicate-deployment'));
            const dup = pa.diagnostics.find((d) => d.code === 'duplicate-deployment');
            assert.ok(
                dup?.relatedInformation?.some((r) => r.location.uri === b),
                'related information points at the other file',
            );
            assert.ok(
                !client.diagnostics
                    .get(uriOf(`${ws.dir}/c/ok.py`))
                    ?.diagnostics.some((d) => d.code === 'duplicate-deployment'),
            );
        } finally {
            await client.close();
            ws.cleanup();
        }
    });
});
