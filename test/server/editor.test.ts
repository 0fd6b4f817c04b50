// Issue 10 "The editor" over a real LSP connection: completing a GPU name or column brings its import, an undefined
// name in require(...) is an error whose fix adds the import, GPU names (not columns) where a GPU name goes, and the
// missing-benchmark fix as plain text or as a snippet for a client that takes snippet edits.
import * as assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
    CodeActionRequest,
    CompletionRequest,
    type CodeAction,
    type CompletionItem,
    type CompletionList,
    type Diagnostic,
    type TextEdit,
} from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { initPython } from '../../src/shared/python/analyze';
import { compileErrors } from '../../src/shared/python/compileErrors';
import { goodApp } from './helpers';
import { fullCapabilities, LspClient } from './lspClient';

const ONLY_GPU = goodApp().replace('image.require(gpu_name.in_([RTX_4090]), gpu_ram >= 24000)', 'image.require()');

function posOf(text: string, needle: string, offset = needle.length): { line: number; character: number } {
    const i = text.indexOf(needle);
    assert.ok(i >= 0, `${needle} not in text`);
    return TextDocument.create('x', 'python', 1, text).positionAt(i + offset);
}

function itemsOf(r: CompletionItem[] | CompletionList | null): CompletionItem[] {
    return Array.isArray(r) ? r : (r?.items ?? []);
}

function apply(uri: string, text: string, edits: TextEdit[]): string {
    return TextDocument.applyEdits(TextDocument.create(uri, 'python', 1, text), edits);
}

/** Opens `text` as a new version of `uri` and waits for that version's diagnostics. */
async function diagnosticsOf(client: LspClient, uri: string, text: string, version: number): Promise<Diagnostic[]> {
    if (version === 1) await client.open(uri, text, 1);
    else {
        await client.connection.sendNotification('textDocument/didChange', {
            textDocument: { uri, version },
            contentChanges: [{ text }],
        });
    }
    return (await client.diagnosticsFor(uri, (p) => p.version === version)).diagnostics;
}

/** The text after accepting a completion item typed over `typed` at `at` (its label plus its import edits). */
function accept(uri: string, text: string, item: CompletionItem, at: number, typed = ''): string {
    const doc = TextDocument.create(uri, 'python', 1, text);
    const insert: TextEdit = {
        range: { start: doc.positionAt(at - typed.length), end: doc.positionAt(at) },
        newText: item.insertText ?? item.label,
    };
    return apply(uri, text, [insert, ...(item.additionalTextEdits ?? [])]);
}

/** Opens goodApp(`name`) with its remote function written as `remote`; the code actions at missing-benchmark. */
async function benchmarkActions(
    client: LspClient,
    uri: string,
    name: string,
    remote: string,
): Promise<{ text: string; actions: CodeAction[] }> {
    const text = goodApp(name).replace('@app.remote(benchmark_dataset=[{"x": 2}])\nasync def square(x):', remote);
    const diags = await diagnosticsOf(client, uri, text, 1);
    const d = diags.find((x) => x.code === 'missing-benchmark');
    assert.ok(d, 'missing-benchmark reported');
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
        textDocument: { uri },
        range: d.range,
        context: { diagnostics: [d] },
    })) as CodeAction[];
    return { text, actions };
}

