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
        else if (runsAtImport(sub, name)) out.push({ name, range: rangeOf(sub) });
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

/** Whether the read runs, unguarded, when the module is imported. */
function runsAtImport(node: Node, name: string): boolean {
    // `x if os.environ.get("X") else d`, `"X" in os.environ and ...`, `if "X" in os.environ:`: a guarded read.
    const quoted = [`"${name}"`, `'${name}'`];
    const mentions = (text: string, times: number): boolean =>
        quoted.reduce((k, q) => k + text.split(q).length - 1, 0) >= times;
    let child = node;
    for (let n = parentOf(node); n; child = n, n = parentOf(n)) {
        switch (n.type) {
            case 'conditional_expression':
            case 'boolean_operator':
                if (mentions(n.text, 2)) return false;
                break;
            case 'function_definition':
            case 'lambda':
                if (sameNode(n.childForFieldName('body'), child)) return false;
                break;
            case 'if_statement': {
                const cond = (n.childForFieldName('condition')?.text ?? '').replace(/\s+/g, '');
                if (cond.includes('IS_DEPLOYMENT') || mentions(cond, 1)) return false;
                if (isMainCheck(cond) && sameNode(n.childForFieldName('consequence'), child)) return false;
                break;
            }
            case 'try_statement':
                if (sameNode(n.childForFieldName('body'), child) && catchesKeyError(n)) return false;
                break;
        }
    }
    return true;
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
