/**
 * An open Python document for the language server: keeps its tree-sitter tree, applies LSP content changes with
 * `tree.edit()` and reparses incrementally, so re-analysing after a keystroke costs little.
 */
import type { Edit, Point, Tree } from 'web-tree-sitter';
import type { FileAnalysis, Position, Range } from '../model';
import { analyzeIndexed } from './analyzeTree';
import { notAnalysed, overBudget } from './limits';
import { AnalysisBudgetError, mergeSpans, SourceIndex, type Span } from './nodes';
import { parsePython } from './parser';

/** An LSP `TextDocumentContentChangeEvent`: a ranged edit, or the whole new text. */
export type ContentChange = { range: Range; text: string } | { text: string };

/** Start offsets of each line (after `\n`, `\r\n` or a lone `\r`, as LSP counts lines). */
function lineStarts(text: string): number[] {
    const starts = [0];
    scanStarts(text, 0, text.length + 1, starts);
    return starts;
}

/** Pushes the start of every line that begins in `(from, to)` onto `out` (line breaks as in `lineStarts`). */
function scanStarts(text: string, from: number, to: number, out: number[]): void {
    // Small spans (the lines around an edit) take the plain loop; `indexOf` would look for a `\r` up to the end.
    const cr = to - from < 2048 ? from : text.indexOf('\r', from);
    if (cr < 0 || cr >= to) {
        // The common case, with a native scan.
        for (let i = text.indexOf('\n', from); i >= 0 && i + 1 < to; i = text.indexOf('\n', i + 1)) out.push(i + 1);
        return;
    }
    for (let i = from; i < to; i++) {
        const c = text.charCodeAt(i);
        if (c === 13) {
            if (text.charCodeAt(i + 1) === 10) i++;
            if (i + 1 < to) out.push(i + 1);
        } else if (c === 10 && i + 1 < to) {
            out.push(i + 1);
        }
    }
}

/** The index of the line containing `offset` (binary search of the line starts). */
function lineOf(starts: readonly number[], offset: number): number {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if ((starts[mid] ?? 0) <= offset) lo = mid;
        else hi = mid - 1;
    }
    return lo;
}

/**
 * The line starts after `text` (the new text) replaced `[start, oldEnd)` of the old text by `inserted`, from the old
 * starts (updated in place when the edit keeps the number of lines): only the lines around the edit are rescanned,
 * the later ones shift. The rescan begins a line early because
 * an edit next to a `\r` can join or split a `\r\n`.
 */
function updatedStarts(old: number[], text: string, start: number, oldEnd: number, inserted: number): number[] {
    const first = Math.max(0, lineOf(old, start) - 1);
    // The first line start after the edit stays one: the break before it lies after the edit, unchanged.
    const after = lineOf(old, oldEnd) + 1;
    const delta = inserted - (oldEnd - start);
    const from = old[first] ?? 0;
    const to = after < old.length ? (old[after] ?? 0) + delta : text.length + 1;
    const mid: number[] = [];
    scanStarts(text, from, to, mid);
    const tail = after < old.length ? old.length - after : 0;
    if (mid.length === after - first - 1) {
        // As many lines as before (most keystrokes): shift the later starts in place instead of copying them all.
        for (let i = 0; i < mid.length; i++) old[first + 1 + i] = mid[i] ?? 0;
        if (delta !== 0) for (let i = after; i < old.length; i++) old[i] = (old[i] ?? 0) + delta;
        return old;
    }
    const out = new Array<number>(first + 1 + mid.length + tail);
    for (let i = 0; i <= first; i++) out[i] = old[i] ?? 0;
    for (let i = 0; i < mid.length; i++) out[first + 1 + i] = mid[i] ?? 0;
    for (let i = 0; i < tail; i++) out[first + 1 + mid.length + i] = (old[after + i] ?? 0) + delta;
    return out;
}

