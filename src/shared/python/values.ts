/**
 * Static evaluation of Python expressions into `PyValue`s: literals, constant arithmetic with Python's int/float
 * rules, the SDK's GPU constants and query expressions, lambdas, and module-level constants assigned once.
 * Anything else is `dynamic`, with its range and source text.
 */
import type { Node } from 'web-tree-sitter';
import type { PyValue, QueryOp, QueryTerm } from '../model';
import { gpuConstant } from '../vocabulary';
import { evalBinary, evalUnary } from './arithmetic';
import { intValue, parseIntLiteral } from './numbers';
import { QUERY_MODULE, type Bindings } from './imports';
import { namedChildren, parentOf, rangeOf, sameNode, type SourceIndex } from './nodes';
import { decodeStringLiteral } from './strings';
import { queryColumnOf } from './queryColumns';

/** What evaluation needs to know about the file. */
export interface EvalContext {
    bindings: Bindings;
    index: SourceIndex;
}

const MAX_DEPTH = 100;

const COMPARISONS: Record<string, QueryOp> = {
    '==': 'eq',
    '!=': 'neq',
    '<': 'lt',
    '<=': 'lte',
    '>': 'gt',
    '>=': 'gte',
};
/** `24000 <= gpu_ram` is `gpu_ram.__ge__(24000)` in Python. */
const REFLECTED: Record<QueryOp, QueryOp> = {
    eq: 'eq',
    neq: 'neq',
    lt: 'gt',
    lte: 'gte',
    gt: 'lt',
    gte: 'lte',
    in: 'in',
    notin: 'notin',
};

/** A `dynamic` value for a node. */
export function dynamic(node: Node): PyValue {
    return { kind: 'dynamic', text: node.text, range: rangeOf(node) };
}

/** Evaluates an expression node. Never throws. */
export function evaluate(node: Node, ctx: EvalContext): PyValue {
    try {
        return new Evaluator(ctx).eval(node, 0);
    } catch {
        return dynamic(node);
    }
}

class Evaluator {
    private readonly visiting = new Set<string>();

    constructor(private readonly ctx: EvalContext) {}

    eval(node: Node, depth: number): PyValue {
        if (depth > MAX_DEPTH || node.isMissing || node.isError) return dynamic(node);
        const range = rangeOf(node);
        switch (node.type) {
            case 'string':
            case 'concatenated_string':
                return this.str(node);
            case 'integer':
            case 'float':
                return number(node);
            case 'true':
            case 'false':
                return { kind: 'bool', value: node.type === 'true', range };
            case 'none':
                return { kind: 'none', range };
            case 'list':
            case 'tuple':
            case 'set':
            case 'expression_list':
                return this.sequence(node, depth);
            case 'dictionary':
                return this.dict(node, depth);
            case 'parenthesized_expression': {
                const inner = namedChildren(node)[0];
                return inner ? this.eval(inner, depth + 1) : dynamic(node);
            }
            case 'unary_operator': {
                const arg = node.childForFieldName('argument');
                const op = node.childForFieldName('operator')?.text;
                if (!arg || !op) return dynamic(node);
                return evalUnary(op, this.eval(arg, depth + 1), node) ?? dynamic(node);
            }
            case 'binary_operator': {
                const left = node.childForFieldName('left');
                const right = node.childForFieldName('right');
                const op = node.childForFieldName('operator')?.text;
                if (!left || !right || !op) return dynamic(node);
                return evalBinary(op, this.eval(left, depth + 1), this.eval(right, depth + 1), node) ?? dynamic(node);
            }
            case 'comparison_operator':
                return this.comparison(node, depth);
            case 'call':
                return this.call(node, depth);
            case 'identifier':
                return this.name(node, depth);
            case 'attribute':
                return this.attribute(node);
            case 'lambda':
                return this.lambda(node, depth);
            default:
                return dynamic(node);
        }
    }

