// The missing-benchmark quick fix as the user applies it (the lightbulb's preferred quick fix) inside a real VS Code:
// the dataset arrives as a snippet, the first sample selected and Tab moving to the next, through the language
// client's LSP 3.18 snippet edits (src/extension/snippetEdits.ts). Runs last of the trusted pass (files sort by name)
// and removes its file, so the other tests' workspace is as they expect.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { until, workspaceUri } from './helpers';

const APP = [
    'from vastai import Deployment',
    '',
    'app = Deployment(name="vscode-snippet")',
    '',
    '',
    '@app.remote(',
    '    benchmark_runs=3,',
    ')',
    'async def embed(texts: list[str], top_k: int):',
    '    return texts[:top_k]',
    '',
    '',
    'app.image("vastai/base-image:@vastai-automatic-tag", storage=16)',
    'app.configure_autoscaling()',
    'app.ensure_ready()',
    '',
].join('\n');

suite('missing-benchmark snippet fix (trusted)', () => {
    test('the preferred quick fix inserts the dataset as a snippet: samples as tab stops, Tab moves on', async () => {
        const uri = workspaceUri('snippet/app.py');
        fs.mkdirSync(vscode.Uri.joinPath(uri, '..').fsPath, { recursive: true });
        fs.writeFileSync(uri.fsPath, APP);
        try {
            const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
            const diag = await until('the missing-benchmark error', () =>
                vscode.languages.getDiagnostics(uri).find((d) => {
                    const code = typeof d.code === 'object' ? d.code.value : d.code;
                    return d.source === 'vast' && code === 'missing-benchmark';
                }),
            );
            const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
                'vscode.executeCodeActionProvider',
                uri,
                diag.range,
            );
            const fix = actions.find((a) => a.title === 'Add a benchmark_dataset to `embed`');
            assert.ok(fix?.edit, JSON.stringify(actions.map((a) => [a.title, a.isPreferred, a.edit?.entries()])));
            editor.selection = new vscode.Selection(diag.range.start, diag.range.end);
            // The lightbulb's path; retried while nothing changed (the first request may come before the
            // editor has the server's actions for the range), never once the text changed.
            await until(
                'the quick fix applied',
                async () => {
                    if (editor.document.getText() === APP) {
                        await vscode.commands.executeCommand('editor.action.codeAction', {
                            kind: 'quickfix',
                            preferred: true,
                            apply: 'first',
                        });
                    }
                    return editor.document.getText() !== APP;
                },
                30_000,
                500,
            );
            assert.equal(
                editor.document.getText(),
                APP.replace(
                    '    benchmark_runs=3,\n',
                    '    benchmark_runs=3,\n    benchmark_dataset=[{"texts": ["hello"], "top_k": 1}],\n',
                ),
            );
            // A snippet session: the first sample is selected, Tab goes to the next one.
            assert.equal(editor.document.getText(editor.selection), '["hello"]');
            await vscode.commands.executeCommand('jumpToNextSnippetPlaceholder');
            assert.equal(editor.document.getText(editor.selection), '1');
            await until('no missing-benchmark left', () =>
                vscode.languages.getDiagnostics(uri).every((d) => {
                    const code = typeof d.code === 'object' ? d.code.value : d.code;
                    return code !== 'missing-benchmark';
                }),
            );
        } finally {
            await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
            fs.rmSync(vscode.Uri.joinPath(uri, '..').fsPath, { recursive: true, force: true });
        }
    });
});
