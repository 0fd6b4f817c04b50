// Request handlers: CodeLens, hover, completion, code actions, symbols and the deployments list. Each waits for
// pending document events, and none lets an exception through: it is logged and the answer is empty.
import type { CancellationToken } from 'vscode-languageserver';
import { ListDeploymentsRequest } from '../shared/protocol';
import { errorText } from './analysisHost';
import { codeActionsFor } from './codeActions';
import { codeLenses } from './codeLens';
import { completionsAt } from './completion';
import type { FileEntry } from './files';
import { hoverAt } from './hover';
import type { ServerContext } from './context';
import { documentSymbols } from './symbols';
import { uriKey } from './uris';

/** Characters of text before the cursor that completion looks at (an unclosed call rarely spans more). */
const COMPLETION_LOOKBEHIND = 4000;

export function registerFeatures(ctx: ServerContext): void {
    const { connection, workspace, publisher, settings } = ctx;

    /** Runs `fn` for an open document after pending edits; any failure becomes `fallback`. */
    async function withDocument<T>(
        what: string,
        uri: string,
        token: CancellationToken,
        fallback: T,
        fn: (doc: NonNullable<ReturnType<typeof workspace.open.get>>) => T | Promise<T>,
    ): Promise<T> {
        try {
            await ctx.settled();
            const doc = workspace.open.get(uriKey(uri));
            if (!doc || token.isCancellationRequested) return fallback;
            return await fn(doc);
        } catch (err) {
            ctx.log(`${what} failed for ${uri}: ${errorText(err)}`);
            return fallback;
        }
    }

    connection.onCodeLens((p, token) =>
        withDocument('CodeLens', p.textDocument.uri, token, [], async (doc) => {
            if (!(await settings.get(doc.doc.uri)).codeLens.enabled) return [];
            return codeLenses(doc.doc.uri, doc.entry.analysis(), token);
        }),
    );

    connection.onHover((p, token) =>
        withDocument('Hover', p.textDocument.uri, token, null, (doc) => {
            const line = doc.doc.getText({
                start: { line: p.position.line, character: 0 },
                end: { line: p.position.line + 1, character: 0 },
            });
            return hoverAt(doc.entry.analysis(), line.replace(/\r?\n$/, ''), p.position);
        }),
    );

    connection.onCompletion((p, token) =>
        withDocument('Completion', p.textDocument.uri, token, [], (doc) => {
            const offset = doc.doc.offsetAt(p.position);
            const before = doc.doc.getText().slice(Math.max(0, offset - COMPLETION_LOOKBEHIND), offset);
            return completionsAt(doc.entry.analysis(), before, p.position);
        }),
    );

    connection.onCodeAction((p, token) =>
        withDocument('Code actions', p.textDocument.uri, token, [], async (doc) => {
            const problems = await publisher.problemsOf(doc.entry);
            if (token.isCancellationRequested) return [];
            return codeActionsFor(
                doc.doc,
                doc.entry.analysis(),
                problems,
                p.range,
                p.context.diagnostics,
                p.context.only,
            );
        }),
    );

    connection.onDocumentSymbol((p, token) =>
        withDocument('Symbols', p.textDocument.uri, token, [], (doc) => documentSymbols(doc.entry.analysis())),
    );

    connection.onRequest(ListDeploymentsRequest.type, async (p, token) => {
        try {
            await ctx.settled();
            await ctx.indexed();
            if (token.isCancellationRequested) return [];
            let entries: FileEntry[];
            if (p?.uri !== undefined) {
                const e = workspace.entry(uriKey(p.uri));
                entries = e ? [e] : [];
            } else {
                entries = workspace.entries();
            }
            return await publisher.summaries(entries);
        } catch (err) {
            ctx.log(`Listing deployments failed: ${errorText(err)}`);
            return [];
        }
    });
}
