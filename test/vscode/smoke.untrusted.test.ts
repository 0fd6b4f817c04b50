// Smoke check of the runner's untrusted pass: Workspace Trust is on and the opened folder is not trusted.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

suite('runner smoke (untrusted pass)', () => {
    test('the workspace is not trusted', () => {
        assert.ok(vscode.workspace.workspaceFolders?.[0], 'no workspace folder open');
        assert.equal(vscode.workspace.isTrusted, false);
        assert.equal(vscode.workspace.getConfiguration('security.workspace.trust').get('enabled'), true);
    });
});
