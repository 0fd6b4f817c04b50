import * as vscode from 'vscode';
import type { ExtensionState } from '../state';
import { readSettings } from '../settings';
import { AccountTreeProvider } from './accountTree';
import { DeploymentsTreeProvider } from './deploymentsTree';
import type { TreeNode } from './nodes';
import { TargetStatusBar } from './statusBar';

export const DEPLOYMENTS_VIEW = 'vastDeployments.deployments';
export const ACCOUNT_VIEW = 'vastDeployments.account';

/** The views and the status bar, plus the triggers that start the language client lazily. */
export interface Views extends vscode.Disposable {
    deployments: DeploymentsTreeProvider;
    account: AccountTreeProvider;
    deploymentsView: vscode.TreeView<TreeNode>;
    accountView: vscode.TreeView<TreeNode>;
    statusBar: TargetStatusBar;
}

export function registerViews(state: ExtensionState): Views {
    const deployments = new DeploymentsTreeProvider(state.index, state.status, state.versions);
    const account = new AccountTreeProvider(state.index, state.status);
    const deploymentsView = vscode.window.createTreeView(DEPLOYMENTS_VIEW, {
        treeDataProvider: deployments,
        showCollapseAll: true,
    });
    const accountView = vscode.window.createTreeView(ACCOUNT_VIEW, { treeDataProvider: account });
    const statusBar = new TargetStatusBar(state.status, state.index);
    const disposables: vscode.Disposable[] = [deployments, account, deploymentsView, accountView, statusBar];

    const onVisibility = (): void => {
        const visible = deploymentsView.visible || accountView.visible;
        if (visible && !state.index.started) void state.index.start();
        state.status.setVisible(visible && vscode.workspace.isTrusted);
    };
    const updateMessage = (): void => {
        deploymentsView.message = bannerFor(state);
    };
    // The "Not in This Workspace" badge counts what may bill unseen; its welcome text depends on the account.
    const updateAccount = (): void => {
        const remotes = state.status.allRemotes();
        const count = account.getChildren().length;
        accountView.badge =
            count > 0
                ? {
                      value: count,
                      tooltip: `${count} deployment${count === 1 ? '' : 's'} not defined in this workspace`,
                  }
                : undefined;
        void state.setContext('accountLoaded', remotes !== undefined && state.index.isLoaded);
        void state.setContext('accountEmpty', (remotes?.length ?? 0) === 0);
    };
    const startOnPython = (doc: vscode.TextDocument): void => {
        if (doc.languageId === 'python' && doc.uri.scheme === 'file' && !state.index.started) void state.index.start();
    };
    disposables.push(
        deploymentsView.onDidChangeVisibility(onVisibility),
        accountView.onDidChangeVisibility(onVisibility),
        vscode.workspace.onDidOpenTextDocument(startOnPython),
        vscode.workspace.onDidGrantWorkspaceTrust(() => {
            onVisibility();
            updateMessage();
            statusBar.update();
        }),
        state.status.onDidChange((keys) => {
            updateAccount();
            if (keys) return;
            updateMessage();
        }),
        state.index.onDidChange(updateAccount),
        vscode.workspace.onDidChangeConfiguration((e) => {
            if (e.affectsConfiguration('vastDeployments.target')) updateMessage();
        }),
    );
    // Deferred so activation stays cheap: the context keys and the first client start happen just after.
    setTimeout(() => {
        void state.updateKeyContext();
        vscode.workspace.textDocuments.forEach(startOnPython);
        onVisibility();
        updateMessage();
        updateAccount();
    }, 0);
    return {
        deployments,
        account,
        deploymentsView,
        accountView,
        statusBar,
        dispose: () => disposables.forEach((d) => d.dispose()),
    };
}

function bannerFor(state: ExtensionState): string | undefined {
    if (!vscode.workspace.isTrusted) {
        return 'Restricted mode: analysis only. Nothing is packaged, uploaded or run from an untrusted workspace.';
    }
    const reason = state.status.reason;
    if (reason === 'no API key') return 'No Vast.ai API key: run "Vast.ai: Set API Key" to see status and deploy.';
    if (reason) {
        return `Status unavailable (${readSettings().target === 'local' ? 'local emulator' : 'Vast.ai'}): ${reason}`;
    }
    return undefined;
}
