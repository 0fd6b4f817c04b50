/** Calls as the model records them: `CallArg`s, `MethodCall`s and chains like `app.image(...).pip_install(...)`. */
import type { Node } from 'web-tree-sitter';
import type { CallArg, MethodCall, Range } from '../model';
import { namedChildren, parentOf, parentThroughParens, rangeOf, sameNode } from './nodes';
import { unboundNames } from './unbound';
import { dynamic, evaluate, type EvalContext } from './values';

/** The arguments of an `argument_list` (or a bare generator argument), comments and error fragments left out. */
export function callArgs(args: Node | null, ctx: EvalContext): CallArg[] {
    if (!args) return [];
    if (args.type !== 'argument_list') return [{ value: dynamic(args), range: rangeOf(args) }];
    const out: CallArg[] = [];
    for (const a of namedChildren(args)) {
        if (a.type === 'ERROR' || a.isMissing) continue;
        if (a.type === 'keyword_argument') {
            const name = a.childForFieldName('name');
            const value = a.childForFieldName('value');
            if (!name) continue;
            out.push({
                name: name.text,
                nameRange: rangeOf(name),
                value: value ? evaluate(value, ctx) : dynamic(a),
                range: rangeOf(a),
            });
        } else if (a.type === 'dictionary_splat' && splatDict(a, ctx, out)) {
            continue;
        } else if (a.type === 'list_splat' || a.type === 'dictionary_splat') {
            out.push({ value: dynamic(a), range: rangeOf(a) });
        } else {
            out.push({ value: evaluate(a, ctx), range: rangeOf(a) });
        }
    }
    return out;
}

/** `**{"k": v}` of a literal dict with str keys: its entries as keyword arguments, as Python passes them. */
function splatDict(splat: Node, ctx: EvalContext, out: CallArg[]): boolean {
    const inner = namedChildren(splat)[0];
    if (!inner) return false;
    const v = evaluate(inner, ctx);
    if (v.kind !== 'dict' || !v.entries.every((e) => e.key.kind === 'str')) return false;
    const keys = v.entries.map((e) => (e.key.kind === 'str' ? e.key.value : ''));
    // A key given twice in the literal keeps the last value (dict semantics), in the first key's position.
    const seen = new Map<string, number>();
    const args: CallArg[] = [];
    v.entries.forEach((e, i) => {
        const name = keys[i] as string;
        const arg: CallArg = { name, nameRange: e.key.range, value: e.value, range: rangeOf(splat) };
        const at = seen.get(name);
        if (at === undefined) {
            seen.set(name, args.length);
            args.push(arg);
        } else args[at] = { ...arg, nameRange: args[at]?.nameRange };
    });
    out.push(...args);
    return true;
}

/** An empty range at the end of `r` (where `(...)` would go when a decorator has no parentheses). */
function endOf(r: Range): Range {
    return { start: r.end, end: r.end };
}

/**
 * A `MethodCall` for `call` (a `call` node) whose method name is `nameNode`. For a decorator written without
 * parentheses (`@app.remote`), pass the attribute as `call`: there are no arguments and `argsRange` is empty.
 */
export function methodCall(call: Node, nameNode: Node, ctx: EvalContext): MethodCall {
    const range = rangeOf(call);
    if (call.type !== 'call') {
        return { method: nameNode.text, args: [], range, methodRange: rangeOf(nameNode), argsRange: endOf(range) };
    }
    const args = call.childForFieldName('arguments');
    const result: MethodCall = {
        method: nameNode.text,
        args: callArgs(args, ctx),
        range,
        methodRange: rangeOf(nameNode),
        argsRange: args ? rangeOf(args) : endOf(range),
    };
    // Query expressions name the SDK's columns and GPU constants, each needing its import.
    if (result.method === 'require' && args) {
        const unbound = unboundNames(args, ctx.index, ctx.bindings);
        if (unbound.length > 0) result.unboundNames = unbound;
    }
    return result;
}

/** For an attribute `x.m`, the call `x.m(...)` it is the callee of, if any. */
export function calleeCall(attribute: Node): Node | undefined {
    const parent = parentOf(attribute);
    return parent?.type === 'call' && sameNode(parent.childForFieldName('function'), attribute) ? parent : undefined;
}

/** If `node` is the object of `node.m(...)`, returns that attribute and call. Parentheses around `node` are allowed. */
export function methodCalledOn(node: Node): { attribute: Node; name: Node; call: Node } | undefined {
    const { parent, child } = parentThroughParens(node);
    if (!parent || parent.type !== 'attribute' || !sameNode(parent.childForFieldName('object'), child)) {
        return undefined;
    }
    const name = parent.childForFieldName('attribute');
    const call = calleeCall(parent);
    return name && call ? { attribute: parent, name, call } : undefined;
}

/**
 * The calls chained after `call`: for `app.image(...).pip_install(...).env(...)` and `call` = the `image(...)`
 * call, the `pip_install` and `env` calls (in source order), and the outermost call of the chain.
 */
export function chainedCalls(call: Node, ctx: EvalContext): { calls: MethodCall[]; top: Node } {
    const calls: MethodCall[] = [];
    let top = call;
    for (let next = methodCalledOn(top); next; next = methodCalledOn(top)) {
        calls.push(methodCall(next.call, next.name, ctx));
        top = next.call;
    }
    return { calls, top };
}

/** The variable an expression is assigned to (`x = <expr>` or `x: T = <expr>`), parentheses allowed. */
export function assignedTo(expr: Node): { variable: string; assignment: Node } | undefined {
    const { parent, child } = parentThroughParens(expr);
    if (!parent || parent.type !== 'assignment' || !sameNode(parent.childForFieldName('right'), child)) {
        return undefined;
    }
    const left = parent.childForFieldName('left');
    return left?.type === 'identifier' ? { variable: left.text, assignment: parent } : undefined;
}

/** True when a node sits inside a function or lambda body: it runs when called, not when the module loads. */
export function insideFunction(node: Node): boolean {
    for (let n = parentOf(node); n; n = parentOf(n)) {
        if (n.type === 'function_definition' || n.type === 'lambda') return true;
    }
    return false;
}
