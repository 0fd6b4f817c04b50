// Issue 12 item 9: crafted nesting and huge documents. Before: a 100 KB file of nested `Deployment(name=...)`
// blocked every request for 78 s (a root-to-node walk per occurrence), and a 5 MB document for 592 s. Now the walk
// is linear, one analysis has a time budget, and a document over the size limit gets one clear diagnostic.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { DocumentSymbolRequest } from 'vscode-languageserver-protocol';
import { goodApp } from '../server/helpers';
import { peakRssMb, startServer, within } from './helpers';

/** `from vastai import Deployment` and one assignment nesting `Deployment(name=...)` to about `bytes` bytes. */
function nested(bytes: number): string {
    const levels = Math.floor(bytes / 17);
    return `from vastai import Deployment\napp = ${'Deployment(name='.repeat(levels)}"x"${')'.repeat(levels)}\n`;
}

void test('100 KB of nested Deployment(...) calls: diagnosed within seconds, other requests answered', async () => {
    const server = await startServer();
    const { client } = server;
    try {
        const other = 'file:///tmp/vast-adversarial/other.py';
        await client.open(other, goodApp('other'), 1);
        await within(10000, 'other diagnostics', client.diagnosticsFor(other));
        const uri = 'file:///tmp/vast-adversarial/nested.py';
        const started = Date.now();
        await client.open(uri, nested(100_000), 1);
        const symbols = await within(
            15000,
            'symbols of the other file while the nested one is analysed',
            client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri: other } }),
        );
        assert.ok(Array.isArray(symbols));
        const diags = await within(15000, 'nested diagnostics', client.diagnosticsFor(uri));
        const ms = Date.now() - started;
        // Either analysed in time (a deployment with its problems) or stopped by the budget, and then said so.
        assert.ok(diags.diagnostics.length > 0, 'one diagnostic at least');
        process.stderr.write(`nested 100 KB: ${ms} ms, ${diags.diagnostics.map((d) => d.code).join(',')}\n`);
    } finally {
        server.stop();
    }
});

void test('a 5 MB document: one not-analysed diagnostic, quickly, memory bounded', async () => {
    const server = await startServer();
    const { client } = server;
    try {
        const uri = 'file:///tmp/vast-adversarial/huge.py';
        const text = `${goodApp('huge')}${'x = [1, 2, 3]  # vastai\n'.repeat(220_000)}`;
        assert.ok(text.length > 5_000_000);
        await client.open(uri, text, 1);
        const diags = await within(15000, 'huge diagnostics', client.diagnosticsFor(uri));
        assert.deepEqual(
            diags.diagnostics.map((d) => d.code),
            ['not-analysed'],
        );
        assert.match(diags.diagnostics[0]?.message ?? '', /million characters/);
        const rss = peakRssMb(server.child.pid as number);
        assert.ok(rss < 500, `peak RSS ${Math.round(rss)} MB`);
    } finally {
        server.stop();
    }
});
