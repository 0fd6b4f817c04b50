// Fuzz: mutated deployment files (truncation, random deletions, garbage bytes, random ranged edits) must never stop
// the server from answering. Seeded, so a failure names the seed and iteration that reproduce it.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import {
    CodeActionRequest,
    CodeLensRequest,
    CompletionRequest,
    DidChangeTextDocumentNotification,
    DocumentSymbolRequest,
    HoverRequest,
    type Position,
    type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol';
import { ListDeploymentsRequest } from '../../src/shared/protocol';
import { compatCasesDir } from '../helpers/paths';
import { BROKEN_APP, goodApp } from './helpers';
import { LspClient } from './lspClient';
import { seededRandom } from '../../src/shared/seededRandom';

const SEED = Number(process.env.VAST_FUZZ_SEED ?? 20261127);
const ITERATIONS = 300;
const TIME_BUDGET_MS = 25000;
const GARBAGE = [
    '\u0000',
    '\uFFFD',
    '\uD83D',
    '\uDE00',
    '😀',
    '(',
    ')',
    '[',
    ']',
    '{',
    '}',
    '"""',
    "'",
    '\\',
    '\r',
    '\n',
    '\t',
    ':',
    '@',
    '#',
    'é',
    'ß',
];

function corpus(): string[] {
    const out = [goodApp(), BROKEN_APP];
    for (const c of fs.readdirSync(compatCasesDir)) {
        const p = path.join(compatCasesDir, c, 'app.py');
        if (fs.existsSync(p)) out.push(fs.readFileSync(p, 'utf8'));
    }
    return out;
}

function mutate(text: string, rnd: () => number): string {
    const int = (n: number): number => Math.floor(rnd() * n);
    let t = text;
    const ops = 1 + int(4);
    for (let i = 0; i < ops; i++) {
        const kind = int(4);
        if (kind === 0) t = t.slice(0, int(t.length + 1));
        else if (kind === 1) {
            const s = int(t.length + 1);
            t = t.slice(0, s) + t.slice(s + int(40));
        } else if (kind === 2) {
            const s = int(t.length + 1);
            let g = '';
            for (let k = 0, n = 1 + int(6); k < n; k++) {
                g += rnd() < 0.5 ? (GARBAGE[int(GARBAGE.length)] as string) : String.fromCharCode(int(0x3000));
            }
            t = t.slice(0, s) + g + t.slice(s);
        } else {
            // Duplicate a slice elsewhere (nested decorators, repeated calls).
            const s = int(t.length + 1);
            const piece = t.slice(s, s + int(120));
            const at = int(t.length + 1);
            t = t.slice(0, at) + piece + t.slice(at);
        }
    }
    return t;
}

function randomPos(text: string, rnd: () => number): Position {
    const lines = text.split('\n');
    const line = Math.floor(rnd() * (lines.length + 1));
    return { line, character: Math.floor(rnd() * ((lines[line]?.length ?? 0) + 3)) };
}

void test(`fuzz: the server answers every request on mutated files (seed ${SEED})`, async () => {
    const rnd = seededRandom(SEED);
    const files = corpus();
    const client = await LspClient.inProcess();
    const uri = 'file:///tmp/vast-lsp-fuzz/app.py';
    let text = files[0] as string;
    let version = 1;
    await client.open(uri, text, version);
    const started = Date.now();
    let iterations = 0;
    try {
        for (let i = 0; i < ITERATIONS && Date.now() - started < TIME_BUDGET_MS; i++, iterations++) {
            const where = `seed ${SEED}, iteration ${i}`;
            version++;
            let changes: TextDocumentContentChangeEvent[];
            if (rnd() < 0.5) {
                text = mutate(files[Math.floor(rnd() * files.length)] as string, rnd);
                changes = [{ text }];
            } else {
                // A ranged edit; the server keeps its own copy, so the test only needs to send it.
                const a = randomPos(text, rnd);
                const b = randomPos(text, rnd);
                const [start, end] =
                    a.line < b.line || (a.line === b.line && a.character <= b.character) ? [a, b] : [b, a];
                changes = [{ range: { start, end }, text: mutate('x = app.image("a")\n', rnd) }];
            }
            await client.connection.sendNotification(DidChangeTextDocumentNotification.type, {
                textDocument: { uri, version },
                contentChanges: changes,
            });
            const v = version;
            const diags = await client.diagnosticsFor(uri, (p) => p.version === v);
            assert.ok(Array.isArray(diags.diagnostics), where);
            const td = { textDocument: { uri } };
            const pos = randomPos(text, rnd);
            const answers = await Promise.all([
                client.connection.sendRequest(CodeLensRequest.type, td),
                client.connection.sendRequest(HoverRequest.type, { ...td, position: pos }),
                client.connection.sendRequest(CompletionRequest.type, { ...td, position: pos }),
                client.connection.sendRequest(DocumentSymbolRequest.type, td),
                client.connection.sendRequest(CodeActionRequest.type, {
                    ...td,
                    range: { start: { line: 0, character: 0 }, end: pos },
                    context: { diagnostics: diags.diagnostics },
                }),
                client.connection.sendRequest(ListDeploymentsRequest.type, { uri }),
            ]);
            assert.ok(Array.isArray(answers[0]), `codeLens, ${where}`);
            assert.ok(answers[1] === null || typeof answers[1] === 'object', `hover, ${where}`);
            assert.ok(Array.isArray(answers[2]), `completion, ${where}`);
            assert.ok(Array.isArray(answers[3]), `symbols, ${where}`);
            assert.ok(Array.isArray(answers[4]), `codeAction, ${where}`);
            assert.ok(Array.isArray(answers[5]), `listDeployments, ${where}`);
        }
        assert.ok(iterations >= 50, `only ${iterations} iterations ran in the time budget`);
        const failures = client.logs.filter((l) => / failed/.test(l));
        if (failures.length > 0) {
            // Logged and contained by the server (the point of the test), but worth seeing.
            process.stderr.write(`fuzz: ${failures.length} contained failures, first:\n${failures[0]}\n`);
        }
    } finally {
        await client.close();
    }
});
