// Open documents: full text on open, incremental changes applied in order, debounced diagnostics; closing falls
// back to the indexed disk copy (or clears the diagnostics when the file is not indexed).
import { FileChangeType } from 'vscode-languageserver';
import type { ServerContext } from './context';
import { OpenDocument } from './files';
import { uriKey, uriToPath } from './uris';
import { changesProblem, documentProblem } from './validate';

export function registerDocuments(ctx: ServerContext): void {
    const { connection, workspace, publisher, host } = ctx;

    connection.onDidOpenTextDocument(({ textDocument: td }) => {
        const bad =
            documentProblem(td) ??
            (typeof td.text !== 'string' ? 'textDocument.text must be a string' : undefined) ??
            (Number.isInteger(td.version) ? undefined : 'textDocument.version must be an integer');
        if (bad) return ctx.log(`Ignored textDocument/didOpen: ${bad}`);
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
        // A notification has no reply: a malformed change is dropped whole (logged), the document keeps its text.
        const bad =
            documentProblem(td) ??
            (Number.isInteger(td.version) ? undefined : 'textDocument.version must be an integer') ??
            changesProblem(contentChanges);
        if (bad) return ctx.log(`Ignored textDocument/didChange of ${String(td?.uri)}: ${bad}`);
        ctx.enqueueDocumentEvent(() => {
            const key = uriKey(td.uri);
            const doc = workspace.open.get(key);
            if (!doc) return;
            doc.applyChanges(contentChanges, td.version);
            publisher.schedule(key);
        });
    });

    connection.onDidCloseTextDocument(({ textDocument: td }) => {
        if (documentProblem(td)) return ctx.log('Ignored textDocument/didClose: textDocument.uri must be a string');
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
