import * as vscode from 'vscode';
import { remoteKey } from '../util';
import { heavy } from '../lazy';
import type { BenchmarkRecord } from '../types';

const STATE_PREFIX = 'vastDeployments.benchmark:';

/** The last two runs of a deployment, kept in workspaceState so a new run is compared with the previous one. */
export interface BenchmarkHistory {
    last?: BenchmarkRecord;
    previous?: BenchmarkRecord;
}

export class BenchmarkStore {
    constructor(private readonly memento: vscode.Memento) {}

    get(name: string, tag: string): BenchmarkHistory {
        return this.memento.get<BenchmarkHistory>(STATE_PREFIX + remoteKey(name, tag)) ?? {};
    }

    /** Saves a run; the one it replaces becomes `previous`. */
    async add(record: BenchmarkRecord): Promise<BenchmarkHistory> {
        const before = this.get(record.name, record.tag);
        const next: BenchmarkHistory = { last: record, previous: before.last };
        await this.memento.update(STATE_PREFIX + remoteKey(record.name, record.tag), next);
        return next;
    }
}

/** What the view's buttons and links ask for. */
export type BenchmarkAction = 'runAgain' | 'showLogs' | 'openTraceback';

/** One webview per deployment, reused (and refreshed) by later runs. */
export class BenchmarkPanels implements vscode.Disposable {
    private readonly panels = new Map<string, vscode.WebviewPanel>();

    constructor(
        private readonly onAction: (action: BenchmarkAction, record: BenchmarkRecord, errorIndex?: number) => void,
    ) {}

    show(history: BenchmarkHistory): vscode.WebviewPanel | undefined {
        const rec = history.last;
        if (!rec) return undefined;
        const key = remoteKey(rec.name, rec.tag);
        let panel = this.panels.get(key);
        if (!panel) {
            // Another deployment's benchmark already has a group beside the code: open there, not in a new group.
            const column = [...this.panels.values()].find((p) => p.viewColumn !== undefined)?.viewColumn;
            panel = vscode.window.createWebviewPanel(
                'vastDeployments.benchmark',
                `Benchmark: ${rec.name}`,
                { viewColumn: column ?? vscode.ViewColumn.Beside, preserveFocus: false },
                { enableScripts: true, localResourceRoots: [], retainContextWhenHidden: false },
            );
            const p = panel;
            this.panels.set(key, p);
            p.onDidDispose(() => this.panels.delete(key));
            p.webview.onDidReceiveMessage((m: { type?: unknown; error?: unknown }) => {
                const current = this.records.get(key);
                if (current && (m.type === 'runAgain' || m.type === 'showLogs')) this.onAction(m.type, current);
                // A link beside an error: which of the run's errors (an index into its errorCounts).
                if (current && m.type === 'openTraceback' && Number.isInteger(m.error)) {
                    this.onAction('openTraceback', current, m.error as number);
                }
            });
        } else {
            panel.reveal(panel.viewColumn, false);
        }
        this.records.set(key, rec);
        panel.title = `Benchmark: ${rec.name}`;
        panel.webview.html = heavy().renderBenchmarkHtml(rec, history.previous, nonce(), panel.webview.cspSource);
        return panel;
    }

    private readonly records = new Map<string, BenchmarkRecord>();

    dispose(): void {
        for (const p of this.panels.values()) p.dispose();
        this.panels.clear();
    }
}

/** A fresh CSP nonce (Web Crypto: no module load at activation). */
function nonce(): string {
    return globalThis.crypto.randomUUID().replace(/-/g, '');
}
