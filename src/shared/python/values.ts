/**
 * Static evaluation of Python expressions into `PyValue`s: literals, constant arithmetic with Python's int/float
 * rules, the SDK's GPU constants and query expressions, lambdas, and module-level constants assigned once.
 * Anything else is `dynamic`, with its range and source text.
 */
import type { Node } from 'web-tree-sitter';
import type { PyValue, QueryOp, QueryTerm, Range } from '../model';
import { gpuConstant } from '../vocabulary';
import { evalBinary, evalUnary } from './arithmetic';
import { intValue, parseIntLiteral } from './numbers';
import { QUERY_MODULE, type Bindings } from './imports';
import { namedChildren, parentOf, rangeOf, sameNode, type SourceIndex } from './nodes';
import { decodeStringLiteral } from './strings';
import { pyRepr } from '../packaging/pyFormat';
import { queryColumnOf } from './queryColumns';

/** What evaluation needs to know about the file. */
export interface EvalContext {
    bindings: Bindings;
    index: SourceIndex;
    /** The environment `os.environ` / `os.getenv` read, as the SDK reads it at deploy time on the user's machine.
     * Absent in the editor: such reads stay dynamic. Every read is recorded in `envReads`. */
    env?: Readonly<Record<string, string | undefined>>;
    envReads?: EnvRead[];
}

