import type * as vscode from 'vscode';
import { serveStatus } from './serveStatus';
import type { DeploymentSummary } from '../shared/protocol';
import type { ExtensionState } from './state';
import type { Ui } from './ui';
import { vscodeUi } from './ui';
import { remoteKey } from './util';
import type { BenchmarkHistory } from './views/benchmarkPanel';
import type { RenderTiming } from './views/deploymentsTree';
import type { TreeNode } from './views/nodes';
import type { Views } from './views/register';
import type { DeploymentStatus } from './types';

/**
 * What `activate()` returns: read-only views of the extension's state for the extension-host suite (and for other
 * extensions that want to know what is deployed). Nothing here bypasses the commands.
 */
export interface VastDeploymentsApi {
    /** Extension-host time spent in activate(), ms. */
    activationMs: number;
    /** Starts the language server if needed and waits for the workspace index. */
    ready(): Promise<void>;
    deployments(): readonly DeploymentSummary[];
    /** The Deployments tree as VS Code sees it. */
    tree: {
        getChildren(node?: TreeNode): TreeNode[];
        getTreeItem(node: TreeNode): vscode.TreeItem;
        lastRender(): RenderTiming | undefined;
        /** Whether the Deployments view is on screen. */
        visible(): boolean;
        /** Shows a node in the view, expanded (as a user clicking it open would). */
        reveal(node: TreeNode): Thenable<void>;
    };
    /** The "Not in this workspace" tree. */
    account: {
        getChildren(node?: TreeNode): TreeNode[];
        getTreeItem(node: TreeNode): vscode.TreeItem;
        /** The view's badge (the count of deployments not in this workspace), if shown. */
        badge(): number | undefined;
    };
    status(name: string, tag?: string): DeploymentStatus | undefined;
    /** Polls the service once now (as Refresh does). */
    refreshStatus(): Promise<void>;
    benchmarkHistory(name: string, tag?: string): BenchmarkHistory;
    statusBarText(): string;
    /** The "Serving … · updated N s ago" item's text ('' when not serving). */
    serveStatusText(): string;
    /** Lines streamed so far into a deployment's log channel. */
    logLines(deploymentId: number | string): readonly string[];
    /** The local emulator this window started, if any (URL only; its key stays inside). */
    emulatorUrl(): Promise<string | undefined>;
    /** How many emulators this window has started or joined (a restart keeps its port, so its URL). */
    emulatorStarts(): number;
    /** Which worker the local emulator runs ("the SDK's worker (…)" or "the built-in worker (…)"), if started. */
    emulatorWorkers(): Promise<string | undefined>;
    /** The folder VS Code writes the extension's log ("Vast Deployments" output) into. */
    logDir(): string;
    /** Operations running in this window (deploy, benchmark) and their current step. */
    operations(): { name: string; tag: string; kind: string; step: string }[];
    /** Cancels a running operation exactly as the progress notification's Cancel button does. */
    cancel(name: string, tag?: string): boolean;
    /** How many times the Deploy/Benchmark/Tear down lenses were asked for again because what is deployed changed. */
    lensRefreshes(): number;
    /** Replaces the UI (modals, pickers, notifications); undefined restores VS Code's. For tests. */
    setUi(ui: Ui | undefined): void;
}

export function createTestApi(state: ExtensionState, views: Views, activationMs: number): VastDeploymentsApi {
    return {
        activationMs,
        async ready() {
            await state.index.start();
            if (!state.index.isLoaded) await state.index.relist();
        },
        deployments: () => state.index.all(),
        tree: {
            getChildren: (node) => views.deployments.getChildren(node),
            getTreeItem: (node) => views.deployments.getTreeItem(node),
            lastRender: () => views.deployments.lastRender,
            visible: () => views.deploymentsView.visible,
            reveal: (node) => views.deploymentsView.reveal(node, { expand: true, focus: false, select: true }),
        },
        account: {
            getChildren: (node) => views.account.getChildren(node),
            getTreeItem: (node) => views.account.getTreeItem(node),
            badge: () => views.accountView.badge?.value,
        },
        status(name, tag = 'default') {
            const d = state.index.all().find((x) => x.name === name && x.tag === tag);
            if (d) return state.status.get(d);
            const r = state.status.findRemote(name, tag);
            return r ? state.status.getRemote(r) : undefined;
        },
        async refreshStatus() {
            await state.status.refresh();
        },
        benchmarkHistory: (name, tag = 'default') => state.benchmarks.get(name, tag),
        statusBarText: () => views.statusBar.text,
        serveStatusText: () => serveStatus().text,
        logLines: (id) => state.logs.linesOf(id),
        emulatorUrl: async () => (await state.connections.runningEmulator())?.url,
        emulatorStarts: () => state.connections.emulatorStarts,
        emulatorWorkers: async () => (await state.connections.runningEmulator())?.workers,
        logDir: () => state.context.logUri.fsPath,
        operations: () =>
            [...state.running].map(([key, op]) => {
                const [name = '', tag = ''] = key.split('\u0000');
                return { name, tag, kind: op.kind, step: op.step };
            }),
        cancel(name, tag = 'default') {
            const op = state.running.get(remoteKey(name, tag));
            op?.abort.abort();
            return op !== undefined;
        },
        lensRefreshes: () => state.lensGate.refreshes,
        setUi(ui) {
            state.ui = ui ?? vscodeUi;
        },
    };
}
