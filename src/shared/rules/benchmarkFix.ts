/**
 * The `missing-benchmark` fix: `benchmark_dataset=[{...}]` on a `@remote` decorator, one sample value per required
 * parameter (by annotation), laid out like the decorator's other arguments: inline, or one per line with their
 * indentation and trailing commas. A `benchmark_dataset=None` already there gets the value instead.
 */
import type { MethodCall, RemoteFunction } from '../model';
import { escapeSnippet, sampleRow, sampleRowSnippet } from '../sampleValues';
import { requiredParams } from './fixes';
import { type LineIndex, at } from './text';
import type { Fix, TextEdit } from './types';

/** Where the dataset value goes in an edit's text, before it becomes plain text or a snippet. */
const VALUE = '\u0000';

/** Fix for `missing-benchmark`: a dataset on `fn`'s decorator. */
export function addBenchmarkFix(fn: RemoteFunction, lines: LineIndex, preferred: boolean): Fix {
    const params = requiredParams(fn.params).map((p) => [p.name, p.annotation] as const);
    const plain = `[${sampleRow(params)}]`;
    const snippet = `[${sampleRowSnippet(params)}]`;
    const edits = datasetEdits(fn.decorator, lines).map((e): TextEdit =>
        e.newText.includes(VALUE)
            ? {
                  range: e.range,
                  newText: e.newText.replace(VALUE, plain),
                  snippet: e.newText.split(VALUE).map(escapeSnippet).join(`${snippet}$0`),
              }
            : e,
    );
    return { title: `Add a benchmark_dataset to \`${fn.name}\``, kind: 'quickfix', isPreferred: preferred, edits };
}

/** The edits that give `call` a `benchmark_dataset=` argument whose value is `VALUE`. */
function datasetEdits(call: MethodCall, lines: LineIndex): TextEdit[] {
    const arg = `benchmark_dataset=${VALUE}`;
    const none = call.args.find((a) => a.name === 'benchmark_dataset');
    if (none) return [{ range: none.value.range, newText: VALUE }];
    const open = lines.offsetAt(call.argsRange.start);
    const close = lines.offsetAt(call.argsRange.end);
    if (close <= open || lines.text[close - 1] !== ')') {
        // `@app.remote` without parentheses.
        return [{ range: at(call.methodRange.end), newText: `(${arg})` }];
    }
    const last = call.args[call.args.length - 1];
    const decoratorIndent = lines.indentOf(call.range.start.line);
    if (!last) {
        const inner = { start: lines.positionAt(open + 1), end: lines.positionAt(close - 1) };
        if (lines.slice(inner).trim() === '') return [{ range: inner, newText: arg }];
        // Only comments inside: the argument goes on its own line before the `)`.
        const closeLine = call.argsRange.end.line;
        if (lines.lineText(closeLine).trim().startsWith(')')) {
            return [
                { range: at({ line: closeLine, character: 0 }), newText: `${decoratorIndent}    ${arg},${lines.eol}` },
            ];
        }
        return [{ range: at(lines.positionAt(close - 1)), newText: arg }];
    }
    const lastEnd = lines.offsetAt(last.range.end);
    if (last.range.start.line === call.argsRange.start.line) {
        return [{ range: at(last.range.end), newText: `, ${arg}` }];
    }
    // One argument per line: a new line like the last one, after its comma and any comment.
    const indent = lines.indentOf(last.range.start.line);
    const comma = /^[ \t]*,/.exec(lines.text.slice(lastEnd, lastEnd + 200));
    const afterComma = lastEnd + (comma ? comma[0].length : 0);
    const line = lines.positionAt(afterComma).line;
    const rest = lines.text.slice(afterComma, lines.lineEnd(line)).trim();
    const eolAt = at(lines.positionAt(lines.lineEnd(line)));
    if (comma && (rest === '' || rest.startsWith('#'))) {
        return [{ range: eolAt, newText: `${lines.eol}${indent}${arg},` }];
    }
    if (rest.startsWith('#')) {
        return [
            { range: at(last.range.end), newText: ',' },
            { range: eolAt, newText: `${lines.eol}${indent}${arg}` },
        ];
    }
    // Nothing after the last argument on its line, or the `)`: the new one follows it directly.
    return [{ range: at(last.range.end), newText: `,${lines.eol}${indent}${arg}` }];
}
