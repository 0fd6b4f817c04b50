/**
 * Text edits: on calls for the quick fixes (insert an argument, remove arguments with their commas), and applying
 * edits to a text.
 */
import type { CallArg, MethodCall } from '../model';
import { LineIndex, at } from './text';
import type { TextEdit } from './types';

/**
 * Inserts `argText` (e.g. `benchmark_dataset=[{}]`) as the last argument of `call`. A call written without
 * parentheses (`@app.remote`) gets them.
 */
export function insertArgEdit(call: MethodCall, argText: string, lines: LineIndex): TextEdit {
    const last = call.args[call.args.length - 1];
    if (last) return { range: at(last.range.end), newText: `, ${argText}` };
    const open = lines.offsetAt(call.argsRange.start);
    const close = lines.offsetAt(call.argsRange.end);
    if (close > open && lines.text[close - 1] === ')') {
        return { range: at(lines.positionAt(close - 1)), newText: argText };
    }
    return { range: at(call.methodRange.end), newText: `(${argText})` };
}

/** Edits that remove `remove` (arguments of `call`) together with the commas that separated them. */
export function removeArgsEdits(call: MethodCall, remove: readonly CallArg[], lines: LineIndex): TextEdit[] {
    const args = call.args;
    const gone = new Set(remove);
    const edits: TextEdit[] = [];
    let i = 0;
    while (i < args.length) {
        if (!gone.has(args[i] as CallArg)) {
            i++;
            continue;
        }
        let j = i;
        while (j + 1 < args.length && gone.has(args[j + 1] as CallArg)) j++;
        const first = args[i] as CallArg;
        const lastGone = args[j] as CallArg;
        const next = args[j + 1];
        const prev = args[i - 1];
        if (next) edits.push({ range: { start: first.range.start, end: next.range.start }, newText: '' });
        else if (prev) edits.push({ range: { start: prev.range.end, end: lastGone.range.end }, newText: '' });
        else {
            // Every argument goes: take a trailing comma too, keep the parentheses.
            let end = lines.offsetAt(lastGone.range.end);
            const m = /^\s*,/.exec(lines.text.slice(end, end + 200));
            if (m) end += m[0].length;
            edits.push({ range: { start: first.range.start, end: lines.positionAt(end) }, newText: '' });
        }
        i = j + 1;
    }
    return edits;
}

/** The text after `edits` (non-overlapping, positions in the original text). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
    const lines = new LineIndex(text);
    const spans = edits
        .map((e) => ({ start: lines.offsetAt(e.range.start), end: lines.offsetAt(e.range.end), text: e.newText }))
        .sort((a, b) => b.start - a.start || b.end - a.end);
    let out = text;
    for (const s of spans) out = out.slice(0, s.start) + s.text + out.slice(s.end);
    return out;
}