/** One environment variable the file reads (`os.environ["X"]`, `os.environ.get("X", d)`, `os.getenv("X")`). */
export interface EnvRead {
    name: string;
    /** The value found, or undefined when unset (the default applies, or `os.environ[...]` raises KeyError). */
    value?: string;
    range: Range;
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
                return this.str(node, depth);
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
            case 'subscript':
                return this.environSubscript(node, depth);
            case 'conditional_expression':
                return this.conditional(node, depth);
            default:
                return dynamic(node);
        }
    }

    /**
     * An f-string whose replacement fields are constants: `{x}` is `format(x, '')` = `str(x)`, `!s`/`!r` apply
     * str/repr. A format spec or `=` is refused (dynamic) rather than approximated. Literal parts are decoded by
     * rebuilding the literal without the fields.
     */
    private fstring(part: Node, depth: number): string | undefined {
        const text = part.text;
        let out = '';
        let last = part.startIndex;
        const pieces: { literal: string; value?: string }[] = [];
        for (const c of part.namedChildren) {
            if (c?.type !== 'interpolation') continue;
            pieces.push({ literal: text.slice(last - part.startIndex, c.startIndex - part.startIndex) });
            const expr = c.childForFieldName('expression') ?? namedChildren(c)[0];
            const conv = namedChildren(c).find((x) => x.type === 'type_conversion')?.text;
            if (
                !expr ||
                namedChildren(c).some((x) => x.type === 'format_specifier') ||
                /=\s*(!\w)?\s*}$/.test(c.text)
            ) {
                return undefined;
            }
            const v = this.eval(expr, depth + 1);
            const s = conv === '!r' || conv === '!a' ? reprOf(v) : strOf(v);
            if (s === undefined || (conv === '!a' && [...s].some((ch) => (ch.codePointAt(0) ?? 0) > 0x7f))) {
                return undefined;
            }
            pieces.push({ literal: '', value: s });
            last = c.endIndex;
        }
        pieces.push({ literal: text.slice(last - part.startIndex) });
        // Decode the literal text with the prefix minus `f` (keeping `r`), as one string without the fields.
        const prefix = /^[a-zA-Z]*/.exec(text)?.[0] ?? '';
        const plainPrefix = prefix.replace(/[fF]/g, '');
        for (const [i, p] of pieces.entries()) {
            if (p.value !== undefined) {
                out += p.value;
                continue;
            }
            let lit = p.literal;
            if (i === 0) lit = lit.slice(prefix.length);
            const quote = /^('''|"""|'|")/.exec(i === 0 ? lit : text.slice(prefix.length))?.[0] ?? '"';
            if (i === 0) lit = lit.slice(quote.length);
            if (i === pieces.length - 1) lit = lit.slice(0, lit.length - quote.length);
            lit = lit.replace(/{{/g, '{').replace(/}}/g, '}');
            const decoded = decodeStringLiteral(`${plainPrefix}${quote}${lit}${quote}`);
            if (decoded.value === undefined) return undefined;
            out += decoded.value;
        }
        return out;
    }

    /** `a if cond else b` with a constant condition. */
    private conditional(node: Node, depth: number): PyValue {
        const parts = namedChildren(node);
        const [a, cond, b] = parts;
        if (parts.length !== 3 || !a || !cond || !b) return dynamic(node);
        const c = this.eval(cond, depth + 1);
        const t = truthOf(c);
        if (t === undefined) return dynamic(node);
        return this.eval(t ? a : b, depth + 1);
    }

    /** `os.environ["X"]`: the variable's value when the environment is known; KeyError (dynamic) when unset. */
    private environSubscript(node: Node, depth: number): PyValue {
        const obj = node.childForFieldName('value');
        const key = node.childForFieldName('subscript');
        if (!obj || !key || !this.isEnviron(obj)) return dynamic(node);
        const k = this.eval(key, depth + 1);
        if (k.kind !== 'str') return dynamic(node);
        const value = this.readEnv(k.value, node);
        if (value !== undefined) return { kind: 'str', value, range: rangeOf(node) };
        if (!this.ctx.env) return dynamic(node);
        return { kind: 'dynamic', text: node.text, range: rangeOf(node), unsetEnv: k.value };
    }

    private isEnviron(obj: Node): boolean {
        const t = obj.text.replace(/\s+/g, '');
        return t === 'os.environ' || (t === 'environ' && importsFromOs(this.ctx.index, 'environ'));
    }

    /** Records the read; the value when the environment is known and has it. */
    private readEnv(name: string, node: Node): string | undefined {
        const env = this.ctx.env;
        const value = env && Object.prototype.hasOwnProperty.call(env, name) ? env[name] : undefined;
        if (env) {
            const read: EnvRead = { name, range: rangeOf(node) };
            if (value !== undefined) read.value = value;
            this.ctx.envReads?.push(read);
        }
        return value;
    }

    /** `os.environ.get("X", d)` / `os.getenv("X", d)`: the value, else the default (None when not given). */
    private envGet(node: Node, fn: Node, args: Node, depth: number): PyValue | undefined {
        const fnText = fn.text.replace(/\s+/g, '');
        const obj = fn.type === 'attribute' ? fn.childForFieldName('object') : null;
        const isGet =
            fnText === 'os.getenv' ||
            (fnText === 'getenv' && importsFromOs(this.ctx.index, 'getenv')) ||
            (fn.type === 'attribute' &&
                fn.childForFieldName('attribute')?.text === 'get' &&
                !!obj &&
                this.isEnviron(obj));
        if (!isGet) return undefined;
        const list = namedChildren(args);
        if (
            list.length < 1 ||
            list.length > 2 ||
            list.some((a) => a.type !== 'string' && a.type.includes('argument'))
        ) {
            return dynamic(node);
        }
        const key = this.eval(list[0] as Node, depth + 1);
        if (key.kind !== 'str' || !this.ctx.env) return dynamic(node);
        const value = this.readEnv(key.value, node);
        if (value !== undefined) return { kind: 'str', value, range: rangeOf(node) };
        const fallback = list[1] ? this.eval(list[1], depth + 1) : ({ kind: 'none', range: rangeOf(node) } as PyValue);
        return fallback.kind === 'dynamic' ? dynamic(node) : { ...fallback, range: rangeOf(node) };
    }

    private str(node: Node, depth: number): PyValue {
        const parts = node.type === 'concatenated_string' ? namedChildren(node) : [node];
        let value = '';
        for (const part of parts) {
            if (part.type !== 'string' || part.hasError) return dynamic(node);
            if (part.namedChildren.some((c) => c?.type === 'interpolation')) {
                const f = this.fstring(part, depth);
                if (f === undefined) return dynamic(node);
                value += f;
                continue;
            }
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
        if (fn && args?.type === 'argument_list') {
            const env = this.envGet(node, fn, args, depth);
            if (env) return env;
        }
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

/** `from os import NAME` somewhere in the file. */
export function importsFromOs(index: SourceIndex, name: string): boolean {
    return index.identifiers(name).some((id) => {
        for (let n = parentOf(id); n; n = parentOf(n)) {
            if (n.type === 'import_from_statement') return n.childForFieldName('module_name')?.text === 'os';
        }
        return false;
    });
}

/** Python truthiness of a constant value; undefined when not constant. */
export function truthOf(v: PyValue): boolean | undefined {
    switch (v.kind) {
        case 'bool':
            return v.value;
        case 'none':
            return false;
        case 'int':
            return v.digits !== undefined || v.value !== 0;
        case 'float':
            return v.value !== 0;
        case 'str':
            return v.value !== '';
        case 'list':
        case 'tuple':
        case 'set':
            return v.items.length > 0;
        case 'dict':
            return v.entries.length > 0;
        default:
            return undefined;
    }
}

/** `str(v)` of a constant for f-strings; undefined for what cannot be printed exactly. */
function strOf(v: PyValue): string | undefined {
    return v.kind === 'str' ? v.value : reprOf(v);
}

function reprOf(v: PyValue): string | undefined {
    try {
        return v.kind === 'dynamic' || v.kind === 'query' || v.kind === 'lambda' || v.kind === 'set'
            ? undefined
            : pyRepr(v);
    } catch {
        return undefined;
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
