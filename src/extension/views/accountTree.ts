import * as vscode from 'vscode';
import type { DeploymentIndex } from '../deploymentIndex';
import type { StatusService } from '../status';
import { remoteKey } from '../util';
import { childrenOf, treeItemFor } from './deploymentsTree';
import type { RemoteNode, TreeNode } from './nodes';
import { unmatchedRemotes } from './treeModel';

/** "Not in this workspace": deployments on the account no workspace file defines, so nothing bills unseen. */
export class AccountTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
    private readonly changed = new vscode.EventEmitter<TreeNode | TreeNode[] | undefined>();
    readonly onDidChangeTreeData = this.changed.event;
    private nodes = new Map<string, RemoteNode>();
    private readonly disposables: vscode.Disposable[] = [];

    constructor(
        private readonly index: DeploymentIndex,
        private readonly status: StatusService,
    ) {
        this.disposables.push(
            index.onDidChange(() => this.changed.fire(undefined)),
            status.onDidChange((keys) => {
                // A key that is new, or whose deployment is gone (torn down), changes the list itself.
                if (!keys || keys.some((k) => !this.nodes.has(k) || !status.hasRemote(k))) {
                    return this.changed.fire(undefined);
                }
                this.changed.fire(keys.map((k) => this.nodes.get(k)).filter((n): n is RemoteNode => !!n));
            }),
        );
    }

    /** The remote deployments listed (for the suite). */
    remoteNodes(): RemoteNode[] {
        this.getChildren();
        return [...this.nodes.values()];
    }

    getChildren(element?: TreeNode): TreeNode[] {
        if (element) return childrenOf(element, this.status);
        const remotes = this.status.allRemotes();
        // Until both the index and the account are known, say nothing rather than list everything as foreign.
        if (!remotes || !this.index.isLoaded) {
            this.nodes.clear();
            return [];
        }
        const next = new Map<string, RemoteNode>();
        for (const r of unmatchedRemotes(remotes, this.index.all())) {
            const key = remoteKey(r.name, r.tag);
            // Keep node identity across polls so per-item refreshes reach the row on screen.
            const prev = this.nodes.get(key);
            if (prev && prev.remote.id === r.id) {
                prev.remote = r;
                next.set(key, prev);
            } else {
                next.set(key, { kind: 'remoteDeployment', id: `remote:${r.id}`, remote: r });
            }
        }
        this.nodes = next;
        return [...next.values()];
    }

    getTreeItem(element: TreeNode): vscode.TreeItem {
        return treeItemFor(element, this.status);
    }

    getParent(element: TreeNode): TreeNode | undefined {
        return 'parent' in element ? element.parent : undefined;
    }

    dispose(): void {
        for (const d of this.disposables) d.dispose();
        this.changed.dispose();
    }
}
