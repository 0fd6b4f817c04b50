// Quick fixes: the rules' text-edit fixes, plus "ignore on this line" for every problem.
import { CodeActionKind, type CodeAction, type Diagnostic, type Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { FileAnalysis } from '../shared/model';
import type { Problem } from '../shared/rules/types';
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
                edit: { changes: { [doc.uri]: fix.edits.map((e) => ({ range: e.range, newText: e.newText })) } },
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
