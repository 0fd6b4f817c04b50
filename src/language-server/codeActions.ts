// Quick fixes: the rules' text-edit fixes, plus "ignore on this line" for every problem. A fix with a snippet form
// (tab stops over sample values) is sent as an LSP 3.18 SnippetTextEdit to a client that announced support for it.
import {
    CodeActionKind,
    type CodeAction,
    type Diagnostic,
    type Range,
    type TextEdit as LspTextEdit,
    type WorkspaceEdit,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { FileAnalysis } from '../shared/model';
import type { Fix, Problem } from '../shared/rules/types';
import { toDiagnostic } from './diagnostics';
import { overlaps, sameRange } from './ranges';

/** Code actions for the problems overlapping `range`. */
export function codeActionsFor(
    doc: TextDocument,
    analysis: FileAnalysis,
    problems: readonly Problem[],
    range: Range,
    sent: readonly Diagnostic[],
    only?: string[],
    snippetEdits = false,
): CodeAction[] {
    if (only && !only.some((k) => k === CodeActionKind.QuickFix || CodeActionKind.QuickFix.startsWith(`${k}.`))) {
        return [];
    }
    const out: CodeAction[] = [];
    const ignoreLines = new Set<string>();
    for (const p of problems) {
        if (!overlaps(p.range, range)) continue;
        const diagnostic =
            sent.find((d) => d.code === p.code && sameRange(d.range, p.range)) ?? toDiagnostic(p, doc.uri);
        for (const fix of p.fixes ?? []) {
            out.push({
                title: fix.title,
                kind: CodeActionKind.QuickFix,
                diagnostics: [diagnostic],
                isPreferred: fix.isPreferred,
                edit: fixEdit(doc, fix, snippetEdits),
            });
        }
        const line = p.range.start.line;
        const id = `${line}:${p.code}`;
        if (analysis.ignores[line] === undefined && !ignoreLines.has(id)) {
            ignoreLines.add(id);
            out.push(ignoreAction(doc, line, p.code, diagnostic));
        }
    }
    return out;
}

function ignoreAction(doc: TextDocument, line: number, code: string, diagnostic: Diagnostic): CodeAction {
    const text = doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
    const end = text.replace(/\r?\n$/, '').length;
    const pos = { line, character: end };
    return {
        title: `Ignore ${code} on this line`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        edit: { changes: { [doc.uri]: [{ range: { start: pos, end: pos }, newText: `  # vast: ignore[${code}]` }] } },
    };
}

/** LSP 3.18's SnippetTextEdit (vscode-languageserver-types 3.17 does not define it). */
interface SnippetTextEdit {
    range: Range;
    snippet: { kind: 'snippet'; value: string };
}

/** The workspace edit of a fix: plain text edits, or with snippets as a versioned document change. */
function fixEdit(doc: TextDocument, fix: Fix, snippetEdits: boolean): WorkspaceEdit {
    const plain = (e: Fix['edits'][number]): LspTextEdit => ({ range: e.range, newText: e.newText });
    if (!snippetEdits || !fix.edits.some((e) => e.snippet !== undefined)) {
        return { changes: { [doc.uri]: fix.edits.map(plain) } };
    }
    const edits = fix.edits.map((e): LspTextEdit | SnippetTextEdit =>
        e.snippet === undefined ? plain(e) : { range: e.range, snippet: { kind: 'snippet', value: e.snippet } },
    );
    // Snippet edits are only allowed in a TextDocumentEdit; the cast is the 3.17 type not knowing them.
    return {
        documentChanges: [{ textDocument: { uri: doc.uri, version: doc.version }, edits: edits as LspTextEdit[] }],
    };
}
