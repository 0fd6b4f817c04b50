// Issue 12 item 10: edits and requests with malformed positions. A reversed range or a position typed null, true,
// 1.5 or [] is refused (didChange: ignored and logged, since a notification has no reply; requests: InvalidParams),
// so the parsed copy never drifts from the document and the text never grows.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import {
    DidChangeTextDocumentNotification,
    ErrorCodes,
    HoverRequest,
    CompletionRequest,
    CodeActionRequest,
} from 'vscode-languageserver-protocol';
import { BROKEN_APP } from '../server/helpers';
import { peakRssMb, startServer, within } from './helpers';

const uri = 'file:///tmp/vast-adversarial/bad-edits.py';
const defLine = BROKEN_APP.split('\n').findIndex((l) => l.startsWith('def work'));

void test('a reversed edit range is refused: diagnostics stay on the line they describe', async () => {
    const server = await startServer();
    const { client } = server;
    try {
        await client.open(uri, BROKEN_APP, 1);
        await within(
            10000,
            'first diagnostics',
            client.diagnosticsFor(uri, (p) => p.version === 1),
        );
        // end before start, with text: applied one way by the text holder and another by the parser before the fix.
        await client.connection.sendNotification(DidChangeTextDocumentNotification.type, {
            textDocument: { uri, version: 2 },
            contentChanges: [
                { range: { start: { line: 2, character: 0 }, end: { line: 0, character: 0 } }, text: '\n\n' },
            ],
        });
        // A valid edit after it: the document is still BROKEN_APP plus this comment line at the top.
        await client.connection.sendNotification(DidChangeTextDocumentNotification.type, {
            textDocument: { uri, version: 3 },
            contentChanges: [
                { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# x\n' },
            ],
        });
        const diags = await within(
            10000,
            'diagnostics v3',
            client.diagnosticsFor(uri, (p) => p.version === 3),
        );
        const notAsync = diags.diagnostics.find((d) => d.code === 'remote-not-async');
        assert.equal(notAsync?.range.start.line, defLine + 1, JSON.stringify(diags.diagnostics));
        assert.ok(client.logs.some((l) => /Ignored textDocument\/didChange.*ends before it starts/.test(l)));
    } finally {
        server.stop();
    }
});

void test('positions typed null, true, 1.5, [] or -1: edits ignored, requests get InvalidParams, memory flat', async () => {
    const server = await startServer();
    const { client } = server;
    const garbage: unknown[] = [null, true, 1.5, [], -1, '3', {}, 2 ** 40];
    try {
        await client.open(uri, BROKEN_APP, 1);
        await within(
            10000,
            'first diagnostics',
            client.diagnosticsFor(uri, (p) => p.version === 1),
        );
        let version = 1;
        // Before the fix each of these doubled the document: 40 of them would need terabytes.
        for (let i = 0; i < 40; i++) {
            const bad = garbage[i % garbage.length];
            const pos = i % 2 === 0 ? { line: bad, character: 0 } : { line: 0, character: bad };
            await client.connection.sendNotification(DidChangeTextDocumentNotification.type, {
                textDocument: { uri, version: ++version },
                contentChanges: [{ range: { start: pos, end: pos }, text: 'x'.repeat(100) }],
            } as never);
        }
        version++;
        await client.connection.sendNotification(DidChangeTextDocumentNotification.type, {
            textDocument: { uri, version },
            contentChanges: [
                { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '#\n' },
            ],
        });
        const v = version;
        const diags = await within(
            20000,
            'diagnostics after garbage',
            client.diagnosticsFor(uri, (p) => p.version === v),
        );
        const notAsync = diags.diagnostics.find((d) => d.code === 'remote-not-async');
        assert.equal(notAsync?.range.start.line, defLine + 1);
        for (const bad of garbage) {
            const position = { line: bad, character: 0 } as never;
            for (const send of <(() => Promise<unknown>)[]>[
                () => client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position }),
                () => client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position }),
                () =>
                    client.connection.sendRequest(CodeActionRequest.type, {
                        textDocument: { uri },
                        range: { start: position, end: position },
                        context: { diagnostics: [] },
                    }),
            ]) {
                await assert.rejects(
                    within(5000, `request with ${JSON.stringify(bad)}`, send()),
                    (e: { code?: number }) => e.code === ErrorCodes.InvalidParams,
                );
            }
        }
        const rss = peakRssMb(server.child.pid as number);
        assert.ok(rss < 400, `peak RSS ${Math.round(rss)} MB`);
    } finally {
        server.stop();
    }
});