    private str(node: Node): PyValue {
        const parts = node.type === 'concatenated_string' ? namedChildren(node) : [node];
        let value = '';
        for (const part of parts) {
            if (part.type !== 'string' || part.hasError) return dynamic(node);
            for (const c of part.namedChildren) if (c?.type === 'interpolation') return dynamic(node);
            const decoded = decodeStringLiteral(part.text);
            if (decoded.value === undefined || decoded.isBytes) return dynamic(node);
            value += decoded.value;
        }
        return { kind: 'str', value, range: rangeOf(node) };
    }

    private sequence(node: Node, depth: number): PyValue {
        const items: PyValue[] = [];
        for (const c of namedChildren(node)) {
            if (c.type === 'list_splat' || c.type === 'parenthesized_list_splat' || c.type === 'yield') {
                return dynamic(node);
            }
            items.push(this.eval(c, depth + 1));
        }
        const kind = node.type === 'list' ? 'list' : node.type === 'set' ? 'set' : 'tuple';
        return { kind, items, range: rangeOf(node) };
    }

    private dict(node: Node, depth: number): PyValue {
        const entries: { key: PyValue; value: PyValue }[] = [];
        for (const c of namedChildren(node)) {
            const k = c.type === 'pair' ? c.childForFieldName('key') : null;
            const v = c.type === 'pair' ? c.childForFieldName('value') : null;
            if (!k || !v) return dynamic(node);
            entries.push({ key: this.eval(k, depth + 1), value: this.eval(v, depth + 1) });
        }
        return { kind: 'dict', entries, range: rangeOf(node) };
    }

    private lambda(node: Node, depth: number): PyValue {
        const params: string[] = [];
        const list = node.childForFieldName('parameters');
        for (const p of list ? namedChildren(list) : []) {
            params.push(p.childForFieldName('name')?.text ?? p.text);
        }
        const body = node.childForFieldName('body');
        if (!body) return dynamic(node);
        return { kind: 'lambda', params, body: this.eval(body, depth + 1), range: rangeOf(node) };
    }

    private name(node: Node, depth: number): PyValue {
        const qualified = this.ctx.bindings.qualifyName(node.text);
        if (qualified !== undefined) return this.sdkConstant(node, qualified);
        const def = moduleConstant(this.ctx.index, node.text);
        if (!def || this.visiting.has(node.text)) return dynamic(node);
        this.visiting.add(node.text);
        try {
            const value = this.eval(def, depth + 1);
            // The value is the definition's; the outer range is where it is used, so squiggles land on the use.
            return value.kind === 'dynamic' ? dynamic(node) : { ...value, range: rangeOf(node) };
        } finally {
            this.visiting.delete(node.text);
        }
    }

    private attribute(node: Node): PyValue {
        const qualified = this.ctx.bindings.qualify(node);
        return qualified === undefined ? dynamic(node) : this.sdkConstant(node, qualified);
    }

    /** A name from the SDK: GPU constants are strings; anything else (columns, classes) is not a plain value. */
    private sdkConstant(node: Node, qualified: string): PyValue {
        if (qualified.startsWith(QUERY_MODULE + '.')) {
            const gpu = gpuConstant(qualified.slice(QUERY_MODULE.length + 1));
            if (gpu !== undefined) return { kind: 'str', value: gpu, range: rangeOf(node) };
        }
        return dynamic(node);
    }

    private comparison(node: Node, depth: number): PyValue {
        const operands = namedChildren(node);
        const ops = node.children.filter((c) => c !== null && !c.isNamed).map((c) => c?.text ?? '');
        const left = operands[0];
        const right = operands[1];
        const op = ops.length === 1 ? COMPARISONS[ops[0] ?? ''] : undefined;
        if (operands.length !== 2 || !left || !right || !op) return dynamic(node);
        let col = queryColumnOf(left, this.ctx.bindings, (n) => this.eval(n, depth + 1));
        let valueNode = right;
        let termOp = op;
        if (!col) {
            col = queryColumnOf(right, this.ctx.bindings, (n) => this.eval(n, depth + 1));
            valueNode = left;
            termOp = REFLECTED[op];
        }
        if (!col) return dynamic(node);
        const term: QueryTerm = { ...col, op: termOp, value: this.eval(valueNode, depth + 1), range: rangeOf(node) };
        return { kind: 'query', terms: [term], range: rangeOf(node) };
    }

