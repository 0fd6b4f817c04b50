/**
 * Errors Python raises when it compiles a file, before any line runs: `python3 app.py` then never reaches
 * ensure_ready(), so the SDK deploys nothing. tree-sitter recovers from syntax errors (the editor keeps reading the
 * rest), and accepts a repeated keyword argument outright; packaging must refuse both. Pure.
 */
import type { Node } from 'web-tree-sitter';
import type { Range } from '../model';
import { readSyntaxErrors } from './ignores';
import { namedChildren, rangeOf } from './nodes';
import { parsePython } from './parser';

export interface CompileError {
    range: Range;
    message: string;
}

/** The compile errors of `text`, in file order (the first is the one Python reports). Needs `initPython()`. */
export function compileErrors(text: string): CompileError[] {
    const tree = parsePython(text);
    try {
        const out: CompileError[] = readSyntaxErrors(tree.rootNode).map((range) => ({
            range,
            message: 'SyntaxError: invalid syntax',
        }));
        for (const call of tree.rootNode.descendantsOfType('argument_list')) {
            if (call) out.push(...repeatedKeywords(call));
        }
        return out.sort(
            (a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character,
        );
    } finally {
        tree.delete();
    }
}

function repeatedKeywords(args: Node): CompileError[] {
    const seen = new Set<string>();
    const out: CompileError[] = [];
    for (const arg of namedChildren(args)) {
        if (arg.type !== 'keyword_argument') continue;
        const name = arg.childForFieldName('name');
        if (!name) continue;
        if (seen.has(name.text)) {
            out.push({ range: rangeOf(name), message: `SyntaxError: keyword argument repeated: ${name.text}` });
        }
        seen.add(name.text);
    }
    return out;
}
