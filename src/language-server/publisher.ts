// Pushes diagnostics for open documents and for every indexed file with deployments, and tells the client when the
// deployments list changed. Workspace rules run over the whole index on every refresh (they only compare names),
// and a file is re-published when its file-level or workspace-level problems changed.
import type { Connection, Diagnostic } from 'vscode-languageserver';
import { DeploymentsChangedNotification, type DeploymentSummary } from '../shared/protocol';
import { applySettings, type Problem } from '../shared/rules';
import type { AnalysisHost } from './analysisHost';
import { toDiagnostic } from './diagnostics';
import type { FileEntry } from './files';
import type { SettingsStore } from './settingsStore';
import { searchParamsOf, summarize } from './summaries';
import type { IndexChange, Workspace } from './workspace';

export class Publisher {
    private workspaceProblems = new Map<string, Problem[]>();
    private workspaceSigs = new Map<string, string>();
    /** Key -> signature of the diagnostics last published (absent = nothing published). */
    private readonly published = new Map<string, { uri: string; sig: string }>();
    /** Key -> the file's URI and the signature of its deployment summaries (absent = no deployments). */
    private readonly summarySigs = new Map<string, { uri: string; sig: string }>();
    /** Key -> cancels its pending re-diagnosis. */
    private readonly timers = new Map<string, () => void>();
    private chain: Promise<void> = Promise.resolve();
    private disposed = false;

    constructor(
        private readonly connection: Connection,
        private readonly workspace: Workspace,
        private readonly settings: SettingsStore,
        private readonly host: AnalysisHost,
        private readonly delayMs: number,
        private readonly log: (m: string) => void,
    ) {}

    /** Debounced re-diagnosis of an edited document; a newer edit cancels the pending one. */
    schedule(key: string): void {
        this.timers.get(key)?.();
        const run = () => {
            this.timers.delete(key);
            this.enqueue({ keys: [key], all: false });
        };
        // No debounce: the next turn of the event loop, after the edits already read (a zero timer waits >= 1 ms).
        if (this.delayMs > 0) {
            const timer = setTimeout(run, this.delayMs);
            this.timers.set(key, () => clearTimeout(timer));
        } else {
            const immediate = setImmediate(run);
            this.timers.set(key, () => clearImmediate(immediate));
        }
    }

    /** Re-diagnoses now (index changes, configuration changes, open/close). */
    enqueue(change: IndexChange): void {
        for (const k of change.all ? [...this.timers.keys()] : change.keys) {
            this.timers.get(k)?.();
            this.timers.delete(k);
        }
        // Refreshes run one at a time, in order, so an older one never publishes over a newer one.
        this.chain = this.chain
            .then(() => this.refresh(change))
            .catch((err: unknown) => {
                this.host.logError('Publishing diagnostics failed', err);
            });
    }

    /** Resolves once every queued refresh has run (tests and the benchmark wait on it). */
    idle(): Promise<void> {
        return this.chain;
    }

    /** Clears a closed document's diagnostics unless the index still holds the file. */
    forget(key: string): void {
        this.timers.get(key)?.();
        this.timers.delete(key);
    }

    dispose(): void {
        this.disposed = true;
        for (const cancel of this.timers.values()) cancel();
        this.timers.clear();
    }

    /** Effective (settings-filtered) problems of a file: its own and the workspace rules'. */
    async problemsOf(entry: FileEntry): Promise<Problem[]> {
        const settings = await this.settings.get(this.scopeOf(entry));
        const own = entry.problems();
        const ws = this.workspaceProblems.get(entry.key) ?? [];
        return applySettings(
            ws.length > 0 ? [...own, ...ws] : own,
            settings.diagnostics.severity,
            entry.analysis().ignores,
        );
    }

    /** Deployment summaries of one file or of every file. */
    async summaries(entries: FileEntry[]): Promise<DeploymentSummary[]> {
        const out: DeploymentSummary[] = [];
        for (const e of entries) {
            try {
                // A file the worker thread is reading is listed as it will be, not as it was.
                await e.whenAnalysed();
                out.push(...(await this.summariesOf(e)));
            } catch (err) {
                // One broken file must not empty the whole list.
                this.host.logError(`Summarising ${e.uri} failed`, err);
            }
        }
        return out;
    }

    private async summariesOf(e: FileEntry): Promise<DeploymentSummary[]> {
        if (e.analysis().deployments.length === 0) return [];
        return summarize(e.uri, e.folderUri, e.analysis(), await this.problemsOf(e), searchParamsOf);
    }

    private scopeOf(entry: FileEntry): string | undefined {
        return this.workspace.open.has(entry.key) ? entry.uri : entry.folderUri;
    }

