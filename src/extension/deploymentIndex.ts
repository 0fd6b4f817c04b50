import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { DeploymentRef } from '../shared/commands';
import type { DeploymentSummary } from '../shared/protocol';
import { heavy, type Heavy } from './lazy';
import { errorMessage } from './util';

/**
 * The workspace's Deployment definitions, as the language server indexes them. Re-listed (debounced) when the server
 * says something changed. The client is started on first need: a Python file opened or the view shown.
 */
export class DeploymentIndex implements vscode.Disposable {
    private summaries: DeploymentSummary[] = [];
    private loaded = false;
    private client?: Promise<LanguageClient>;
    private instance?: LanguageClient;
    private lsp?: Heavy;
    private timer?: NodeJS.Timeout;
    private inflight?: Promise<void>;
    private again = false;
    private readonly disposables: vscode.Disposable[] = [];
    private readonly changed = new vscode.EventEmitter<void>();
    readonly onDidChange = this.changed.event;
    /** When the last list arrived (performance.now()), so the tree can time its render from it. */
    lastListAt = 0;

    constructor(
        private readonly context: vscode.ExtensionContext,
        private readonly log: vscode.LogOutputChannel,
        private readonly filterLenses?: (lenses: vscode.CodeLens[]) => vscode.CodeLens[],
    ) {}

    /** Starts the language client once; later calls return the same promise. */
    start(): Promise<LanguageClient> {
        if (!this.client) {
            const t0 = performance.now();
            // The language client lives in the heavy bundle: parsed here, after activation, in a later microtask.
            const p = Promise.resolve().then(async () => {
                const m = heavy();
                const client = await m.startLanguageClient(this.context, this.filterLenses);
                this.instance = client;
                this.lsp = m;
                this.log.info(`Language server started in ${Math.round(performance.now() - t0)} ms`);
                this.disposables.push(m.onDeploymentsChanged(client, () => this.scheduleRelist()));
                await this.relist();
                return client;
            });
            this.client = p;
            p.catch((err: unknown) => {
                this.log.error(`The language server failed to start: ${errorMessage(err)}`);
                void vscode.window.showErrorMessage(
                    `Vast Deployments: the language server failed to start: ${errorMessage(err)}`,
                );
            });
        }
        return this.client;
    }

    /** The server's lenses are asked for again (their Benchmark/Tear down depend on status). */
    refreshLenses(): void {
        if (this.instance && this.lsp) this.lsp.refreshCodeLenses(this.instance, vscode.workspace.textDocuments);
    }

    get started(): boolean {
        return this.client !== undefined;
    }

    get isLoaded(): boolean {
        return this.loaded;
    }

    all(): readonly DeploymentSummary[] {
        return this.summaries;
    }

    /** The definition a CodeLens/tree reference points to: same file and name/tag, nearest line when ambiguous. */
    find(
        ref: Pick<DeploymentRef, 'uri' | 'name' | 'tag'> & { range?: DeploymentRef['range'] },
    ): DeploymentSummary | undefined {
        const same = this.summaries.filter((d) => d.uri === ref.uri && d.name === ref.name && d.tag === ref.tag);
        if (same.length <= 1 || !ref.range) return same[0];
        const line = ref.range.start.line;
        return same.reduce((a, b) =>
            Math.abs(a.range.start.line - line) <= Math.abs(b.range.start.line - line) ? a : b,
        );
    }

    /** Waits for a fresh list (after saving a file, before deploying it). */
    async relist(): Promise<void> {
        if (this.inflight) {
            // A change arrived while listing: list once more when this one is done.
            this.again = true;
            return this.inflight;
        }
        const c = this.instance;
        const lsp = this.lsp;
        if (!c || !lsp) return;
        const p = (async () => {
            try {
                const list = await lsp.listDeployments(c);
                this.summaries = list;
                this.loaded = true;
                this.lastListAt = performance.now();
                this.changed.fire();
            } catch (err) {
                this.log.warn(`Listing deployments failed: ${errorMessage(err)}`);
            } finally {
                this.inflight = undefined;
                if (this.again) {
                    this.again = false;
                    this.scheduleRelist();
                }
            }
        })();
        this.inflight = p;
        return p;
    }

    private scheduleRelist(): void {
        if (this.timer) clearTimeout(this.timer);
        this.timer = setTimeout(() => void this.relist(), 150);
    }

    async dispose(): Promise<void> {
        if (this.timer) clearTimeout(this.timer);
        for (const d of this.disposables) d.dispose();
        this.changed.dispose();
        await this.client?.catch(() => undefined);
        await this.instance?.stop().catch(() => undefined);
    }
}