    private call(node: Node, depth: number): PyValue {
        const fn = node.childForFieldName('function');
        const args = node.childForFieldName('arguments');
        if (!fn || fn.type !== 'attribute' || !args || args.type !== 'argument_list') return dynamic(node);
        const method = fn.childForFieldName('attribute')?.text;
        const obj = fn.childForFieldName('object');
        if ((method !== 'in_' && method !== 'notin_') || !obj) return dynamic(node);
        const col = queryColumnOf(obj, this.ctx.bindings, (n) => this.eval(n, depth + 1));
        const argList = namedChildren(args);
        const arg = argList[0];
        if (!col || !arg || argList.length !== 1 || arg.type === 'keyword_argument') return dynamic(node);
        const value =
            arg.type === 'list_splat' || arg.type === 'dictionary_splat' ? dynamic(arg) : this.eval(arg, depth + 1);
        const term: QueryTerm = { ...col, op: method === 'in_' ? 'in' : 'notin', value, range: rangeOf(node) };
        return { kind: 'query', terms: [term], range: rangeOf(node) };
    }
}

function number(node: Node): PyValue {
    const text = node.text.toLowerCase().replace(/_/g, '');
    const range = rangeOf(node);
    if (text.endsWith('j')) return dynamic(node); // complex
    if (node.type === 'float') {
        const value = Number(text);
        return Number.isFinite(value) ? { kind: 'float', value, range } : dynamic(node);
    }
    const big = parseIntLiteral(text);
    return big === undefined ? dynamic(node) : intValue(big, range);
}

/**
 * The value node of a module-level name assigned exactly once (`STORAGE = 16`), if it is one. Names also bound in
 * other ways at module level (augmented assignment, tuple unpacking...) do not count.
 */
export function moduleConstant(index: SourceIndex, name: string): Node | undefined {
    let found: Node | undefined;
    let count = 0;
    for (const id of index.identifiers(name)) {
        const parent = parentOf(id);
        if (parent?.type === 'global_statement' || parent?.type === 'nonlocal_statement') return undefined;
        if (parent?.type !== 'assignment' && parent?.type !== 'augmented_assignment') {
            // Other bindings (`for NAME in`, `with ... as NAME`, `import NAME`, unpacking...) make it not constant.
            if (bindsName(id)) return undefined;
            continue;
        }
        if (parent.childForFieldName('left')?.id !== id.id || inLocalScope(parent)) continue;
        const stmt = parentOf(parent);
        const atTop = stmt?.type === 'expression_statement' && parentOf(stmt)?.type === 'module';
        // A binding under `if`/`for`/... at module level may or may not run: the name is not a constant then.
        if (parent.type === 'augmented_assignment' || !atTop) return undefined;
        const right = parent.childForFieldName('right');
        count++;
        found = right && right.type !== 'assignment' ? right : undefined;
    }
    return count === 1 ? found : undefined;
}

/** True inside a function, lambda or class body, where assignments bind local names. */
function inLocalScope(node: Node): boolean {
    for (let n = parentOf(node); n; n = parentOf(n)) {
        if (n.type === 'function_definition' || n.type === 'lambda' || n.type === 'class_definition') return true;
    }
    return false;
}

/** Name positions that bind at module scope other than `NAME = ...`. */
function bindsName(id: Node): boolean {
    if (inLocalScope(id)) return false;
    const parent = parentOf(id);
    if (!parent) return false;
    switch (parent.type) {
        case 'for_statement':
        case 'for_in_clause':
            return sameNode(parent.childForFieldName('left'), id);
        case 'as_pattern_target':
        case 'pattern_list':
        case 'tuple_pattern':
        case 'list_pattern':
        case 'dotted_name':
        case 'aliased_import':
        case 'named_expression':
        case 'function_definition':
        case 'class_definition':
            return true;
        default:
            return false;
    }
}
