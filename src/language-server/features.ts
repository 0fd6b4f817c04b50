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
import { documentProblem, positionProblem, rangeProblem, rejectIf } from './validate';

/** Why code action parameters are malformed: the range, and the diagnostics the client echoes back. */
function codeActionProblem(p: { range: unknown; context: unknown }): string | undefined {
    const bad = rangeProblem(p.range);
    if (bad) return bad;
    const c = p.context as { diagnostics?: unknown } | null | undefined;
    if (typeof c !== 'object' || c === null || !Array.isArray(c.diagnostics)) {
        return 'context.diagnostics must be an array';
    }
    for (const [i, d] of c.diagnostics.entries()) {
        const r = rangeProblem((d as { range?: unknown } | null)?.range, `context.diagnostics[${i}].range`);
        if (r) return r;
    }
    return undefined;
}

export function registerFeatures(ctx: ServerContext): void {
    const { connection, workspace, publisher, settings } = ctx;

    /**
     * Runs `fn` for an open document after pending edits; any failure becomes `fallback`. Malformed parameters
     * (`invalid`: why, or undefined) are refused with InvalidParams before anything else.
     */
    async function withDocument<T>(
        what: string,
        params: { textDocument: { uri: string } },
        invalid: string | undefined,
        token: CancellationToken,
        fallback: T,
        fn: (doc: NonNullable<ReturnType<typeof workspace.open.get>>) => T | Promise<T>,
    ): Promise<T> {
        rejectIf(documentProblem(params.textDocument) ?? invalid);
        const uri = params.textDocument.uri;
        try {
            await ctx.settled();
            const doc = workspace.open.get(uriKey(uri));
            if (!doc || token.isCancellationRequested) return fallback;
            // A document too slow for the event loop is read in a worker thread: wait for it (others go on).
            await doc.entry.whenAnalysed();
            if (token.isCancellationRequested) return fallback;
            return await fn(doc);
        } catch (err) {
            ctx.log(`${what} failed for ${uri}: ${errorText(err)}`);
            return fallback;
        }
    }

    connection.onCodeLens((p, token) =>
        withDocument('CodeLens', p, undefined, token, [], async (doc) => {
            if (!(await settings.get(doc.doc.uri)).codeLens.enabled) return [];
            return codeLenses(doc.doc.uri, doc.entry.analysis(), token);
        }),
    );

    connection.onHover((p, token) =>
        withDocument('Hover', p, positionProblem(p.position), token, null, (doc) => {
            const line = doc.doc.getText({
                start: { line: p.position.line, character: 0 },
                end: { line: p.position.line + 1, character: 0 },
            });
            return hoverAt(doc.entry.analysis(), line.replace(/\r?\n$/, ''), p.position);
        }),
    );

    connection.onCompletion((p, token) =>
        withDocument('Completion', p, positionProblem(p.position), token, [], (doc) => {
            return completionsAt(doc.entry.analysis(), doc.doc.getText(), doc.doc.offsetAt(p.position), p.position);
        }),
    );

    connection.onCodeAction((p, token) =>
        withDocument('Code actions', p, codeActionProblem(p), token, [], async (doc) => {
            const problems = await publisher.problemsOf(doc.entry);
            if (token.isCancellationRequested) return [];
            return codeActionsFor(
                doc.doc,
                doc.entry.analysis(),
                problems,
                p.range,
                p.context.diagnostics,
                p.context.only,
                ctx.caps.snippetEdits,
            );
        }),
    );

    connection.onDocumentSymbol((p, token) =>
        withDocument('Symbols', p, undefined, token, [], (doc) => documentSymbols(doc.entry.analysis())),
    );

    connection.onRequest(ListDeploymentsRequest.type, async (p, token) => {
        rejectIf(p?.uri === undefined || typeof p.uri === 'string' ? undefined : 'uri must be a string');
        try {
            await ctx.settled();
            await ctx.indexed();
            if (token.isCancellationRequested) return [];
            let entries: FileEntry[];
            if (p?.uri !== undefined) {
                const e = workspace.entry(uriKey(p.uri));
                entries = e && workspace.isListed(e) ? [e] : [];
            } else {
                entries = workspace.listedEntries();
            }
            return await publisher.summaries(entries);
        } catch (err) {
            ctx.log(`Listing deployments failed: ${errorText(err)}`);
            return [];
        }
    });
}
