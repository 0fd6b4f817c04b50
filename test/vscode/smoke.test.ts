// Smoke check of the runner itself: the suite runs inside a real VS Code with this extension under development.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { suiteConfig, takeScreenshot } from './suiteConfig';

suite('runner smoke (trusted pass)', () => {
    test('runs in a real VS Code with the extension under development', () => {
        assert.match(vscode.version, /^\d+\.\d+\.\d+/);
        const ext = vscode.extensions.getExtension('vast-deployments.vast-deployments');
        assert.ok(ext, 'extension vast-deployments.vast-deployments is not installed');
        // The extension under development, from this checkout (out/test/vscode -> repo root).
        assert.equal(ext.extensionPath, path.resolve(__dirname, '../../..'));
    });

    test('the workspace is the one the runner opened, and trusted', () => {
        const folder = vscode.workspace.workspaceFolders?.[0];
        assert.ok(folder, 'no workspace folder open');
        assert.equal(folder.uri.scheme, 'file');
        const expected = suiteConfig().workspace;
        if (expected !== undefined) assert.equal(folder.uri.fsPath, expected);
        assert.equal(vscode.workspace.isTrusted, true);
        // The runner's user settings reached the profile (trust is off in this pass, not merely granted).
        assert.equal(vscode.workspace.getConfiguration('security.workspace.trust').get('enabled'), false);
        assert.equal(vscode.workspace.getConfiguration('vastDeployments').get('target'), 'local');
    });

    test('screenshots reach the artifacts folder', async () => {
        const file = await takeScreenshot('smoke');
        if (suiteConfig().controlUrl === undefined) assert.equal(file, undefined);
        else assert.ok(file && fs.statSync(file).size > 1000, `screenshot missing: ${file}`);
    });
});
