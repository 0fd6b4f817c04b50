/**
 * Small helpers over tree-sitter nodes: LSP ranges and a lazy index of where a name occurs in the text.
 *
 * web-tree-sitter parses JS strings as UTF-16, so its indices and columns are already UTF-16 code units: the
 * positions it reports are LSP positions as they are, and its indices are JS string indices.
 */
import type { Node, Tree } from 'web-tree-sitter';
import type { Range } from '../model';

/**
 * Parents recorded while finding nodes by offset. tree-sitter nodes have no parent pointer: `node.parent` searches
 * down from the root, scanning every top-level statement, which is slow in a big file. Nodes found through
 * `SourceIndex` have their ancestors recorded in a map held by their tree.
 *
 * On the tree object, not in a module-level WeakMap keyed by the tree: that WeakMap lived in V8's old generation, and
 * a young-generation GC treats the value slots of an old WeakMap as strong. Each value's nodes point back at their
 * tree, whose text callback holds the whole document text, so every version of an open document typed since the last
 * young GC was promoted to the old generation (about 8 MB per young GC in the 10,000-line bench), and only full GCs
 * freed them: about one full GC per 100 keystrokes, the tail of the edit-to-diagnostics latency.
 */
const PARENTS = Symbol('parents');
type TreeWithParents = Tree & { [PARENTS]?: Map<number, Node> };

/** The parent of a node (the recorded one when known, else tree-sitter's search). */
export function parentOf(node: Node): Node | null {
    return (node.tree as TreeWithParents)[PARENTS]?.get(node.id) ?? node.parent;
}

/** The LSP range of a node. */
export function rangeOf(node: Node): Range {
    const s = node.startPosition;
    const e = node.endPosition;
    return { start: { line: s.row, character: s.column }, end: { line: e.row, character: e.column } };
}

/** The named children of a node, comments left out. */
export function namedChildren(node: Node): Node[] {
    const out: Node[] = [];
    for (const c of node.namedChildren) if (c && c.type !== 'comment') out.push(c);
    return out;
}

/** The parent, looking through parentheses: `(x)` counts as `x`. */
export function parentThroughParens(node: Node): { parent: Node | null; child: Node } {
    let child = node;
    let parent = parentOf(node);
    while (parent && parent.type === 'parenthesized_expression') {
        child = parent;
        parent = parentOf(parent);
    }
    return { parent, child };
}

/** True when two nodes are the same node of the same tree. */
export function sameNode(a: Node | null | undefined, b: Node | null | undefined): boolean {
    return !!a && !!b && a.id === b.id;
}

function isIdentChar(code: number): boolean {
    return (
        (code >= 48 && code <= 57) || // 0-9
        (code >= 65 && code <= 90) || // A-Z
        (code >= 97 && code <= 122) || // a-z
        code === 95 || // _
        code > 127 // Python identifiers may hold non-ASCII letters
    );
}

/**
 * What must follow a name for its mention to matter: `.` a method call (`x.m(`) or a decorator (`@x.m`), `(` a
 * call, `=` an assignment.
 */
export type Follow = '.' | '(' | '=' | undefined;

function isSpace(code: number): boolean {
    return code === 32 || code === 9 || code === 10 || code === 13 || code === 12 || code === 92; // 92: `\` continuation
}

/** Thrown when an analysis runs past its deadline (see `SourceIndex`); the caller reports it, nothing else does. */
export class AnalysisBudgetError extends Error {
    constructor(readonly budgetMs: number) {
        super(`analysis took longer than ${budgetMs} ms`);
        this.name = 'AnalysisBudgetError';
    }
}

/** Node lookups between two looks at the clock. */
const CLOCK_EVERY = 128;

/** One text change as a replaced span: `[start, oldEnd)` of the old text became `[start, newEnd)` of the new one. */
export interface Span {
    start: number;
    oldEnd: number;
    newEnd: number;
}

/** Name occurrences found in the previous version of a text, and the span that changed since. */
export interface PreviousOccurrences {
    hits: ReadonlyMap<string, readonly number[]>;
    change: Span;
}

/** The one span that covers `first` followed by `next` (`next` in the coordinates of the text after `first`). */
export function mergeSpans(first: Span, next: Span): Span {
    const hi = Math.max(first.newEnd, next.oldEnd);
    return {
        start: Math.min(first.start, next.start),
        oldEnd: first.oldEnd + Math.max(0, next.oldEnd - first.newEnd),
        newEnd: hi + (next.newEnd - next.oldEnd),
    };
}

function isWord(name: string): boolean {
    for (let i = 0; i < name.length; i++) if (!isIdentChar(name.charCodeAt(i))) return false;
    return name.length > 0;
}

/**
 * Where names occur in the source. A string scan (native, fast) finds candidates; the tree then says what each one
 * is. This keeps analysis proportional to how often the SDK's names are mentioned, not to the size of the file,
 * which is what makes re-analysis after a keystroke cheap.
 */
export class SourceIndex {
    private readonly cache = new Map<string, number[]>();
    private readonly idCache = new Map<string, Node[]>();
    /** Root to the last node `nodeAt` returned. */
    private readonly path: Node[] = [];
    private lookups = 0;
    /** `performance.now()` past which lookups throw `AnalysisBudgetError` (no limit when undefined). */
    private deadline: number | undefined;
    private budgetMs = 0;

    /** `previous`: the occurrences of the text before one change (an open document); only the changed part is searched. */
    constructor(
        readonly text: string,
        readonly tree: Tree,
        private readonly previous?: PreviousOccurrences,
    ) {}