    private async refresh(change: IndexChange): Promise<void> {
        if (this.disposed) return;
        const started = performance.now();
        const entries = this.workspace.entries();
        const byKey = new Map(entries.map((e) => [e.key, e]));
        const touched = new Set<string>(change.all ? byKey.keys() : change.keys);
        this.runWorkspaceRules(entries, touched);
        const changedUris: string[] = [];
        for (const key of touched) {
            try {
                await this.refreshOne(key, byKey.get(key), changedUris);
            } catch (err) {
                // One file failing must not keep the others (or the deployments list) stale.
                this.host.logError(`Diagnosing ${key} failed`, err);
            }
        }
        if (change.all) {
            this.log(`Diagnosed ${touched.size} files in ${Math.round(performance.now() - started)} ms`);
        }
        if (change.all || changedUris.length > 0) {
            this.send(() =>
                this.connection.sendNotification(DeploymentsChangedNotification.type, {
                    uris: change.all ? [] : changedUris,
                }),
            );
        }
    }

    private async refreshOne(key: string, e: FileEntry | undefined, changedUris: string[]): Promise<void> {
        // The worker thread is reading this file: its diagnostics come when the analysis does (host.onAnalysed).
        if (e && (e.analysis(), e.analysing)) return;
        const versionAtStart = e?.version;
        const diagnostics = e && this.shouldPublish(e) ? await this.diagnosticsOf(e) : undefined;
        // A newer edit arrived while settings were fetched: its own refresh will publish.
        if (e && e.version !== versionAtStart) return;
        this.publish(key, e?.uri, diagnostics);
        const sig = e ? JSON.stringify(await this.summariesOf(e)) : '[]';
        const prev = this.summarySigs.get(key);
        if ((prev?.sig ?? '[]') !== sig) {
            const uri = e?.uri ?? prev?.uri;
            if (uri !== undefined) changedUris.push(uri);
        }
        if (e && sig !== '[]') this.summarySigs.set(key, { uri: e.uri, sig });
        else this.summarySigs.delete(key);
    }

    /** Runs the workspace rules; files whose workspace problems changed join `touched`. */
    private runWorkspaceRules(entries: FileEntry[], touched: Set<string>): void {
        const relevant = entries.filter((e) => {
            const a = e.analysis();
            return a.deployments.length > 0 || a.foreignRemotes.length > 0;
        });
        const byUri = this.host.checkWorkspace(
            relevant.map((e) =>
                e.path ? { uri: e.uri, path: e.path, analysis: e.analysis() } : { uri: e.uri, analysis: e.analysis() },
            ),
        );
        const next = new Map<string, Problem[]>();
        const sigs = new Map<string, string>();
        for (const e of relevant) {
            const list = byUri.get(e.uri);
            if (!list || list.length === 0) continue;
            next.set(e.key, list);
            sigs.set(e.key, JSON.stringify(list));
        }
        for (const key of new Set([...sigs.keys(), ...this.workspaceSigs.keys()])) {
            if (sigs.get(key) !== this.workspaceSigs.get(key)) touched.add(key);
        }
        this.workspaceProblems = next;
        this.workspaceSigs = sigs;
    }

    private shouldPublish(e: FileEntry): boolean {
        if (this.workspace.open.has(e.key) || this.published.has(e.key)) return true;
        const a = e.analysis();
        return (
            a.deployments.length > 0 || a.foreignRemotes.length > 0 || (a.notAnalysed !== undefined && a.mentionsVastai)
        );
    }

    private async diagnosticsOf(e: FileEntry): Promise<Diagnostic[]> {
        return (await this.problemsOf(e)).map((p) => toDiagnostic(p, e.uri));
    }

    private publish(key: string, uri: string | undefined, diagnostics: Diagnostic[] | undefined): void {
        const prev = this.published.get(key);
        const target = uri ?? prev?.uri;
        if (target === undefined) return;
        if (!diagnostics || (diagnostics.length === 0 && !this.workspace.open.has(key))) {
            if (prev) {
                this.published.delete(key);
                this.send(() => this.connection.sendDiagnostics({ uri: prev.uri, diagnostics: [] }));
            }
            return;
        }
        const sig = JSON.stringify(diagnostics);
        const open = this.workspace.open.get(key);
        // Open documents always get a fresh, versioned publish (clients drop stale versions); closed files only
        // when something changed.
        if (!open && prev && prev.sig === sig && prev.uri === target) return;
        this.published.set(key, { uri: target, sig });
        const params = open ? { uri: target, version: open.doc.version, diagnostics } : { uri: target, diagnostics };
        this.send(() => this.connection.sendDiagnostics(params));
    }

    /** Sends a notification; a connection that is gone (sync throw or rejection) is not an error here. */
    private send(fn: () => Promise<void>): void {
        try {
            void fn().catch(() => undefined);
        } catch {
            this.disposed = true;
        }
    }
}
