import * as vscode from 'vscode';
import type { DeploymentRef } from '../../shared/commands';
import type { DeploymentSummary } from '../../shared/protocol';
import type { DeploymentIndex } from '../deploymentIndex';
import type { StatusService } from '../status';
import type { VersionsService } from '../versions';
import { versionChildren } from './versionItems';
import type { DeploymentNode, TreeNode } from './nodes';
import { treeItemFor } from './treeItems';
import { NO_MACHINE_ADVICE } from '../../shared/market/summary';
import { summaryRemoteKey } from '../statusModel';
import { definitionKey, groupByFolder, searchTerms } from './treeModel';

export { treeItemFor };

/** The last time the root was rendered: how many deployments and how long after the index arrived. */
export interface RenderTiming {
    deployments: number;
    /** Building the root nodes and their TreeItems. */
    buildMs: number;
    /** From the index list arriving to the root items being handed to VS Code. */
    sinceIndexMs: number;
    /** How long VS Code took to ask for the root after the change was fired. */
    requestDelayMs: number;
}

/** The "Deployments" view: the workspace's definitions with their live status. */
export class DeploymentsTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
    private readonly changed = new vscode.EventEmitter<TreeNode | TreeNode[] | undefined>();
    readonly onDidChangeTreeData = this.changed.event;
    private roots: TreeNode[] = [];
    private byRemoteKey = new Map<string, DeploymentNode[]>();
    private stale = true;
    private readonly disposables: vscode.Disposable[] = [];
    lastRender?: RenderTiming;
    private firedAt = 0;

    constructor(
        private readonly index: DeploymentIndex,
        private readonly status: StatusService,
        private readonly versions?: VersionsService,
    ) {
        this.disposables.push(
            index.onDidChange(() => {
                this.stale = true;
                this.firedAt = performance.now();
                this.changed.fire(undefined);
            }),
            status.onDidChange((keys) => {
                if (!keys) return this.changed.fire(undefined);
                const nodes = keys.flatMap((k) => this.byRemoteKey.get(k) ?? []);
                if (nodes.length) this.changed.fire(nodes);
            }),
            ...(versions
                ? [
                      versions.onDidChange((keys) => {
                          const nodes = keys.flatMap((k) => this.byRemoteKey.get(k) ?? []);
                          if (nodes.length) this.changed.fire(nodes);
                      }),
                  ]
                : []),
            vscode.workspace.onDidChangeWorkspaceFolders(() => {
                this.stale = true;
                this.changed.fire(undefined);
            }),
        );
    }

    /** Every deployment node currently shown (for the suite and for commands). */
    deploymentNodes(): DeploymentNode[] {
        this.rebuildIfStale();
        return [...this.byRemoteKey.values()].flat().concat(this.dynamicNodes);
    }

    private dynamicNodes: DeploymentNode[] = [];

    private rebuildIfStale(): void {
        if (!this.stale) return;
        this.stale = false;
        const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.toString());
        const groups = groupByFolder(this.index.all(), folders);
        this.byRemoteKey = new Map();
        this.dynamicNodes = [];
        const nodeFor = (d: DeploymentSummary, parent?: TreeNode): DeploymentNode => {
            const node: DeploymentNode = { kind: 'deployment', id: definitionKey(d), summary: d, parent };
            const key = summaryRemoteKey(d);
            if (key === undefined) this.dynamicNodes.push(node);
            else this.byRemoteKey.set(key, [...(this.byRemoteKey.get(key) ?? []), node]);
            return node;
        };
        const nonEmpty = [...groups].filter(([, list]) => list.length > 0);
        if (nonEmpty.length <= 1) {
            this.roots = (nonEmpty[0]?.[1] ?? []).map((d) => nodeFor(d));
            return;
        }
        this.roots = nonEmpty.map(([folderUri, list]) => {
            const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.toString() === folderUri);
            const node: TreeNode = {
                kind: 'folder',
                id: `folder:${folderUri}`,
                folderUri,
                name: folder?.name ?? 'Other files',
                children: [],
            };
            node.children = list.map((d) => nodeFor(d, node));
            return node;
        });
    }

    getChildren(element?: TreeNode): TreeNode[] {
        if (!element) {
            const t0 = performance.now();
            this.rebuildIfStale();
            // Build the items now so the measured time covers everything this side does for the root.
            let deployments = 0;
            for (const r of this.roots) {
                this.getTreeItem(r);
                if (r.kind === 'deployment') deployments++;
                if (r.kind === 'folder') {
                    deployments += r.children.length;
                    for (const c of r.children) this.getTreeItem(c);
                }
            }
            const t1 = performance.now();
            if (this.index.isLoaded) {
                const listed = this.index.lastListAt || t0;
                this.lastRender = {
                    deployments,
                    buildMs: t1 - t0,
                    sinceIndexMs: t1 - listed,
                    requestDelayMs: this.firedAt ? Math.max(0, t0 - this.firedAt) : 0,
                };
            }
            return this.roots;
        }
        return childrenOf(element, this.status, this.versions);
    }

    getParent(element: TreeNode): TreeNode | undefined {
        return 'parent' in element ? element.parent : undefined;
    }

    getTreeItem(element: TreeNode): vscode.TreeItem {
        return treeItemFor(element, this.status);
    }

    dispose(): void {
        for (const d of this.disposables) d.dispose();
        this.changed.dispose();
    }
}

