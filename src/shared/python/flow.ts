/**
 * Control flow, as far as a static reader can follow Python exactly: whether a statement runs when the file runs as
 * a script, and in which order. Module-level code runs top to bottom; an `if` whose conditions are constants of
 * module-level literals (`DEBUG = False`, `__name__ == "__main__"`) picks its branch; a function body runs where the
 * function is called at module level (never, when it is never called). Anything else (a loop, `try`, `with`, a
 * condition that needs the running program, a function called twice or passed around) is `unknown`, with the line and
 * the reason, so Deploy can refuse instead of guessing.
 */
import type { Node } from 'web-tree-sitter';
import type { PyValue, Range } from '../model';
import { namedChildren, parentOf, rangeOf, sameNode } from './nodes';
import { evaluate, truthOf, type EvalContext } from './values';

export type Reach =
    /** Runs once; `order` sorts statements in execution order (call sites first, then the position inside). */
    { kind: 'runs'; order: number[] } | { kind: 'never' } | { kind: 'unknown'; reason: string; range: Range };

const MAX_CALL_DEPTH = 8;

/** 1-based line of a node, for messages. */
function lineOf(node: Node): number {
    return node.startPosition.row + 1;
}

const BLOCKING: Record<string, string> = {
    for_statement: 'a `for` loop',
    while_statement: 'a `while` loop',
    try_statement: 'a `try` block',
    with_statement: 'a `with` block',
    match_statement: 'a `match` statement',
    lambda: 'a lambda',
    list_comprehension: 'a comprehension',
    set_comprehension: 'a comprehension',
    dictionary_comprehension: 'a comprehension',
    generator_expression: 'a generator expression',
};

/** Where `node` runs when the module runs as `__main__`. Cached per node id in `cache`. */
export function reachOf(node: Node, ctx: EvalContext, depth = 0): Reach {
    const order: number[] = [node.startIndex];
    let child = node;
    for (let n = parentOf(node); n; child = n, n = parentOf(n)) {
        const blocking = BLOCKING[n.type];
        if (blocking) {
            return {
                kind: 'unknown',
                reason: `it sits in ${blocking} (line ${lineOf(n)}), which the editor cannot follow without running the file`,
                range: rangeOf(n),
            };
        }
        if (n.type === 'if_statement') {
            const r = branchRuns(n, child, ctx);
            if (r !== true) return r;
            continue;
        }
        if (n.type === 'conditional_expression') {
            return {
                kind: 'unknown',
                reason: `it sits in a conditional expression (line ${lineOf(n)})`,
                range: rangeOf(n),
            };
        }
        if (n.type === 'function_definition' && sameNode(n.childForFieldName('body'), child)) {
            return calledAt(n, order, ctx, depth);
        }
    }
    return { kind: 'runs', order };
}

/** A function body runs where the function is called at module level: exactly once, or refuse. */
function calledAt(fn: Node, inner: number[], ctx: EvalContext, depth: number): Reach {
    const name = fn.childForFieldName('name');
    if (!name) return { kind: 'never' };
    const decorated = parentOf(fn);
    if (decorated?.type === 'decorated_definition') {
        // `@app.remote` / `@app.context` bodies run on the worker, not when this module deploys.
        const decorators = namedChildren(decorated).filter((d) => d.type === 'decorator');
        if (decorators.some((d) => /\.(remote|context)\b/.test(d.text))) return { kind: 'never' };
        return {
            kind: 'unknown',
            reason: `${name.text}() is decorated (line ${lineOf(decorated)}); the editor cannot tell when it runs`,
            range: rangeOf(decorated),
        };
    }
    const uses = ctx.index.identifiers(name.text).filter((id) => !sameNode(id, name));
    const calls: Node[] = [];
    for (const id of uses) {
        const parent = parentOf(id);
        if (parent?.type === 'call' && sameNode(parent.childForFieldName('function'), id)) calls.push(parent);
        else if (parent?.type === 'keyword_argument' && sameNode(parent.childForFieldName('name'), id)) continue;
        else if (parent?.type === 'attribute' && !sameNode(parent.childForFieldName('object'), id)) continue;
        else {
            return {
                kind: 'unknown',
                reason: `${name.text}() is used at line ${lineOf(id)} in a way the editor cannot follow`,
                range: rangeOf(id),
            };
        }
    }
    const running: { order: number[]; call: Node }[] = [];
    for (const call of calls) {
        if (depth >= MAX_CALL_DEPTH) {
            return { kind: 'unknown', reason: `${name.text}() is called too deep to follow`, range: rangeOf(call) };
        }
        const r = reachOf(call, ctx, depth + 1);
        if (r.kind === 'unknown') return r;
        if (r.kind === 'runs') running.push({ order: r.order, call });
    }
    if (running.length === 0) return { kind: 'never' };
    if (running.length > 1) {
        return {
            kind: 'unknown',
            reason: `${name.text}() is called ${running.length} times (lines ${running.map((r) => lineOf(r.call)).join(', ')})`,
            range: rangeOf(running[1]?.call ?? fn),
        };
    }
    return { kind: 'runs', order: [...(running[0]?.order ?? []), ...inner] };
}

