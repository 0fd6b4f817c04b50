// LSP 3.18 snippet edits for vscode-languageclient 9, which predates them. The client announces
// `workspace.workspaceEdit.snippetEditSupport`, and code actions are converted here so that a SnippetTextEdit from
// the server (the missing-benchmark fix's tab stops over sample values) reaches VS Code as a vscode.SnippetTextEdit,
// not as a text edit without text. Remove once vscode-languageclient supports LSP 3.18.
import * as vscode from 'vscode';
import {
    CodeActionRequest,
    type BaseLanguageClient,
    type CodeAction,
    type Command,
    type Middleware,
    type Range,
    type StaticFeature,
    type TextEdit,
} from 'vscode-languageclient/node';

/** LSP 3.18's SnippetTextEdit. */
interface SnippetTextEdit {
    range: Range;
    snippet: { kind: 'snippet'; value: string };
}

function isSnippet(e: TextEdit | SnippetTextEdit): e is SnippetTextEdit {
    return (e as Partial<SnippetTextEdit>).snippet?.kind === 'snippet';
}

/** Announces snippet edit support in the client capabilities. */
export const snippetEditsFeature: StaticFeature = {
    fillClientCapabilities(capabilities) {
        const workspace = (capabilities.workspace ??= {});
        workspace.workspaceEdit = {
            ...workspace.workspaceEdit,
            snippetEditSupport: true,
        } as typeof workspace.workspaceEdit;
    },
    initialize() {},
    getState: () => ({ kind: 'static' }),
    clear() {},
};

/** The document changes of a code action that holds snippet edits, else undefined. */
function snippetChanges(item: Command | CodeAction) {
    const changes = 'edit' in item ? item.edit?.documentChanges : undefined;
    if (!changes) return undefined;
    const edits = changes.flatMap((c) => ('edits' in c ? (c.edits as (TextEdit | SnippetTextEdit)[]) : []));
    return edits.some(isSnippet) ? changes : undefined;
}

/** `provideCodeActions` middleware: the request as the client makes it, converting snippet edits itself. */
export function snippetCodeActions(clientOf: () => BaseLanguageClient): Middleware['provideCodeActions'] {
    return async (document, range, context, token) => {
        const client = clientOf();
        const c2p = client.code2ProtocolConverter;
        const p2c = client.protocol2CodeConverter;
        let raw: (Command | CodeAction)[] | null;
        try {
            raw = await client.sendRequest(
                CodeActionRequest.type,
                {
                    textDocument: c2p.asTextDocumentIdentifier(document),
                    range: c2p.asRange(range),
                    context: c2p.asCodeActionContextSync(context),
                },
                token,
            );
        } catch (error) {
            return client.handleFailedRequest(CodeActionRequest.type, token, error, null);
        }
        if (!raw || token.isCancellationRequested) return null;
        const items = raw;
        const plain = items.map((item) => (snippetChanges(item) ? { ...item, edit: undefined } : item));
        const actions = await p2c.asCodeActionResult(plain, token);
        return actions.map((action, i) => {
            const changes = snippetChanges(items[i] as Command | CodeAction);
            if (!changes || !(action instanceof vscode.CodeAction)) return action;
            const edit = new vscode.WorkspaceEdit();
            for (const change of changes) {
                if (!('edits' in change)) continue;
                const edits = (change.edits as (TextEdit | SnippetTextEdit)[]).map((e) =>
                    isSnippet(e)
                        ? asSnippetEdit(p2c.asRange(e.range), e.snippet.value)
                        : new vscode.TextEdit(p2c.asRange(e.range), e.newText),
                );
                edit.set(p2c.asUri(change.textDocument.uri), edits);
            }
            action.edit = edit;
            return action;
        });
    };
}

/** A snippet edit inserted as written: the server indents every line itself, as in the plain edit. */
function asSnippetEdit(range: vscode.Range, snippet: string): vscode.SnippetTextEdit {
    const edit = new vscode.SnippetTextEdit(range, new vscode.SnippetString(snippet));
    // VS Code >= 1.92 (our types are 1.91's): without it, lines after the first get the line's indentation again.
    (edit as { keepWhitespace?: boolean }).keepWhitespace = true;
    return edit;
}
