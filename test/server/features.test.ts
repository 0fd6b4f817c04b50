import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
    CodeActionRequest,
    CodeLensRequest,
    CompletionRequest,
    DocumentSymbolRequest,
    HoverRequest,
    type CompletionItem,
    type CompletionList,
    type DocumentSymbol,
    type MarkupContent,
    type TextEdit,
} from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CommandId, type DeploymentRef } from '../../src/shared/commands';
import { compatCasesDir } from '../helpers/paths';
import { BROKEN_APP, goodApp } from './helpers';
import { LspClient } from './lspClient';

/** Position of the `n`-th occurrence of `needle` in `text`, plus `offset` characters. */
function posOf(text: string, needle: string, offset = 0): { line: number; character: number } {
    const i = text.indexOf(needle);
    assert.ok(i >= 0, `${needle} not in text`);
    return TextDocument.create('x', 'python', 1, text).positionAt(i + offset);
}

function labels(r: CompletionItem[] | CompletionList | null): string[] {
    const items = Array.isArray(r) ? r : (r?.items ?? []);
    return items.map((i) => i.label);
}

void describe('language features', () => {
    let client: LspClient;
    before(async () => {
        client = await LspClient.inProcess();
    });
    after(() => client.close());

    void test('CodeLens: deploy, benchmark, tear down for each deployment with one DeploymentRef argument', async () => {
        const uri = 'file:///tmp/vast-lsp-features/two.py';
        const text = `${goodApp('first')}\nother = Deployment(tag="blue")\n`;
        await client.open(uri, text);
        const lenses = await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } });
        assert.ok(lenses);
        assert.equal(lenses.length, 6);
        assert.deepEqual(
            lenses.map((l) => l.command?.command),
            [
                CommandId.deploy,
                CommandId.benchmark,
                CommandId.tearDown,
                CommandId.deploy,
                CommandId.benchmark,
                CommandId.tearDown,
            ],
        );
        assert.deepEqual(
            lenses.slice(0, 3).map((l) => l.command?.title),
            ['$(rocket) Deploy', '$(dashboard) Benchmark', '$(trash) Tear down'],
        );
        const first = lenses[0]?.command?.arguments as DeploymentRef[];
        assert.equal(first.length, 1);
        assert.deepEqual(first[0], {
            uri,
            name: 'first',
            tag: 'default',
            range: { start: posOf(text, 'Deployment(name'), end: posOf(text, 'Deployment(name="first")', 24) },
        });
        const second = lenses[3]?.command?.arguments?.[0] as DeploymentRef;
        assert.equal(second.name, '__main__');
        assert.equal(second.tag, 'blue');
        assert.equal(lenses[3]?.range.start.line, posOf(text, 'other =').line);
    });

    void test('CodeLens: none for an unknown document, none when disabled in settings', async () => {
        const none = await client.connection.sendRequest(CodeLensRequest.type, {
            textDocument: { uri: 'file:///nope.py' },
        });
        assert.deepEqual(none, []);
        const off = await LspClient.inProcess({ settings: { codeLens: { enabled: false } } });
        try {
            const uri = 'file:///tmp/vast-lsp-features/off.py';
            await off.open(uri, goodApp());
            assert.deepEqual(await off.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } }), []);
        } finally {
            await off.close();
        }
    });

    const hoverCases: { name: string; needle: string; offset?: number; expect: RegExp }[] = [
        { name: 'autoscaling parameter', needle: 'min_load=', expect: /perf units/ },
        { name: 'autoscaling parameter default', needle: 'cold_workers=', expect: /default 5/ },
        { name: 'benchmark argument', needle: 'benchmark_dataset', expect: /last\*\* item/ },
        { name: 'image storage units', needle: 'storage=', expect: /GB/ },
        { name: 'image method', needle: 'require(', expect: /Hardware filters/ },
        { name: 'query column units', needle: 'gpu_ram >=', expect: /MB/ },
        { name: 'GPU constant', needle: 'RTX_4090])', expect: /"RTX 4090"/ },
        { name: 'Deployment name argument', needle: 'name="my-app"', expect: /__main__/ },
        { name: 'configure_autoscaling method', needle: 'configure_autoscaling', expect: /before `ensure_ready\(\)`/ },
    ];
    for (const c of hoverCases) {
        void test(`hover: ${c.name}`, async () => {
            const uri = 'file:///tmp/vast-lsp-features/hover.py';
            const text = goodApp();
            await client.open(uri, text);
            const h = await client.connection.sendRequest(HoverRequest.type, {
                textDocument: { uri },
                position: posOf(text, c.needle, c.offset ?? 1),
            });
            assert.ok(h, `hover for ${c.needle}`);
            assert.match((h.contents as MarkupContent).value, c.expect);
        });
    }

    void test('hover: nothing on ordinary code', async () => {
        const uri = 'file:///tmp/vast-lsp-features/hover.py';
        const text = goodApp();
        await client.open(uri, text);
        const h = await client.connection.sendRequest(HoverRequest.type, {
            textDocument: { uri },
            position: posOf(text, 'return x', 8),
        });
        assert.equal(h, null);
    });

    void test('completion: keyword arguments of configure_autoscaling, minus the given ones', async () => {
        const uri = 'file:///tmp/vast-lsp-features/complete.py';
        const text = goodApp().replace(
            'app.configure_autoscaling(min_load=1000, cold_workers=2)',
            'app.configure_autoscaling(min_load=1000, )',
        );
        await client.open(uri, text);
        const r = await client.connection.sendRequest(CompletionRequest.type, {
            textDocument: { uri },
            position: posOf(text, 'min_load=1000, )', 15),
        });
        const got = labels(r);
        assert.ok(got.includes('max_workers='), got.join());
        assert.ok(got.includes('target_util='));
        assert.ok(!got.includes('min_load='));
    });

    void test('completion: a half-typed call the parser has not closed yet (Deployment keywords)', async () => {
        const uri = 'file:///tmp/vast-lsp-features/typing.py';
        const text = 'from vastai import Deployment\n\napp = Deployment(na';
        await client.open(uri, text);
        const r = await client.connection.sendRequest(CompletionRequest.type, {
            textDocument: { uri },
            position: posOf(text, '(na', 3),
        });
        assert.ok(labels(r).includes('name='), labels(r).join());
        assert.ok(labels(r).includes('tag='));
    });

    void test('completion: remote decorator and image keywords', async () => {
        const uri = 'file:///tmp/vast-lsp-features/kw.py';
        const text = goodApp()
            .replace('@app.remote(benchmark_dataset=[{"x": 2}])', '@app.remote()')
            .replace(', storage=16)', ', )');
        await client.open(uri, text);
        const remote = await client.connection.sendRequest(CompletionRequest.type, {
            textDocument: { uri },
            position: posOf(text, 'remote()', 7),
        });
        assert.ok(labels(remote).includes('benchmark_dataset='));
        assert.ok(!labels(remote).includes('allow_parallel_requests='), 'rejected keywords are not offered');
        const image = await client.connection.sendRequest(CompletionRequest.type, {
            textDocument: { uri },
            position: posOf(text, '-tag", )', 7),
        });
        assert.ok(labels(image).includes('storage='), labels(image).join());
    });

    void test('completion: query columns and GPU constants inside require(...) and after a query module', async () => {
        const uri = 'file:///tmp/vast-lsp-features/query.py';
        const text = goodApp().replace(
            'image.require(gpu_name.in_([RTX_4090]), gpu_ram >= 24000)',
            'image.require(gpu_name.in_([RTX_4090]), )',
        );
        await client.open(uri, text);
        const r = await client.connection.sendRequest(CompletionRequest.type, {
            textDocument: { uri },
            position: posOf(text, 'RTX_4090]), )', 11),
        });
        assert.ok(labels(r).includes('gpu_ram'));
        assert.ok(labels(r).includes('H100_SXM'));
        const q =
            'import vastai\nfrom vastai.data import query as q\napp = vastai.Deployment(name="x")\nimg = app.image("a", storage=1)\nimg.require(q.)\n';
        const quri = 'file:///tmp/vast-lsp-features/q.py';
        await client.open(quri, q);
        const r2 = await client.connection.sendRequest(CompletionRequest.type, {
            textDocument: { uri: quri },
            position: posOf(q, 'q.)', 2),
        });
        assert.ok(labels(r2).includes('num_gpus'), labels(r2).slice(0, 5).join());
    });

    void test('code actions: each quick fix applies and removes its problem', async () => {
        const uri = 'file:///tmp/vast-lsp-features/fix.py';
        let text = BROKEN_APP;
        let version = 1;
        await client.open(uri, text, version);
        for (const code of ['missing-benchmark', 'missing-autoscaling', 'remote-not-async']) {
            const diags = await client.diagnosticsFor(uri, (p) => p.version === version);
            const d = diags.diagnostics.find((x) => x.code === code);
            assert.ok(d, `${code} reported`);
            const actions = await client.connection.sendRequest(CodeActionRequest.type, {
                textDocument: { uri },
                range: d.range,
                context: { diagnostics: [d] },
            });
            const fix = actions?.find(
                (a) => 'kind' in a && a.diagnostics?.[0]?.code === code && !a.title.startsWith('Ignore'),
            );
            assert.ok(fix && 'edit' in fix && fix.edit?.changes, `a fix for ${code}`);
            const edits = fix.edit.changes[uri] as TextEdit[];
            text = TextDocument.applyEdits(TextDocument.create(uri, 'python', version, text), edits);
            version++;
            await client.connection.sendNotification('textDocument/didChange', {
                textDocument: { uri, version },
                contentChanges: [{ text }],
            });
            const after = await client.diagnosticsFor(uri, (p) => p.version === version);
            assert.ok(!after.diagnostics.some((x) => x.code === code), `${code} fixed: ${text}`);
        }
    });

    void test('code actions: "ignore on this line" silences the problem', async () => {
        const uri = 'file:///tmp/vast-lsp-features/ignore.py';
        await client.open(uri, BROKEN_APP, 1);
        const diags = await client.diagnosticsFor(uri, (p) => p.version === 1);
        const d = diags.diagnostics.find((x) => x.code === 'remote-not-async');
        assert.ok(d);
        const actions = await client.connection.sendRequest(CodeActionRequest.type, {
            textDocument: { uri },
            range: d.range,
            context: { diagnostics: [d] },
        });
        const ignore = actions?.find((a) => a.title === 'Ignore remote-not-async on this line');
        assert.ok(ignore && 'edit' in ignore && ignore.edit?.changes);
        const text = TextDocument.applyEdits(
            TextDocument.create(uri, 'python', 1, BROKEN_APP),
            ignore.edit.changes[uri] as TextEdit[],
        );
        await client.connection.sendNotification('textDocument/didChange', {
            textDocument: { uri, version: 2 },
            contentChanges: [{ text }],
        });
        const after = await client.diagnosticsFor(uri, (p) => p.version === 2);
        assert.ok(!after.diagnostics.some((x) => x.code === 'remote-not-async'));
    });

    void test('document symbols: deployment -> remote functions, context, image, autoscaling', async () => {
        const uri = 'file:///tmp/vast-lsp-features/full.py';
        const text = fs.readFileSync(path.join(compatCasesDir, 'full-image', 'app.py'), 'utf8');
        await client.open(uri, text);
        const symbols = (await client.connection.sendRequest(DocumentSymbolRequest.type, {
            textDocument: { uri },
        })) as DocumentSymbol[];
        assert.equal(symbols.length, 1);
        const dep = symbols[0] as DocumentSymbol;
        assert.equal(dep.name, 'llm-server');
        const children = (dep.children ?? []).map((c) => `${c.detail}:${c.name}`);
        assert.deepEqual(children, [
            'remote · benchmark:generate',
            'remote:health',
            'context:Model',
            'image:vllm/vllm-openai:v0.9.0',
            'autoscaling:configure_autoscaling',
        ]);
        for (const c of dep.children ?? []) {
            assert.ok(
                c.range.start.line >= dep.range.start.line && c.range.end.line <= dep.range.end.line,
                `${c.name} inside parent`,
            );
        }
    });
});
