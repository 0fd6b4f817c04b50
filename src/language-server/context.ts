/** The types a feature handler is given by startServer (./server); here so handlers need not import the server. */
import type { Connection } from 'vscode-languageserver';
import type { AnalysisHost } from './analysisHost';
import type { Publisher } from './publisher';
import type { SettingsStore } from './settingsStore';
import type { Workspace } from './workspace';

/** Capabilities the client announced that change what the server does. */
export interface ClientCaps {
    configuration: boolean;
    workspaceFolders: boolean;
    watchedFilesDynamic: boolean;
    configurationDynamic: boolean;
    codeLensRefresh: boolean;
    /** LSP 3.18 `workspace.workspaceEdit.snippetEditSupport`: quick fixes may carry snippet edits. */
    snippetEdits: boolean;
}

/** Everything a feature handler needs. */
export interface ServerContext {
    connection: Connection;
    host: AnalysisHost;
    settings: SettingsStore;
    workspace: Workspace;
    publisher: Publisher;
    caps: ClientCaps;
    log: (m: string) => void;
    /** Resolves once the parser is loaded and every document event so far is applied. */
    settled(): Promise<void>;
    /** Resolves once `initialized` was handled and every scan started so far has finished. */
    indexed(): Promise<void>;
    /** Runs document events one after another (didOpen waits for the parser; edits apply in order). */
    enqueueDocumentEvent(fn: () => void): void;
}