/**
 * True when `next` is `old` with `[start, oldEnd)` replaced by `inserted`. Compares slices, which share the strings'
 * characters: no copy of either text is made.
 */
function isReplaced(old: string, next: string, start: number, oldEnd: number, inserted: string): boolean {
    const tail = old.length - oldEnd;
    return (
        next.length === start + inserted.length + tail &&
        next.startsWith(inserted, start) &&
        next.slice(0, start) === old.slice(0, start) &&
        next.slice(next.length - tail) === old.slice(oldEnd)
    );
}

/** True when the text has a `\r` not followed by `\n`: LSP counts it as a line break, tree-sitter does not. */
function hasLoneCR(text: string): boolean {
    for (let i = text.indexOf('\r'); i >= 0; i = text.indexOf('\r', i + 1)) if (text[i + 1] !== '\n') return true;
    return false;
}

/** The tree-sitter point (row by `\n` only, column in UTF-16 units) of a string offset. */
function pointAt(text: string, offset: number, starts: number[], loneCR: boolean): Point {
    if (!loneCR) {
        // Rows are LSP lines then: binary search the line starts.
        const row = lineOf(starts, offset);
        return { row, column: offset - (starts[row] ?? 0) };
    }
    const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
    let row = 0;
    for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) row++;
    return { row, column: offset - lineStart };
}

/** The end point of `inserted` when it starts at `start`. */
function advance(start: Point, inserted: string): Point {
    const lastNl = inserted.lastIndexOf('\n');
    if (lastNl < 0) return { row: start.row, column: start.column + inserted.length };
    let rows = 0;
    for (let i = inserted.indexOf('\n'); i >= 0; i = inserted.indexOf('\n', i + 1)) rows++;
    return { row: start.row + rows, column: inserted.length - lastNl - 1 };
}

/**
 * A document kept parsed. Call `dispose()` when it closes: the tree lives in wasm memory. Positions in changes are
 * LSP positions (UTF-16); a position past the end of a line is clamped to the line end, as LSP asks.
 */
export class PythonDocument {
    private tree: Tree;
    private starts: number[];
    private cached: FileAnalysis | undefined;
    /** The name occurrences of the last analysis, and the span changed since: the next analysis rescans only that. */
    private occurrences: ReadonlyMap<string, readonly number[]> | undefined;
    private changed: Span | undefined;
    /** False while the text surely has no `\r` (most files): saves a scan of the whole text per keystroke. */
    private mayHaveCR: boolean;

    /** `parseBudgetMs`: the longest one parse may take, else `ParseBudgetError` (from the constructor or `update`). */
    constructor(
        private content: string,
        private readonly parseBudgetMs?: number,
    ) {
        this.tree = parsePython(content, undefined, parseBudgetMs);
        this.starts = lineStarts(content);
        this.mayHaveCR = content.includes('\r');
    }

    get text(): string {
        return this.content;
    }

    /**
     * The offsets where lines start, split at `\n` only: undefined when the text has a `\r` (LSP also breaks lines
     * there). Kept up to date on every change, so the rules need not rescan a long file per keystroke.
     */
    newlineStarts(): readonly number[] | undefined {
        return this.mayHaveCR && this.content.includes('\r') ? undefined : this.starts;
    }

    /** The offset of an LSP position in the current text. */
    offsetAt(pos: Position): number {
        if (pos.line < 0) return 0;
        if (pos.line >= this.starts.length) return this.content.length;
        const start = this.starts[pos.line] ?? 0;
        const next = this.starts[pos.line + 1];
        let lineEnd = next ?? this.content.length;
        // The line's end excludes its line break.
        if (next !== undefined) {
            lineEnd = next - 1;
            if (this.content[lineEnd] === '\n' && this.content[lineEnd - 1] === '\r' && lineEnd - 1 >= start) lineEnd--;
        }
        return Math.min(start + Math.max(pos.character, 0), lineEnd);
    }

