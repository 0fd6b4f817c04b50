// The untrusted pass: Vast Deployments analyses code but never packages, uploads or runs anything from it.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { CommandResult } from '../../src/extension/types';
import { CommandId } from '../../src/shared/commands';
import { extensionApi, refOf, ScriptedUi, settle, until, workspaceUri } from './helpers';
import { takeScreenshot } from './suiteConfig';

suite('Vast Deployments (untrusted workspace)', () => {
    const ui = new ScriptedUi();

    test('analysis still works: diagnostics and the tree', async () => {
        const api = await extensionApi();
        api.setUi(ui);
        const uri = workspaceUri('broken/broken.py');
        await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
        await until('diagnostics in restricted mode', () =>
            vscode.languages.getDiagnostics(uri).some((d) => d.source === 'vast'),
        );
        await api.ready();
        await until('the tree lists the definitions', () => api.tree.getChildren().length >= 3);
        await vscode.commands.executeCommand('workbench.view.extension.vastDeployments');
        await settle();
        await takeScreenshot('untrusted-tree');
    });

    test('deploy, benchmark, logs, tear down and stop refuse, and nothing is started', async () => {
        const api = await extensionApi();
        api.setUi(ui);
        await api.ready();
        const ref = refOf(api, 'vscode-hello');
        for (const id of [
            CommandId.deploy,
            CommandId.benchmark,
            CommandId.showLogs,
            CommandId.tearDown,
            CommandId.stop,
        ]) {
            const r = (await vscode.commands.executeCommand<CommandResult>(id, ref))!;
            assert.equal(r.ok, false, `${id}: ${r.message}`);
            assert.equal(r.untrusted, true, `${id} did not refuse for trust: ${r.message}`);
            assert.match(r.message, /not trusted/);
        }
        await api.refreshStatus();
        assert.equal(await api.emulatorUrl(), undefined, 'the local emulator never started');
        assert.equal(api.operations().length, 0);
        assert.notEqual(api.status('vscode-hello')?.state, 'ready');
        assert.ok(
            ui.prompts.every((p) => p.kind !== 'confirm'),
            'no confirmation was even asked',
        );
        api.setUi(undefined);
    });
});
