// Open documents: full text on open, incremental changes applied in order, debounced diagnostics; closing falls
// back to the indexed disk copy (or clears the diagnostics when the file is not indexed).
import { FileChangeType } from 'vscode-languageserver';
import type { ServerContext } from './context';
import { OpenDocument } from './files';
import { uriKey, uriToPath } from './uris';

export function registerDocuments(ctx: ServerContext): void {
    const { connection, workspace, publisher, host } = ctx;

    connection.onDidOpenTextDocument(({ textDocument: td }) => {
        ctx.enqueueDocumentEvent(() => {
            const key = uriKey(td.uri);
            const filePath = uriToPath(td.uri);
            workspace.open.get(key)?.entry.dispose();
            const doc = OpenDocument.create(
                td.uri,
                key,
                filePath,
                workspace.folderOf(filePath),
                td.languageId,
                td.version,
                td.text,
                host,
            );
            workspace.open.set(key, doc);
            publisher.enqueue({ keys: [key], all: false });
        });
    });

    connection.onDidChangeTextDocument(({ textDocument: td, contentChanges }) => {
        ctx.enqueueDocumentEvent(() => {
            const key = uriKey(td.uri);
            const doc = workspace.open.get(key);
            if (!doc) return;
            doc.applyChanges(contentChanges, td.version);
            publisher.schedule(key);
        });
    });

    connection.onDidCloseTextDocument(({ textDocument: td }) => {
        ctx.enqueueDocumentEvent(() => {
            const key = uriKey(td.uri);
            const doc = workspace.open.get(key);
            if (!doc) return;
            workspace.open.delete(key);
            doc.entry.dispose();
            publisher.forget(key);
            // The disk copy (if indexed) takes over; unsaved edits are gone, so re-read it.
            const filePath = uriToPath(td.uri);
            if (filePath !== undefined && workspace.folderOf(filePath) !== undefined) {
                workspace.onFileEvents([{ uri: td.uri, type: FileChangeType.Changed }]);
            } else {
                publisher.enqueue({ keys: [key], all: false });
            }
        });
    });
}
