// An LSP client for the server tests: in-process over a PassThrough pair (the compose-language-service pattern), or
// over stdio against the bundle. It answers workspace/configuration from a settings object, records registrations,
// diagnostics, log messages and deploymentsChanged notifications, and waits by polling events, never by sleeping.
import { spawn, type ChildProcess } from 'node:child_process';
import { PassThrough } from 'node:stream';
import {
    createMessageConnection,
    StreamMessageReader,
    StreamMessageWriter,
    type MessageConnection,
} from 'vscode-jsonrpc/node';
import {
    ConfigurationRequest,
    DidChangeConfigurationNotification,
    DidOpenTextDocumentNotification,
    ExitNotification,
    InitializedNotification,
    InitializeRequest,
    LogMessageNotification,
    PublishDiagnosticsNotification,
    RegistrationRequest,
    ShutdownRequest,
    type ClientCapabilities,
    type PublishDiagnosticsParams,
    type Registration,
} from 'vscode-languageserver-protocol';
import { createConnection } from 'vscode-languageserver/node';
import { startServer } from '../../src/language-server/server';
import { DeploymentsChangedNotification, type DeploymentsChangedParams } from '../../src/shared/protocol';

export interface ClientOptions {
    workspaceFolders?: { uri: string; name: string }[];
    /** The `vastDeployments` section returned for every configuration request. */
    settings?: Record<string, unknown>;
    capabilities?: ClientCapabilities;
    /** Diagnostics debounce in ms (initializationOptions.diagnosticsDelay). */
    diagnosticsDelay?: number;
}

export const fullCapabilities: ClientCapabilities = {
    workspace: {
        configuration: true,
        workspaceFolders: true,
        didChangeWatchedFiles: { dynamicRegistration: true },
        didChangeConfiguration: { dynamicRegistration: true },
    },
    textDocument: { publishDiagnostics: { relatedInformation: true, versionSupport: true } },
};

export class LspClient {
    readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
    /** Every publish, in order. */
    readonly publishes: PublishDiagnosticsParams[] = [];
    readonly logs: string[] = [];
    readonly registrations: Registration[] = [];
    readonly changes: DeploymentsChangedParams[] = [];
    configurationRequests = 0;
    settings: Record<string, unknown>;
    private listeners: (() => void)[] = [];

    private constructor(
        readonly connection: MessageConnection,
        private readonly onClose: () => void,
        settings: Record<string, unknown>,
    ) {
        this.settings = settings;
        connection.onRequest(ConfigurationRequest.type, (p) => {
            this.configurationRequests++;
            return p.items.map((item) => (item.section === 'vastDeployments' ? this.settings : null));
        });
        connection.onRequest(RegistrationRequest.type, (p) => {
            this.registrations.push(...p.registrations);
        });
        connection.onRequest('workspace/codeLens/refresh', () => null);
        connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
            this.diagnostics.set(p.uri, p);
            this.publishes.push(p);
            this.notify();
        });
        connection.onNotification(LogMessageNotification.type, (p) => {
            this.logs.push(p.message);
            this.notify();
        });
        connection.onNotification(DeploymentsChangedNotification.type, (p) => {
            this.changes.push(p);
            this.notify();
        });
        connection.listen();
    }

    /** Starts the server in this process. */
    static async inProcess(opts: ClientOptions = {}): Promise<LspClient> {
        const up = new PassThrough();
        const down = new PassThrough();
        // Readers/writers rather than raw streams: with streams, the library exits the process when they close.
        const server = createConnection(new StreamMessageReader(up), new StreamMessageWriter(down));
        const disposable = startServer(server);
        server.listen();
        const conn = createMessageConnection(new StreamMessageReader(down), new StreamMessageWriter(up));
        const client = new LspClient(
            conn,
            () => {
                disposable.dispose();
                server.dispose();
                up.destroy();
                down.destroy();
            },
            opts.settings ?? {},
        );
        await client.initialize(opts);
        return client;
    }

    /** Spawns `node <bundle> --stdio`. */
    static async stdio(bundle: string, opts: ClientOptions = {}): Promise<{ client: LspClient; child: ChildProcess }> {
        const child = spawn(process.execPath, [bundle, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
        const conn = createMessageConnection(
            new StreamMessageReader(child.stdout),
            new StreamMessageWriter(child.stdin),
        );
        const client = new LspClient(conn, () => child.kill(), opts.settings ?? {});
        await client.initialize(opts);
        return { client, child };
    }

    private async initialize(opts: ClientOptions): Promise<void> {
        await this.connection.sendRequest(InitializeRequest.type, {
            processId: null,
            rootUri: opts.workspaceFolders?.[0]?.uri ?? null,
            workspaceFolders: opts.workspaceFolders ?? null,
            capabilities: opts.capabilities ?? fullCapabilities,
            initializationOptions: { diagnosticsDelay: opts.diagnosticsDelay ?? 0 },
        });
        await this.connection.sendNotification(InitializedNotification.type, {});
    }

    async open(uri: string, text: string, version = 1): Promise<void> {
        await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
            textDocument: { uri, languageId: 'python', version, text },
        });
    }

    async changeSettings(settings: Record<string, unknown>): Promise<void> {
        this.settings = settings;
        await this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    }

    /** Waits until `check` returns a value (re-checked on every message from the server). */
    waitFor<T>(what: string, check: () => T | undefined, timeoutMs = 10000): Promise<T> {
        return new Promise<T>((resolve, reject) => {
            const first = check();
            if (first !== undefined) return resolve(first);
            const timer = setTimeout(() => {
                this.listeners = this.listeners.filter((l) => l !== listener);
                reject(new Error(`timed out waiting for ${what}`));
            }, timeoutMs);
            const listener = (): void => {
                const v = check();
                if (v === undefined) return;
                clearTimeout(timer);
                this.listeners = this.listeners.filter((l) => l !== listener);
                resolve(v);
            };
            this.listeners.push(listener);
        });
    }

    /** Diagnostics of `uri` once they satisfy `pred` (default: any publish; with `version`, that version's). */
    diagnosticsFor(
        uri: string,
        pred: (p: PublishDiagnosticsParams) => boolean = () => true,
    ): Promise<PublishDiagnosticsParams> {
        return this.waitFor(`diagnostics of ${uri}`, () => {
            const p = this.diagnostics.get(uri);
            return p && pred(p) ? p : undefined;
        });
    }

    /** Disposes the connection; `graceful` (stdio only) sends shutdown + exit instead and leaves the process be. */
    async close(graceful = false): Promise<void> {
        if (graceful) {
            // The server process exits by itself after `exit`; the caller waits for that.
            await this.connection.sendRequest(ShutdownRequest.type);
            await this.connection.sendNotification(ExitNotification.type);
            return;
        }
        this.connection.dispose();
        this.onClose();
    }

    private notify(): void {
        for (const l of [...this.listeners]) l();
    }
}
