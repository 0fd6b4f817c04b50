// startServer(connection): the whole language server, with no module globals, so tests can run it in-process over a
// PassThrough pair and main.ts over stdio.
import {
    CodeActionKind,
    CodeLensRefreshRequest,
    DidChangeConfigurationNotification,
    DidChangeWatchedFilesNotification,
    LogMessageNotification,
    MessageType,
    TextDocumentSyncKind,
    WatchKind,
    type Connection,
    type Disposable,
    type InitializeParams,
    type InitializeResult,
    type WorkspaceFolder,
} from 'vscode-languageserver';
import { AnalysisHost, errorText } from './analysisHost';
import { Publisher } from './publisher';
import { registerFeatures } from './features';
import { registerDocuments } from './documentSync';
import { SettingsStore } from './settingsStore';
import { pathToUri, uriToPath } from './uris';
import type { ClientCaps, ServerContext } from './context';
import { Workspace } from './workspace';

/**
 * Debounce of diagnostics after an edit, unless the client passes `initializationOptions.diagnosticsDelay` (ms).
 * None: diagnostics publish as soon as the analysis is done. Edits that arrive while it runs are merged anyway:
 * they queue behind it, the timer of the next turn takes them all, and a refresh whose version went stale is dropped.
 */
const DEFAULT_DELAY_MS = 0;

/** Wires every handler on `connection`. The caller calls `connection.listen()`. */
export function startServer(connection: Connection): Disposable {
    // Not connection.console.log: its promise is left floating and rejects once the connection is gone.
    // Sending throws synchronously once the connection is disposed; a log line is never worth a crash.
    const log = (m: string): void => {
        try {
            void connection
                .sendNotification(LogMessageNotification.type, { type: MessageType.Log, message: m })
                .catch(() => undefined);
        } catch {
            // Connection gone.
        }
    };
    const caps: ClientCaps = {
        configuration: false,
        workspaceFolders: false,
        watchedFilesDynamic: false,
        configurationDynamic: false,
        codeLensRefresh: false,
        snippetEdits: false,
    };
    const host = new AnalysisHost(log);
    const settings = new SettingsStore(connection, () => caps.configuration, log);
    let publisher: Publisher | undefined;
    const workspace = new Workspace(
        host,
        log,
        (scope) => settings.get(scope),
        (change) => publisher?.enqueue(change),
    );
    let docQueue: Promise<void> = host.ready().then(() => undefined);
    let initialFolders: WorkspaceFolder[] = [];
    let delay = DEFAULT_DELAY_MS;
    let markInitialized: () => void = () => undefined;
    const initialized = new Promise<void>((resolve) => (markInitialized = resolve));

    const ctx = (): ServerContext => ({
        connection,
        host,
        settings,
        workspace,
        publisher: publisher as Publisher,
        caps,
        log,
        settled: () => docQueue,
        indexed: () => initialized.then(() => workspace.whenIndexed()),
        enqueueDocumentEvent: (fn) => {
            docQueue = docQueue.then(fn).catch((err: unknown) => log(`Document event failed: ${errorText(err)}`));
        },
    });

    connection.onInitialize((params: InitializeParams): InitializeResult => {
        const c = params.capabilities;
        caps.configuration = c.workspace?.configuration === true;
        caps.workspaceFolders = c.workspace?.workspaceFolders === true;
        caps.watchedFilesDynamic = c.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
        caps.configurationDynamic = c.workspace?.didChangeConfiguration?.dynamicRegistration === true;
        caps.codeLensRefresh = c.workspace?.codeLens?.refreshSupport === true;
        // LSP 3.18; the protocol types we build with (3.17) do not name it yet.
        const edits = c.workspace?.workspaceEdit as { snippetEditSupport?: unknown } | undefined;
        caps.snippetEdits = edits?.snippetEditSupport === true;
        const opts = params.initializationOptions as { diagnosticsDelay?: unknown } | undefined;
        if (typeof opts?.diagnosticsDelay === 'number' && opts.diagnosticsDelay >= 0) delay = opts.diagnosticsDelay;
        initialFolders = foldersOf(params);
        publisher = new Publisher(connection, workspace, settings, host, delay, log);
        const c2 = ctx();
        registerDocuments(c2);
        registerFeatures(c2);
        return {
            capabilities: {
                textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
                codeLensProvider: { resolveProvider: false },
                hoverProvider: true,
                completionProvider: { triggerCharacters: ['(', ',', '.', ' ', '['], resolveProvider: false },
                codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
                documentSymbolProvider: true,
                workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
            },
            serverInfo: { name: 'vast-deployments' },
        };
    });

    connection.onInitialized(() => {
        void (async () => {
            if (caps.watchedFilesDynamic) {
                await connection.client
                    .register(DidChangeWatchedFilesNotification.type, {
                        watchers: [
                            { globPattern: '**/*.py' },
                            // Any path created or deleted: VS Code reports a deleted folder as one event for the
                            // folder (which `**/*.py` filters out), and copied folders' listings go stale.
                            { globPattern: '**/*', kind: WatchKind.Create | WatchKind.Delete },
                        ],
                    })
                    .then(() => {
                        host.fs.cacheEnabled = true;
                    })
                    .catch((err: unknown) => log(`Could not watch files: ${errorText(err)}`));
            }
            if (caps.configurationDynamic) {
                await connection.client
                    .register(DidChangeConfigurationNotification.type, { section: 'vastDeployments' })
                    .catch((err: unknown) => log(`Could not watch settings: ${errorText(err)}`));
            }
            if (caps.workspaceFolders) {
                connection.workspace.onDidChangeWorkspaceFolders((e) => {
                    workspace.removeFolders(e.removed);
                    workspace.addFolders(e.added);
                });
            }
            await host.ready();
            workspace.addFolders(initialFolders);
        })()
            .catch((err: unknown) => log(`Initialisation failed: ${errorText(err)}`))
            .finally(markInitialized);
    });

    connection.onDidChangeWatchedFiles((p) => workspace.onFileEvents(p.changes));

    connection.onDidChangeConfiguration(() => {
        void (async () => {
            settings.clear();
            await workspace.rescanIfExcludeChanged();
            publisher?.enqueue({ keys: [], all: true });
            if (caps.codeLensRefresh) await connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
        })().catch((err: unknown) => log(`Settings change failed: ${errorText(err)}`));
    });

    // A file analysed in the worker thread is re-diagnosed when its analysis arrives.
    host.onAnalysed = (key) => publisher?.enqueue({ keys: [key], all: false });
    const dispose = (): void => {
        publisher?.dispose();
        host.dispose();
    };
    connection.onShutdown(dispose);

    return { dispose };
}

/** Workspace folders from initialize (`workspaceFolders`, else the deprecated `rootUri`/`rootPath`). */
function foldersOf(params: InitializeParams): WorkspaceFolder[] {
    if (params.workspaceFolders && params.workspaceFolders.length > 0) return params.workspaceFolders;
    const rootUri = params.rootUri ?? (params.rootPath ? pathToUri(params.rootPath) : null);
    if (!rootUri || uriToPath(rootUri) === undefined) return [];
    return [{ uri: rootUri, name: rootUri }];
}
