// Part of the heavy bundle (./heavy) so activation does not pay for vscode-languageclient.
import type * as vscode from 'vscode';
import {
    CodeLensRequest,
    LanguageClient,
    TransportKind,
    type LanguageClientOptions,
    type ServerOptions,
} from 'vscode-languageclient/node';
import { DeploymentsChangedNotification, ListDeploymentsRequest, type DeploymentSummary } from '../shared/protocol';
import { SETTINGS_SECTION } from '../shared/settings';
import { readSettings } from './settings';
import { snippetCodeActions, snippetEditsFeature } from './snippetEdits';

/**
 * Starts the language server (dist/server.js over stdio) for the workspace's Python files. `filterLenses` drops the
 * server's lenses that do not apply (Benchmark and Tear down of what is not deployed: ./deployLenses).
 */
export async function startLanguageClient(
    context: vscode.ExtensionContext,
    filterLenses: (lenses: vscode.CodeLens[]) => vscode.CodeLens[] = (l) => l,
): Promise<LanguageClient> {
    const module = context.asAbsolutePath('dist/server.js');
    const serverOptions: ServerOptions = {
        run: { module, transport: TransportKind.stdio },
        debug: { module, transport: TransportKind.stdio, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
    };
    const clientOptions: LanguageClientOptions = {
        documentSelector: [{ scheme: 'file', language: 'python' }],
        synchronize: { configurationSection: SETTINGS_SECTION },
        middleware: {
            // The server honours the setting too; filtering here makes the toggle instant.
            provideCodeLenses: async (document, token, next) =>
                readSettings(document.uri).codeLens.enabled ? filterLenses((await next(document, token)) ?? []) : [],
            // Runs only once the client below exists.
            provideCodeActions: snippetCodeActions(() => client),
        },
    };
    const client = new LanguageClient(
        'vastDeployments',
        'Vast Deployments Language Server',
        serverOptions,
        clientOptions,
    );
    client.registerFeature(snippetEditsFeature);
    await client.start();
    return client;
}

/** Every deployment in the workspace, from the server's index. */
export function listDeployments(client: LanguageClient): Promise<DeploymentSummary[]> {
    return client.sendRequest(ListDeploymentsRequest.type, {});
}

export function onDeploymentsChanged(client: LanguageClient, listener: () => void): vscode.Disposable {
    return client.onNotification(DeploymentsChangedNotification.type, listener);
}

/** Makes VS Code ask the server's lenses again for the open Python files (what they show depends on status). */
export function refreshCodeLenses(client: LanguageClient, documents: readonly vscode.TextDocument[]): void {
    const feature = client.getFeature(CodeLensRequest.method);
    const fired = new Set<unknown>();
    for (const doc of documents) {
        const provider = feature.getProvider(doc);
        if (!provider || fired.has(provider)) continue;
        fired.add(provider);
        provider.onDidChangeCodeLensEmitter.fire();
    }
}