void describe('the editor: imports, undefined names, GPU names, benchmark fix', () => {
    let client: LspClient;
    before(async () => {
        await initPython();
        client = await LspClient.inProcess();
    });
    after(() => client.close());

    void test('inside gpu_name.in_([ completion offers GPU constants only; a new one imports itself', async () => {
        const uri = 'file:///tmp/vast-lsp-editor/in.py';
        const text = ONLY_GPU.replace('image.require()', 'image.require(gpu_name.in_([RTX_4090, RT]))');
        await client.open(uri, text);
        const at = text.indexOf('RT]))') + 2;
        const r = await client.connection.sendRequest(CompletionRequest.type, {
            textDocument: { uri },
            position: posOf(text, 'RTX_4090, RT'),
        });
        const items = itemsOf(r);
        assert.ok(items.length > 50, `GPU constants offered (${items.length})`);
        assert.ok(!items.some((i) => i.label === 'gpu_ram' || i.label === 'num_gpus'), 'no columns');
        const imported = items.find((i) => i.label === 'RTX_4090');
        assert.ok(imported && !imported.additionalTextEdits, 'an imported constant needs no edit');
        const rtx5090 = items.find((i) => i.label === 'RTX_5090');
        assert.ok(rtx5090?.additionalTextEdits?.length === 1, 'RTX_5090 brings its import');
        const fixed = accept(uri, text, rtx5090, at, 'RT');
        assert.match(fixed, /^from vastai\.data\.query import gpu_name, gpu_ram, RTX_4090, RTX_5090$/m);
        assert.match(fixed, /image\.require\(gpu_name\.in_\(\[RTX_4090, RTX_5090\]\)\)/);
        const diags = await diagnosticsOf(client, uri, fixed, 2);
        assert.deepEqual(
            diags.filter((d) => d.severity === 1).map((d) => d.message),
            [],
        );
    });

    void test('after gpu_name == (and q.gpu_name !=) completion offers GPU constants, not columns', async () => {
        const uri = 'file:///tmp/vast-lsp-editor/eq.py';
        const text = ONLY_GPU.replace('image.require()', 'image.require(gpu_name == )').replace(
            'from vastai import Deployment',
            'from vastai import Deployment\nimport vastai.data.query as q',
        );
        await client.open(uri, text);
        for (const [needle, fixed] of [
            ['gpu_name == ', text],
            ['q.gpu_name != ', text.replace('gpu_name == )', 'q.gpu_name != )')],
        ] as const) {
            if (fixed !== text) {
                await client.connection.sendNotification('textDocument/didChange', {
                    textDocument: { uri, version: 2 },
                    contentChanges: [{ text: fixed }],
                });
            }
            const r = await client.connection.sendRequest(CompletionRequest.type, {
                textDocument: { uri },
                position: posOf(fixed, needle),
            });
            const labels = itemsOf(r).map((i) => i.label);
            assert.ok(labels.includes('H100_SXM'), `${needle}: GPU constants`);
            assert.ok(!labels.includes('gpu_ram'), `${needle}: no columns`);
        }
    });

    void test('completing a column in require(...) imports it; a file without the import line gets one', async () => {
        const uri = 'file:///tmp/vast-lsp-editor/column.py';
        const text = ONLY_GPU.replace('from vastai.data.query import gpu_name, gpu_ram, RTX_4090\n', '').replace(
            'image.require()',
            'image.require(num_g)',
        );
        await client.open(uri, text);
        const at = text.indexOf('num_g)') + 5;
        const r = await client.connection.sendRequest(CompletionRequest.type, {
            textDocument: { uri },
            position: posOf(text, 'num_g'),
        });
        const item = itemsOf(r).find((i) => i.label === 'num_gpus');
        assert.ok(item?.additionalTextEdits, 'num_gpus brings its import');
        const fixed = accept(uri, text, item, at, 'num_g');
        assert.ok(
            fixed.startsWith('from vastai import Deployment\nfrom vastai.data.query import num_gpus\n\napp ='),
            fixed.slice(0, 120),
        );
    });

    void test('an undefined name in require(...) is an error naming its module; the fix imports it', async () => {
        const uri = 'file:///tmp/vast-lsp-editor/undefined.py';
        const text = ONLY_GPU.replace('image.require()', 'image.require(gpu_name.in_([RTX_4090, A100_PCIE]))');
        const diags = await diagnosticsOf(client, uri, text, 1);
        const d = diags.find((x) => x.code === 'undefined-name');
        assert.ok(d, JSON.stringify(diags));
        assert.equal(d.severity, 1, 'error');
        assert.match(d.message, /`A100_PCIE` is not defined: Python raises NameError .* in vastai\.data\.query/);
        assert.deepEqual(d.range.start, posOf(text, 'A100_PCIE', 0));
        assert.ok(!diags.some((x) => x.code === 'dynamic-value'), 'not reported as a dynamic value');
        const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
            textDocument: { uri },
            range: d.range,
            context: { diagnostics: [d] },
        })) as CodeAction[];
        const fix = actions.find((a) => a.title === 'Import A100_PCIE from vastai.data.query');
        assert.ok(fix?.edit?.changes, actions.map((a) => a.title).join());
        assert.equal(fix.isPreferred, true);
        const fixed = apply(uri, text, fix.edit.changes[uri] as TextEdit[]);
        assert.match(fixed, /^from vastai\.data\.query import A100_PCIE, gpu_name, gpu_ram, RTX_4090$/m);
        const after = await diagnosticsOf(client, uri, fixed, 2);
        assert.deepEqual(
            after.filter((x) => x.severity === 1 || x.code === 'undefined-name'),
            [],
        );
    });

    void test('missing-benchmark fix: plain text for a plain client, valid and formatted', async () => {
        const uri = 'file:///tmp/vast-lsp-editor/bench.py';
        const { text, actions } = await benchmarkActions(
            client,
            uri,
            'bench',
            '@app.remote(\n    benchmark_runs=3,\n)\nasync def square(x: int, words: list[str]):',
        );
        const fix = actions.find((a) => a.title.startsWith('Add a benchmark_dataset'));
        assert.ok(fix?.edit?.changes, 'plain edits');
        const fixed = apply(uri, text, fix.edit.changes[uri] as TextEdit[]);
        assert.match(
            fixed,
            /@app\.remote\(\n {4}benchmark_runs=3,\n {4}benchmark_dataset=\[\{"x": 1, "words": \["hello"\]\}\],\n\)\n/,
        );
        assert.deepEqual(compileErrors(fixed), []);
        const after = await diagnosticsOf(client, uri, fixed, 2);
        assert.deepEqual(
            after.filter((x) => x.severity === 1 || x.severity === 2),
            [],
        );
    });
});

void describe('snippet edits for a client that announces them (LSP 3.18)', () => {
    let client: LspClient;
    before(async () => {
        client = await LspClient.inProcess({
            capabilities: {
                ...fullCapabilities,
                workspace: { ...fullCapabilities.workspace, workspaceEdit: { snippetEditSupport: true } as object },
            },
        });
    });
    after(() => client.close());

    void test('the missing-benchmark fix is a versioned document change with tab stops over the samples', async () => {
        const uri = 'file:///tmp/vast-lsp-editor/snippet.py';
        const { text, actions } = await benchmarkActions(
            client,
            uri,
            'snippet',
            '@app.remote\nasync def square(x: int, label: str):',
        );
        const fix = actions.find((a) => a.title.startsWith('Add a benchmark_dataset'));
        const change = fix?.edit?.documentChanges?.[0];
        assert.ok(change && 'edits' in change, JSON.stringify(fix?.edit));
        assert.deepEqual(change.textDocument, { uri, version: 1 });
        assert.deepEqual(change.edits, [
            {
                range: { start: posOf(text, '@app.remote'), end: posOf(text, '@app.remote') },
                snippet: { kind: 'snippet', value: '(benchmark_dataset=[{"x": ${1:1}, "label": ${2:"hello"}\\}]$0)' },
            },
        ]);
        // Other fixes stay plain edits.
        const ignore = actions.find((a) => a.title.startsWith('Ignore'));
        assert.ok(ignore?.edit?.changes);
    });
});