    /**
     * Applies changes in order (as LSP sends them) and reparses once. `expected`, the text after them as the editor
     * holds it, is taken as the new text when it is exactly what the last change makes: one copy of a long file per
     * keystroke instead of two (a string over 128 KB is a costly allocation, about half of a keystroke's time).
     */
    update(changes: readonly ContentChange[], expected?: string): void {
        if (changes.length === 0) return;
        for (const [n, change] of changes.entries()) {
            if (!('range' in change)) {
                this.replaceAll(change.text);
                continue;
            }
            const startIndex = this.offsetAt(change.range.start);
            const oldEndIndex = Math.max(startIndex, this.offsetAt(change.range.end));
            const loneCR = this.mayHaveCR && hasLoneCR(this.content);
            const startPosition = pointAt(this.content, startIndex, this.starts, loneCR);
            const oldEndPosition = pointAt(this.content, oldEndIndex, this.starts, loneCR);
            const edit: Edit = {
                startIndex,
                oldEndIndex,
                newEndIndex: startIndex + change.text.length,
                startPosition,
                oldEndPosition,
                newEndPosition: advance(startPosition, change.text),
            };
            const last = n === changes.length - 1 && expected !== undefined;
            this.content =
                last && isReplaced(this.content, expected, startIndex, oldEndIndex, change.text)
                    ? expected
                    : this.content.slice(0, startIndex) + change.text + this.content.slice(oldEndIndex);
            this.mayHaveCR ||= change.text.includes('\r');
            this.starts = updatedStarts(this.starts, this.content, startIndex, oldEndIndex, change.text.length);
            const span = { start: startIndex, oldEnd: oldEndIndex, newEnd: edit.newEndIndex };
            this.changed = this.changed ? mergeSpans(this.changed, span) : span;
            this.tree.edit(edit);
        }
        // With a lone `\r` the parser sees `\n` there (see parsePython), so the edits' rows above do not describe
        // its tree: parse afresh (rare: old Mac line ends).
        const loneCR = this.mayHaveCR && hasLoneCR(this.content);
        const next = parsePython(this.content, loneCR ? undefined : this.tree, this.parseBudgetMs);
        this.tree.delete();
        this.tree = next;
        this.cached = undefined;
    }

    private replaceAll(text: string): void {
        this.content = text;
        this.occurrences = undefined;
        this.changed = undefined;
        this.mayHaveCR = text.includes('\r');
        this.starts = lineStarts(text);
        const fresh = parsePython(text, undefined, this.parseBudgetMs);
        this.tree.delete();
        this.tree = fresh;
        this.cached = undefined;
    }

    /**
     * The analysis of the current text (cached until the next change). Never throws. With `budgetMs`, an analysis
     * still running after that long stops, and the result says so (`notAnalysed`) instead of holding up the caller.
     */
    analyze(budgetMs?: number): FileAnalysis {
        this.cached = this.analyzeWithin(budgetMs) ?? notAnalysed(this.content, overBudget(budgetMs ?? 0));
        return this.cached;
    }

    /** `analyze`, but undefined (and nothing cached) when the analysis runs past `budgetMs`. */
    analyzeWithin(budgetMs: number | undefined): FileAnalysis | undefined {
        if (this.cached) return this.cached;
        const previous =
            this.occurrences && this.changed ? { hits: this.occurrences, change: this.changed } : undefined;
        const index = new SourceIndex(this.content, this.tree, previous);
        if (budgetMs !== undefined) index.limitTime(budgetMs);
        try {
            this.cached = analyzeIndexed(index);
            this.occurrences = index.found;
            this.changed = undefined;
            return this.cached;
        } catch (err) {
            if (!(err instanceof AnalysisBudgetError)) throw err;
            // The next try starts afresh: the occurrences found so far are not all of them.
            this.occurrences = undefined;
            this.changed = undefined;
            return undefined;
        }
    }

    /** Frees the tree. The document cannot be used afterwards. */
    dispose(): void {
        this.tree.delete();
    }
}
