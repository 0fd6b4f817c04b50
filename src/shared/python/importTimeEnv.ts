/**
 * `os.environ["X"]` reads that run when the module is imported. A Vast worker imports the deployment's file
 * (`serve_deployment.py`: `import deployment`), so such a read raises KeyError there unless X is set on the worker.
 * Left out: reads in a function body or a lambda (they run when called), under `if __name__ == "__main__":` (the
 * worker imports the module as `deployment`), under an `if` on IS_DEPLOYMENT (the code chose a side), guarded by a
 * test of the same variable (`if "X" in os.environ:`, `... if os.environ.get("X") else ...`), in a `try` whose
 * handlers catch KeyError, and variables the file sets itself (`os.environ["X"] = ...`, `setdefault`).
 */
import type { Node } from 'web-tree-sitter';
import type { Range } from '../model';
import { parentOf, rangeOf, sameNode, type SourceIndex } from './nodes';
import { decodeStringLiteral } from './strings';
import { importsFromOs } from './values';

export interface ImportTimeEnvRead {
    name: string;
    /** The `os.environ["X"]` expression. */
    range: Range;
}

const CATCHES_KEY_ERROR = /^(KeyError|LookupError|Exception|BaseException)$/;

export function readImportTimeEnvReads(index: SourceIndex): ImportTimeEnvRead[] {
    const ids = index.identifiers('environ');
    if (ids.length === 0) return [];
    const bare = importsFromOs(index, 'environ');
    const out: ImportTimeEnvRead[] = [];
    // `os.environ["X"] = v` or `os.environ.setdefault("X", v)` anywhere in the file: X is the file's own business.
    const setHere = new Set<string>();
    const importTime = new ImportTime();
    for (const id of ids) {
        const parent = parentOf(id);
        let environ: Node = id;
        if (parent?.type === 'attribute') {
            if (!sameNode(parent.childForFieldName('attribute'), id)) continue;
            if (parent.childForFieldName('object')?.text !== 'os') continue;
            environ = parent;
        } else if (!bare) {
            continue;
        }
        const sub = parentOf(environ);
        const set = setDefaultName(sub, environ);
        if (set !== undefined) setHere.add(set);
        if (sub?.type !== 'subscript' || !sameNode(sub.childForFieldName('value'), environ)) continue;
        const key = sub.childForFieldName('subscript');
        if (key?.type !== 'string') continue;
        const name = decodeStringLiteral(key.text).value;
        if (name === undefined) continue;
        if (isAssigned(sub)) setHere.add(name);
        else if (importTime.runs(sub, name)) out.push({ name, range: rangeOf(sub) });
    }
    return out.filter((r) => !setHere.has(r.name));
}

/** `os.environ.setdefault("X", ...)`: the name X. */
function setDefaultName(attr: Node | null, environ: Node): string | undefined {
    if (attr?.type !== 'attribute' || !sameNode(attr.childForFieldName('object'), environ)) return undefined;
    if (attr.childForFieldName('attribute')?.text !== 'setdefault') return undefined;
    const call = parentOf(attr);
    const first = call?.type === 'call' ? call.childForFieldName('arguments')?.namedChildren[0] : undefined;
    return first?.type === 'string' ? decodeStringLiteral(first.text).value : undefined;
}

/** `os.environ["X"] = v` (and `del`) set or drop the variable; `+=` reads it first, so it counts. */
function isAssigned(sub: Node): boolean {
    const p = parentOf(sub);
    if (p?.type === 'assignment' && sameNode(p.childForFieldName('left'), sub)) return true;
    return p?.type === 'delete_statement';
}

/** Enclosing guards searched for a test of the same variable (the nearest ones), and how far up. */
const GUARDS_SEARCHED = 4;
const ANCESTORS_SEARCHED = 16;
/** A guard whose text is longer is not searched (its text is copied for each read). */
const GUARD_TEXT_MAX = 4000;

/**
 * Whether code at a node runs when the module is imported, memoized per node: every read climbs only to the first
 * ancestor already known, so a file of deeply nested reads costs its nodes once, not reads × depth.
 */
class ImportTime {
    private readonly deferred = new Map<number, boolean>();

    /** True when the read runs, unguarded, when the module is imported. */
    runs(read: Node, name: string): boolean {
        return !this.isDeferred(read) && !guarded(read, name);
    }

    private isDeferred(node: Node): boolean {
        const chain: Node[] = [];
        let up: Node | null = node;
        let d = false;
        for (; up; up = parentOf(up)) {
            const known = this.deferred.get(up.id);
            if (known !== undefined) {
                d = known;
                break;
            }
            chain.push(up);
        }
        let parent = up;
        for (let i = chain.length - 1; i >= 0; i--) {
            const child = chain[i]!;
            if (!d && parent) d = defers(parent, child);
            this.deferred.set(child.id, d);
            parent = child;
        }
        return d;
    }
}

/** Whether `parent` runs its `child` later, or not on a worker, or with KeyError caught. */
function defers(parent: Node, child: Node): boolean {
    switch (parent.type) {
        case 'function_definition':
        case 'lambda':
            return sameNode(parent.childForFieldName('body'), child);
        case 'if_statement': {
            const cond = (parent.childForFieldName('condition')?.text ?? '').replace(/\s+/g, '');
            if (cond.includes('IS_DEPLOYMENT')) return true;
            return isMainCheck(cond) && sameNode(parent.childForFieldName('consequence'), child);
        }
        case 'try_statement':
            return sameNode(parent.childForFieldName('body'), child) && catchesKeyError(parent);
        default:
            return false;
    }
}

/** `x if os.environ.get("X") else d`, `"X" in os.environ and ...`, `if "X" in os.environ:`: a read under a test. */
function guarded(read: Node, name: string): boolean {
    const quoted = [`"${name}"`, `'${name}'`];
    // The length first: `.text` copies the node's source.
    const mentions = (node: Node | null, times: number): boolean =>
        !!node &&
        node.endIndex - node.startIndex <= GUARD_TEXT_MAX &&
        quoted.reduce((k, q) => k + node.text.split(q).length - 1, 0) >= times;
    let guards = 0;
    let steps = 0;
    for (let n = parentOf(read); n && guards < GUARDS_SEARCHED && steps < ANCESTORS_SEARCHED; n = parentOf(n)) {
        steps++;
        if (n.type === 'conditional_expression' || n.type === 'boolean_operator') {
            guards++;
            if (mentions(n, 2)) return true;
        } else if (n.type === 'if_statement') {
            guards++;
            if (mentions(n.childForFieldName('condition'), 1)) return true;
        }
    }
    return false;
}

function isMainCheck(cond: string): boolean {
    return /^(__name__==(['"])__main__\2|(['"])__main__\3==__name__)$/.test(cond);
}

function catchesKeyError(tryNode: Node): boolean {
    return tryNode.namedChildren.some((c) => {
        if (c?.type !== 'except_clause') return false;
        const caught = c.namedChildren.find((x) => x?.type !== 'block' && x?.type !== 'comment');
        if (!caught) return true; // a bare `except:`
        const target = caught.type === 'as_pattern' ? caught.namedChildren[0] : caught;
        const names = (target?.text ?? '').replace(/[()\s]/g, '').split(',');
        return names.some((t) => CATCHES_KEY_ERROR.test(t.replace(/^builtins\./, '')));
    });
}
