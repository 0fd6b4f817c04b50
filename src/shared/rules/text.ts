/** Small text helpers for quick fixes: LSP positions (UTF-16 code units, like JS strings) to offsets and back. */
import type { Position, Range } from '../model';

/** Line-start offsets of a text, for position <-> offset conversion. */
export class LineIndex {
    private startsCache: readonly number[] | undefined;

    /** `starts`: the text's line starts split at `\n` only, when the caller already has them (an open document). */
    constructor(
        readonly text: string,
        starts?: readonly number[],
    ) {
        this.startsCache = starts;
    }

    /** Built on first use: most files need no position arithmetic at all. */
    private get starts(): readonly number[] {
        if (!this.startsCache) {
            const starts = [0];
            for (let i = this.text.indexOf('\n'); i >= 0; i = this.text.indexOf('\n', i + 1)) starts.push(i + 1);
            this.startsCache = starts;
        }
        return this.startsCache;
    }

    /** Number of lines (a trailing newline starts an empty last line). */
    get lineCount(): number {
        return this.starts.length;
    }

    /** The offset of a position, clamped to the text. */
    offsetAt(p: Position): number {
        const line = Math.max(0, Math.min(p.line, this.starts.length - 1));
        const start = this.starts[line] ?? 0;
        return Math.min(start + Math.max(0, p.character), this.lineEnd(line));
    }

    /** The position of an offset, clamped to the text. */
    positionAt(offset: number): Position {
        const o = Math.max(0, Math.min(offset, this.text.length));
        let lo = 0;
        let hi = this.starts.length - 1;
        while (lo < hi) {
            const mid = (lo + hi + 1) >> 1;
            if ((this.starts[mid] ?? 0) <= o) lo = mid;
            else hi = mid - 1;
        }
        return { line: lo, character: o - (this.starts[lo] ?? 0) };
    }

    /** Offset of the end of `line`, before its `\r\n` or `\n`. */
    lineEnd(line: number): number {
        const next = this.starts[line + 1];
        let end = next === undefined ? this.text.length : next - 1;
        if (end > 0 && this.text.charCodeAt(end - 1) === 13 && next !== undefined) end--;
        return end;
    }

    /** The text of `line` without its line break. */
    lineText(line: number): string {
        const start = this.starts[line];
        return start === undefined ? '' : this.text.slice(start, this.lineEnd(line));
    }

    /** The leading whitespace of `line`. */
    indentOf(line: number): string {
        return /^[ \t]*/.exec(this.lineText(line))?.[0] ?? '';
    }

    /** The text a range covers. */
    slice(r: Range): string {
        return this.text.slice(this.offsetAt(r.start), this.offsetAt(r.end));
    }

    /** The line break the file uses. */
    get eol(): string {
        const first = this.text.indexOf('\n');
        return first > 0 && this.text[first - 1] === '\r' ? '\r\n' : '\n';
    }

    /**
     * True when `line` sits in the body of a `def` (so it runs later, not in module order). Walks up to the nearest
     * less-indented header lines; stops at module level.
     */
    insideFunction(line: number): boolean {
        let indent = this.indentOf(line).length;
        for (let l = line - 1; l >= 0 && indent > 0; l--) {
            const t = this.lineText(l);
            if (t.trim() === '' || t.trimStart().startsWith('#')) continue;
            const ind = this.indentOf(l).length;
            if (ind < indent) {
                if (/^\s*(async\s+)?def\s/.test(t)) return true;
                indent = ind;
            }
        }
        return false;
    }

    /**
     * The offset just after the statement that contains `from` and ends at or after `atLeast`: the first line break
     * outside brackets, strings and comments whose next code line does not continue the expression. Heuristic on
     * purpose (used to place an inserted line after a possibly multi-line statement).
     */
    statementEnd(from: number, atLeast: number): number {
        const t = this.text;
        let depth = 0;
        let i = from;
        while (i < t.length) {
            const c = t[i];
            if (c === '#') {
                while (i < t.length && t[i] !== '\n') i++;
                continue;
            }
            if (c === '"' || c === "'") {
                i = skipString(t, i);
                continue;
            }
            if (c === '(' || c === '[' || c === '{') depth++;
            else if (c === ')' || c === ']' || c === '}') depth--;
            else if (c === '\\' && t[i + 1] === '\n') i++;
            else if (c === '\n' && depth <= 0 && i >= atLeast && !continues(t, i + 1)) return i + 1;
            i++;
        }
        return t.length;
    }
}

/** True when the next non-blank line starts with a closing bracket or `.`: the expression goes on. */
function continues(t: string, from: number): boolean {
    const m = /^[ \t\r\n]*(\S)/.exec(t.slice(from, from + 400));
    return m !== null && m[1] !== undefined && ').]}'.includes(m[1]);
}

/** The offset after the string literal starting at `i` (single or triple quoted). */
function skipString(t: string, i: number): number {
    const q = t[i] as string;
    const triple = t.startsWith(q.repeat(3), i);
    const close = triple ? q.repeat(3) : q;
    let j = i + close.length;
    while (j < t.length) {
        if (t[j] === '\\') {
            j += 2;
            continue;
        }
        if (t.startsWith(close, j)) return j + close.length;
        if (!triple && t[j] === '\n') return j;
        j++;
    }
    return t.length;
}

/** A zero-width range at `p`. */
export function at(p: Position): Range {
    return { start: p, end: p };
}

/** True when position a is before b. */
export function before(a: Position, b: Position): boolean {
    return a.line < b.line || (a.line === b.line && a.character < b.character);
}
