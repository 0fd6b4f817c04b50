/** Decorated definitions: `@app.remote(...)` functions with their parameters, and `@app.context(...)` classes. */
import type { Node } from 'web-tree-sitter';
import type { ContextClass, MethodCall, Param, RemoteFunction } from '../model';
import { namedChildren, parentOf, rangeOf } from './nodes';
import { evaluate, type EvalContext } from './values';

/** The definition a decorator applies to (`decorator` -> `decorated_definition` -> `definition`). */
export function decoratedDefinition(decorator: Node): { whole: Node; definition: Node } | undefined {
    const whole = parentOf(decorator);
    if (!whole || whole.type !== 'decorated_definition') return undefined;
    const definition = whole.childForFieldName('definition');
    return definition ? { whole, definition } : undefined;
}

function paramName(node: Node): string {
    if (node.type === 'identifier') return node.text;
    const name = node.childForFieldName('name');
    if (name) return name.text;
    // `*args`, `**kw` and typed splats (`*args: int`) hold the identifier as a plain child.
    for (const c of namedChildren(node)) {
        if (c.type === 'identifier') return c.text;
        if (c.type === 'list_splat_pattern' || c.type === 'dictionary_splat_pattern') return paramName(c);
    }
    return node.text;
}

function splatKind(node: Node): Param['kind'] | undefined {
    if (node.type === 'list_splat_pattern') return 'varArgs';
    if (node.type === 'dictionary_splat_pattern') return 'varKwargs';
    if (node.type === 'typed_parameter') {
        for (const c of namedChildren(node)) {
            const k = splatKind(c);
            if (k) return k;
        }
    }
    return undefined;
}

/** The parameters of a `parameters` node, with kinds as Python assigns them. */
export function readParams(list: Node | null, ctx?: EvalContext): Param[] {
    const params: Param[] = [];
    if (!list) return params;
    let keywordOnly = false;
    for (const p of namedChildren(list)) {
        if (p.type === 'positional_separator') {
            for (const q of params) if (q.kind === 'positional') q.kind = 'positionalOnly';
            continue;
        }
        if (p.type === 'keyword_separator') {
            keywordOnly = true;
            continue;
        }
        if (p.type === 'ERROR') continue;
        const splat = splatKind(p);
        const annotation = p.childForFieldName('type')?.text;
        const param: Param = {
            name: paramName(p),
            kind: splat ?? (keywordOnly ? 'keywordOnly' : 'positional'),
            hasDefault: p.type === 'default_parameter' || p.type === 'typed_default_parameter',
            range: rangeOf(p),
        };
        if (annotation !== undefined) param.annotation = annotation;
        const value = param.hasDefault && ctx ? p.childForFieldName('value') : null;
        if (value) param.default = evaluate(value, ctx!);
        if (splat === 'varArgs') keywordOnly = true;
        params.push(param);
    }
    return params;
}

/** The `RemoteFunction` for a decorator call on a function definition; undefined for anything else. */
export function readRemote(decorator: Node, call: MethodCall, ctx?: EvalContext): RemoteFunction | undefined {
    const def = decoratedDefinition(decorator);
    if (!def || def.definition.type !== 'function_definition') return undefined;
    const fn = def.definition;
    const name = fn.childForFieldName('name');
    if (!name) return undefined;
    const colon = fn.children.find((c) => c?.type === ':');
    const remote: RemoteFunction = {
        name: name.text,
        isAsync: fn.firstChild?.type === 'async',
        params: readParams(fn.childForFieldName('parameters'), ctx),
        decorator: call,
        range: rangeOf(def.whole),
        nameRange: rangeOf(name),
        defRange: { start: rangeOf(fn).start, end: colon ? rangeOf(colon).end : rangeOf(fn).end },
    };
    for (const kind of ['dataset', 'generator'] as const) {
        const arg = call.args.find((a) => a.name === `benchmark_${kind}`);
        if (arg && arg.value.kind !== 'none' && !remote.benchmark) remote.benchmark = { kind, arg };
    }
    return remote;
}

/** The `ContextClass` for a decorator on a class (or on something else: `isClass` is false then). */
export function readContext(decorator: Node, call: MethodCall): ContextClass | undefined {
    const def = decoratedDefinition(decorator);
    if (!def) return undefined;
    const d = def.definition;
    const name = d.childForFieldName('name');
    if (!name) return undefined;
    const isClass = d.type === 'class_definition';
    const methods: string[] = [];
    const bases: string[] = [];
    if (isClass) {
        const body = d.childForFieldName('body');
        for (const s of body ? namedChildren(body) : []) {
            const f = s.type === 'decorated_definition' ? s.childForFieldName('definition') : s;
            const n = f?.type === 'function_definition' ? f.childForFieldName('name') : null;
            if (n) methods.push(n.text);
        }
        const supers = d.childForFieldName('superclasses');
        for (const b of supers ? namedChildren(supers) : []) if (b.type !== 'keyword_argument') bases.push(b.text);
    }
    return {
        name: name.text,
        isClass,
        methods,
        bases,
        decorator: call,
        range: rangeOf(def.whole),
        nameRange: rangeOf(name),
    };
}