/** The reference commands get for a definition (the same shape as the CodeLens argument). */
export function refOf(d: DeploymentSummary): DeploymentRef {
    return { uri: d.uri, name: d.name ?? '', tag: d.tag ?? 'default', range: d.range };
}

export function childrenOf(element: TreeNode, status: StatusService, versions?: VersionsService): TreeNode[] {
    switch (element.kind) {
        case 'folder':
            return element.children;
        case 'deployment': {
            const d = element.summary;
            const id = element.id;
            // Why its workers failed comes first: it is what the user needs to read.
            const failure = status.failureOf(d);
            const out: TreeNode[] = failure ? [{ kind: 'failure', id: `${id}/failure`, parent: element, failure }] : [];
            const waiting = status.get(d);
            if (waiting.state === 'noMachine') {
                out.push({
                    kind: 'message',
                    id: `${id}/nomachine`,
                    parent: element,
                    text: 'No machine matches image.require(...)',
                    tooltip: `Deployed, with no worker: ${waiting.reason ?? 'no machine matches'}. ${NO_MACHINE_ADVICE}.`,
                    icon: 'warning',
                });
            }
            out.push(
                ...d.functions.map((fn) => ({
                    kind: 'function' as const,
                    id: `${id}/fn/${fn.name}@${fn.range.start.line}`,
                    parent: element,
                    fn,
                })),
            );
            if (d.functions.length === 0) {
                out.push({
                    kind: 'message',
                    id: `${id}/nofn`,
                    parent: element,
                    text: 'No @remote function',
                    icon: 'warning',
                });
            }
            out.push({ kind: 'image', id: `${id}/image`, parent: element });
            out.push({ kind: 'autoscaling', id: `${id}/autoscaling`, parent: element });
            const s = status.get(d);
            if (s.workers && s.workers.length > 0) out.push({ kind: 'workers', id: `${id}/workers`, parent: element });
            if (s.remote && versions) {
                out.push({ kind: 'versions', id: `${id}/versions`, parent: element, view: versions.peek(s.remote) });
            }
            return out;
        }
        case 'versions':
            return versionChildren(element);
        case 'image': {
            const d = element.parent.summary;
            return searchTerms(d.image?.searchParams).map((term, i) => ({
                kind: 'filter' as const,
                id: `${element.id}/${i}`,
                parent: element,
                term,
            }));
        }
        case 'autoscaling': {
            const a = element.parent.summary.autoscaling ?? {};
            return Object.entries(a).map(([key, value]) => ({
                kind: 'setting' as const,
                id: `${element.id}/${key}`,
                parent: element,
                key,
                value: value === null ? 'None' : String(value),
            }));
        }
        case 'workers': {
            const p = element.parent;
            const s = p.kind === 'deployment' ? status.get(p.summary) : status.getRemote(p.remote);
            return (s.workers ?? []).map((worker) => ({
                kind: 'worker' as const,
                id: `${element.id}/${worker.id}`,
                parent: element,
                worker,
            }));
        }
        case 'remoteDeployment': {
            const s = status.getRemote(element.remote);
            const out: TreeNode[] = [];
            if (element.remote.image) {
                out.push({
                    kind: 'setting',
                    id: `${element.id}/image`,
                    parent: element,
                    key: 'image',
                    value: element.remote.image,
                });
            }
            if (s.workers?.length) out.push({ kind: 'workers', id: `${element.id}/workers`, parent: element });
            return out;
        }
        default:
            return [];
    }
}
