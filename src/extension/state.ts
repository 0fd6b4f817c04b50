import * as vscode from 'vscode';
import { Connections, NoApiKeyError, UntrustedWorkspaceError, type Connection } from './connection';
import { DeploymentIndex } from './deploymentIndex';
import { DeployLensGate } from './deployLenses';
import { DeployRecords } from './deployRecords';
import { LogStreams } from './logs';
import { MarketService } from './market';
import { VersionsService } from './versions';
import { heavy } from './lazy';
import { SETTINGS_SECTION } from '../shared/settings';
import { connectionSettings, readSettings } from './settings';
import { envFileFor } from './envFileSetting';
import { StatusService } from './status';
import { vscodeUi, type Ui } from './ui';
import { BenchmarkPanels, BenchmarkStore, type BenchmarkAction } from './views/benchmarkPanel';
import type { BenchmarkRecord, RunningOperation } from './types';

/**
 * Everything the extension holds for its lifetime: the log, the language client (lazy), the connection to the target
 * (lazy; the local emulator starts on first need), the status cache, benchmark history and log streams. Registered in
 * `context.subscriptions` so VS Code disposes it; `deactivate` awaits the parts that stop processes.
 */
export class ExtensionState implements vscode.Disposable {
    readonly log: vscode.LogOutputChannel;
    readonly connections: Connections;
    readonly index: DeploymentIndex;
    readonly status: StatusService;
    /** Benchmark and Tear down lenses only for what is deployed. */
    readonly lensGate: DeployLensGate;
    readonly benchmarks: BenchmarkStore;
    readonly panels: BenchmarkPanels;
    readonly logs: LogStreams;
    /** What this workspace last deployed, per target (renames, changed files). */
    readonly deployRecords: DeployRecords;
    /** Offers searches (machines and prices) for the lens, the hover and the Deploy plan. */
    readonly market: MarketService;
    /** Each deployed deployment's versions, for the tree. */
    readonly versions: VersionsService;
    /** Questions and messages; the suite swaps this to answer modals. */
    ui: Ui = vscodeUi;
    /** Operations running in this window, by remote key (cancellable; the suite cancels through this too). */
    readonly running = new Map<string, RunningOperation>();
    private readonly disposables: vscode.Disposable[] = [];
    /** Set by the command layer: runs a command by id (used by webview buttons). */
    onBenchmarkAction?: (action: BenchmarkAction, record: BenchmarkRecord, errorIndex?: number) => void;

    constructor(readonly context: vscode.ExtensionContext) {
        this.log = vscode.window.createOutputChannel('Vast Deployments', { log: true });
        this.connections = new Connections(context, this.log, (pythonPath) =>
            heavy().startEmbeddedEmulator(context, pythonPath, this.log),
        );
        this.index = new DeploymentIndex(context, this.log, (lenses) => this.lensGate.filter(lenses));
        this.status = new StatusService(
            this.connections,
            this.log,
            () => readSettings().pollInterval * 1000,
            (d, signal) => heavy().localHash(d, signal, envFileFor(d)),
        );
        this.lensGate = new DeployLensGate(this.status);
        this.lensGate.refresh = () => this.index.refreshLenses();
        this.benchmarks = new BenchmarkStore(context.workspaceState);
        this.panels = new BenchmarkPanels((action, record, errorIndex) =>
            this.onBenchmarkAction?.(action, record, errorIndex),
        );
        this.logs = new LogStreams(this.log);
        this.deployRecords = new DeployRecords(context.workspaceState);
        this.market = new MarketService(this.connections, this.log);
        this.versions = new VersionsService(this.connections, this.log);
        this.disposables.push(
            this.log,
            this.lensGate,
            this.status,
            this.panels,
            this.logs,
            this.market,
            this.versions,
            this.index.onDidChange(() => {
                this.status.setSummaries(this.index.all());
                void this.setContext('indexLoaded', true);
                void this.setContext('hasDeployments', this.index.all().length > 0);
            }),
            vscode.workspace.onDidChangeConfiguration((e) => {
                const restarting = ['pythonPath', 'emulator.runScripts', 'emulator.sdkPath'].find((k) =>
                    e.affectsConfiguration(`${SETTINGS_SECTION}.${k}`),
                );
                if (restarting) {
                    // Workers run with the interpreter (run-step choice, SDK path) the emulator was started with.
                    void this.connections.restartEmulator(`vastDeployments.${restarting} changed`);
                } else if (connectionSettings.some((s) => e.affectsConfiguration(s))) {
                    this.log.info('Target settings changed: reconnecting');
                    this.connections.reset();
                    void this.updateKeyContext();
                }
            }),
            context.secrets.onDidChange((e) => {
                if (e.key.startsWith('vastDeployments.')) {
                    this.connections.reset();
                    void this.updateKeyContext();
                }
            }),
            vscode.workspace.onDidSaveTextDocument((doc) => {
                if (doc.languageId === 'python' && vscode.workspace.isTrusted) {
                    void this.status.fileSaved(doc.uri.toString());
                }
            }),
            vscode.workspace.onDidGrantWorkspaceTrust(() => {
                this.log.info('Workspace trusted: deploy, benchmark and status enabled');
                this.connections.reset();
            }),
        );
    }

    /** Sets a `vastDeployments.*` context key for `when` clauses. */
    setContext(key: string, value: unknown): Thenable<unknown> {
        return vscode.commands.executeCommand('setContext', `vastDeployments.${key}`, value);
    }

    async updateKeyContext(): Promise<void> {
        await this.setContext('target', readSettings().target);
        await this.setContext('hasApiKey', await this.connections.hasVastKey());
    }

    /** Throws unless the workspace is trusted: nothing is packaged, uploaded or run from untrusted code. */
    requireTrust(action: string): void {
        if (!vscode.workspace.isTrusted) throw new UntrustedWorkspaceError(action);
    }

    /** The connection for an action the user asked for (trusted workspaces only). */
    async connection(action: string): Promise<Connection> {
        this.requireTrust(action);
        return this.connections.get();
    }

    isExpected(err: unknown): boolean {
        return err instanceof NoApiKeyError || err instanceof UntrustedWorkspaceError;
    }

    /** Stops what runs processes (the emulator and its workers, the language server). */
    async shutdown(): Promise<void> {
        this.dispose();
        await Promise.allSettled([this.index.dispose(), this.connections.dispose()]);
    }

    dispose(): void {
        for (const d of this.disposables.splice(0)) d.dispose();
    }
}