    /** Bounds the analysis using this index: past `budgetMs` from now, node lookups throw `AnalysisBudgetError`. */
    limitTime(budgetMs: number): void {
        this.budgetMs = budgetMs;
        this.deadline = performance.now() + budgetMs;
    }

    /** The occurrences looked up so far, to carry over to the next version of the text (`PreviousOccurrences`). */
    get found(): ReadonlyMap<string, readonly number[]> {
        return this.cache;
    }

    /** Start offsets of `name` as a whole word (not part of a longer identifier), in source order. */
    occurrences(name: string): number[] {
        let hits = this.cache.get(name);
        if (hits) return hits;
        // An empty name (possible in mangled imports) would match everywhere and never advance.
        if (name === '') return [];
        const prev = this.previous?.hits.get(name);
        hits = prev && this.previous && isWord(name) ? this.carried(name, prev, this.previous.change) : [];
        if (!prev || !isWord(name)) this.scan(name, 0, this.text.length, hits);
        this.cache.set(name, hits);
        return hits;
    }

    /** Pushes the whole-word hits of `name` starting in `[from, to]`. */
    private scan(name: string, from: number, to: number, hits: number[]): void {
        const { text } = this;
        // Search a window only: `indexOf` on the whole text would run on to its end when the name is not there.
        const end = Math.min(text.length, to + name.length);
        const window = from === 0 && end === text.length ? text : text.slice(from, end);
        for (let w = window.indexOf(name); w >= 0; w = window.indexOf(name, w + name.length)) {
            const i = from + w;
            const before = i > 0 ? text.charCodeAt(i - 1) : 32;
            const after = i + name.length < text.length ? text.charCodeAt(i + name.length) : 32;
            if (!isIdentChar(before) && !isIdentChar(after)) hits.push(i);
        }
    }

    /**
     * The previous hits moved through the change: a hit whose own characters and both neighbours lie before the
     * change (or after it) is still one; only hits touching the change are searched again. Names are identifier
     * characters only, so whole-word hits never overlap and the result equals a full scan.
     */
    private carried(name: string, prev: readonly number[], change: Span): number[] {
        const len = name.length;
        const delta = change.newEnd - change.oldEnd;
        const out: number[] = [];
        let k = 0;
        while (k < prev.length && (prev[k] ?? 0) + len < change.start) out.push(prev[k++] ?? 0);
        while (k < prev.length && (prev[k] ?? 0) - 1 < change.oldEnd) k++;
        this.scan(name, Math.max(0, change.start - len), change.newEnd, out);
        while (k < prev.length) out.push((prev[k++] ?? 0) + delta);
        return out;
    }

    private skipSpace(offset: number, step: 1 | -1): number {
        let i = offset;
        while (i >= 0 && i < this.text.length && isSpace(this.text.charCodeAt(i))) i += step;
        return i;
    }

    /** True when the text around a name at [start, end) fits `follow` (see `Follow`). */
    private fits(start: number, end: number, follow: Follow): boolean {
        if (follow === undefined) return true;
        const { text } = this;
        let i = this.skipSpace(end, 1);
        if (follow === '=') {
            // `x = ...`, `x: T = ...` and `x += ...` all bind `x`.
            const c = text[i];
            const n = text[i + 1];
            return (c === '=' && n !== '=') || c === ':' || (n === '=' && c !== undefined && '+-*/%&|^@<>'.includes(c));
        }
        if (follow === '(') return text[i] === '(';
        if (text[i] !== '.') return false;
        if (text[this.skipSpace(start - 1, -1)] === '@') return true;
        i = this.skipSpace(i + 1, 1);
        while (i < text.length && isIdentChar(text.charCodeAt(i))) i++;
        return text[this.skipSpace(i, 1)] === '(';
    }

    /**
     * The smallest node spanning [start, end), its ancestors recorded for `parentOf`. The path to the previous answer
     * is kept: a lookup climbs it only as far as the first ancestor spanning the new range and descends from there,
     * so lookups in source order (every caller's order) cost the nodes between two answers, not the depth of each.
     * Deeply nested code (`f(f(f(...)))` mentioning a name at every level) stays linear instead of quadratic.
     */
    nodeAt(start: number, end: number): Node | null {
        if (this.deadline !== undefined && ++this.lookups % CLOCK_EVERY === 0 && performance.now() > this.deadline) {
            throw new AnalysisBudgetError(this.budgetMs);
        }
        const parents = ((this.tree as TreeWithParents)[PARENTS] ??= new Map());
        const path = this.path;
        if (path.length === 0) path.push(this.tree.rootNode);
        while (path.length > 1) {
            const top = path[path.length - 1] as Node;
            if (top.startIndex <= start && top.endIndex >= end) break;
            path.pop();
        }
        // tree-sitter finds each child by offset in wasm, so a step costs one level, not the statements of a file.
        let node = path[path.length - 1] as Node;
        for (;;) {
            const child = node.firstChildForIndex(start);
            if (!child || child.startIndex > start || child.endIndex < end) return node;
            parents.set(child.id, node);
            path.push(child);
            node = child;
        }
    }

    /**
     * Identifier nodes spelled `name`, in source order, optionally only those followed by `.`, `(` or `=` (mentions
     * in strings and comments are left out).
     */
    identifiers(name: string, follow?: Follow): Node[] {
        const key = `${follow ?? ''}${name}`;
        const cached = this.idCache.get(key);
        if (cached) return cached;
        const out: Node[] = [];
        for (const at of this.occurrences(name)) {
            if (!this.fits(at, at + name.length, follow)) continue;
            const node = this.nodeAt(at, at + name.length);
            if (node && node.type === 'identifier' && node.startIndex === at && node.endIndex === at + name.length) {
                out.push(node);
            }
        }
        this.idCache.set(key, out);
        return out;
    }
}