/** For `child` (a block or clause) of an `if` statement: true when it runs, or why it doesn't / can't be known. */
function branchRuns(stmt: Node, child: Node, ctx: EvalContext): true | Reach {
    if (sameNode(stmt.childForFieldName('condition'), child)) return true;
    const clauses: { cond: Node | null; body: Node }[] = [];
    const consequence = stmt.childForFieldName('consequence');
    if (consequence) clauses.push({ cond: stmt.childForFieldName('condition'), body: consequence });
    for (const c of namedChildren(stmt)) {
        if (c.type === 'elif_clause') {
            const body = c.childForFieldName('consequence');
            if (body) clauses.push({ cond: c.childForFieldName('condition'), body: c });
        } else if (c.type === 'else_clause') clauses.push({ cond: null, body: c });
    }
    for (const clause of clauses) {
        const mine = sameNode(clause.body, child);
        if (clause.cond === null) return mine ? true : { kind: 'never' };
        if (
            clause.cond &&
            mine === false &&
            clause.cond.startIndex <= child.startIndex &&
            clause.cond.endIndex >= child.endIndex
        ) {
            return true; // inside the condition itself
        }
        const v = clause.cond ? truth(clause.cond, ctx) : undefined;
        if (v === undefined) {
            return {
                kind: 'unknown',
                reason:
                    `it depends on the condition \`${shorten(clause.cond?.text ?? '')}\` (line ${lineOf(clause.cond ?? stmt)}), ` +
                    'which the editor cannot evaluate without running the file',
                range: rangeOf(clause.cond ?? stmt),
            };
        }
        if (v) return mine ? true : { kind: 'never' };
        if (mine) return { kind: 'never' };
    }
    return { kind: 'never' };
}

function shorten(s: string): string {
    const one = s.replace(/\s+/g, ' ');
    return one.length > 50 ? `${one.slice(0, 47)}...` : one;
}

/** Python truthiness of a constant condition; undefined when it is not constant. */
export function truth(node: Node, ctx: EvalContext): boolean | undefined {
    const v = constant(node, ctx);
    return v === undefined ? undefined : truthOf(v);
}

/** A constant value with `not`, `and`/`or`, comparisons and `__name__` (the file runs as `__main__`). */
function constant(node: Node, ctx: EvalContext): PyValue | undefined {
    const range = rangeOf(node);
    switch (node.type) {
        case 'parenthesized_expression': {
            const inner = namedChildren(node)[0];
            return inner ? constant(inner, ctx) : undefined;
        }
        case 'identifier':
            if (node.text === '__name__' && !ctx.index.identifiers('__name__', '=').length) {
                return { kind: 'str', value: '__main__', range };
            }
            break;
        case 'not_operator': {
            const arg = node.childForFieldName('argument');
            const t = arg ? truth(arg, ctx) : undefined;
            return t === undefined ? undefined : { kind: 'bool', value: !t, range };
        }
        case 'boolean_operator': {
            const left = node.childForFieldName('left');
            const right = node.childForFieldName('right');
            const op = node.childForFieldName('operator')?.text;
            const l = left ? constant(left, ctx) : undefined;
            const lt = l ? truthOf(l) : undefined;
            if (!l || lt === undefined || !right) return undefined;
            if (op === 'and') return lt ? constant(right, ctx) : l;
            if (op === 'or') return lt ? l : constant(right, ctx);
            return undefined;
        }
        case 'comparison_operator':
            return compare(node, ctx);
        default:
            break;
    }
    const v = evaluate(node, ctx);
    return v.kind === 'dynamic' || v.kind === 'query' || v.kind === 'lambda' ? undefined : v;
}

function compare(node: Node, ctx: EvalContext): PyValue | undefined {
    const operands = namedChildren(node);
    const ops = node.children.filter((c) => c !== null && !c.isNamed).map((c) => c?.text ?? '');
    if (operands.length !== 2 || ops.length < 1) return undefined;
    const op = ops.join(' ');
    const a = constant(operands[0] as Node, ctx);
    const b = constant(operands[1] as Node, ctx);
    if (!a || !b) return undefined;
    const eq = equal(a, b);
    const range = rangeOf(node);
    const bool = (value: boolean): PyValue => ({ kind: 'bool', value, range });
    switch (op) {
        case '==':
            return eq === undefined ? undefined : bool(eq);
        case '!=':
            return eq === undefined ? undefined : bool(!eq);
        case 'is':
        case 'is not': {
            // Only singletons compare by identity predictably.
            const single = (v: PyValue) => v.kind === 'none' || v.kind === 'bool';
            if (!single(a) || !single(b) || eq === undefined) return undefined;
            return bool(op === 'is' ? eq : !eq);
        }
        default:
            return undefined;
    }
}

/** Python `==` on constants: numbers by value (bool counts), strings by text; undefined when not sure. */
function equal(a: PyValue, b: PyValue): boolean | undefined {
    const num = (v: PyValue) =>
        v.kind === 'bool'
            ? v.value
                ? 1
                : 0
            : v.kind === 'int' && v.digits === undefined
              ? v.value
              : v.kind === 'float'
                ? v.value
                : undefined;
    const x = num(a);
    const y = num(b);
    if (x !== undefined && y !== undefined) return x === y;
    if (a.kind === 'str' && b.kind === 'str') return a.value === b.value;
    if (a.kind === 'none' || b.kind === 'none') return a.kind === b.kind;
    if ((a.kind === 'str') !== (b.kind === 'str') && (x !== undefined || y !== undefined)) return false;
    return undefined;
}

/** Compares two execution orders. */
export function compareOrder(a: readonly number[], b: readonly number[]): number {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
        const d = (a[i] ?? 0) - (b[i] ?? 0);
        if (d !== 0) return d;
    }
    return a.length - b.length;
}
