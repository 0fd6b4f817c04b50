/**
 * The `search_params` string, as `vastai/data/query.py::Query.unparse_query()` prints it: the search defaults, then
 * each `require(...)` term merged with `Query.extend` (one token per column and op, in insertion order).
 */
import type { PyValue, QueryOp, Range } from '../model';
import { intText } from '../python/numbers';
import { PyFormatError, describe, pyFloatRepr, pyIntStr, pyStr } from './pyFormat';

/** One merged (column, op, value) of the query, in the SDK's order. */
export interface QueryEntry {
    column: string;
    op: QueryOp;
    value: PyValue;
}

/** An error found while merging or printing the query: the SDK's text when the SDK raises, with the term's range. */
export interface QueryError {
    message: string;
    range?: Range;
}

const OP_TO_STR: Record<QueryOp, string> = {
    eq: '=',
    neq: '!=',
    gt: '>',
    gte: '>=',
    lt: '<',
    lte: '<=',
    in: ' in ',
    notin: ' notin ',
};

/** Values of these columns are divided on the way out (the server multiplies them back). */
const MULT_FIELDS: Record<string, number> = { cpu_ram: 1000, gpu_ram: 1000, gpu_total_ram: 1000, duration: 86400 };

const noRange: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/** `Query.search_defaults()`: verified=true, rentable=true, rented=false. */
export function searchDefaults(): QueryEntry[] {
    return [
        { column: 'verified', op: 'eq', value: { kind: 'bool', value: true, range: noRange } },
        { column: 'rentable', op: 'eq', value: { kind: 'bool', value: true, range: noRange } },
        { column: 'rented', op: 'eq', value: { kind: 'bool', value: false, range: noRange } },
    ];
}

/**
 * `Query.extend`: adds `term` to `entries` (a column keeps its first position, ops append to it). Redefining an op
 * of a column is the SDK's ValueError. Returns the new list (the input is not changed) or the error text.
 */
export function extendQuery(
    entries: readonly QueryEntry[],
    term: QueryEntry,
): { entries: QueryEntry[] } | { error: string } {
    const same = entries.filter((e) => e.column === term.column);
    if (same.some((e) => e.op === term.op)) {
        return { error: `Cannot redefine op(s) {'${term.op}'} for column '${term.column}'` };
    }
    if (same.length === 0) return { entries: [...entries, term] };
    // Ops of one column stay together, right after the column's last op.
    const last = entries.lastIndexOf(same[same.length - 1] as QueryEntry);
    return { entries: [...entries.slice(0, last + 1), term, ...entries.slice(last + 1)] };
}

/** Prints one value the way unparse_query does. Throws PyFormatError for what Python would refuse. */
export function unparseValue(column: string, value: PyValue): string {
    const v = value;
    const mult = MULT_FIELDS[column];
    if (mult !== undefined) {
        // `value / mult` is Python true division: always a float, then an int if whole. bool is an int in Python.
        let n: number;
        if (v.kind === 'int' && v.digits !== undefined) {
            // Python divides unbounded ints with one correct rounding; a double cannot, so refuse rather than guess.
            throw new PyFormatError(`${column} value ${v.digits} is too large to divide exactly here`, v);
        }
        if (v.kind === 'int' || v.kind === 'float') n = v.value;
        else if (v.kind === 'bool') n = v.value ? 1 : 0;
        else throw new PyFormatError(`unsupported operand type(s) for /: '${pyTypeName(v)}' and 'int'`, v);
        const q = n / mult;
        if (Number.isNaN(q)) throw new PyFormatError('cannot convert float NaN to integer', v);
        if (!Number.isFinite(q)) throw new PyFormatError('cannot convert float infinity to integer', v);
        return Number.isInteger(q) ? pyIntStr(q) : pyFloatRepr(q);
    }
    switch (v.kind) {
        case 'bool':
            return v.value ? 'true' : 'false';
        case 'none':
            return 'None';
        case 'list':
            return v.items.map((item) => pyStr(item).replace(/ /g, '_')).join(',');
        case 'str':
            return v.value.replace(/ /g, '_');
        case 'int':
            return intText(v);
        case 'float':
            return pyFloatRepr(v.value);
        default:
            return pyStr(v);
    }
}

function pyTypeName(v: PyValue): string {
    return v.kind === 'none' ? 'NoneType' : v.kind;
}

/** `unparse_query()` of merged entries. */
export function unparseQuery(entries: readonly QueryEntry[]): string {
    return entries.map((e) => `${e.column}${OP_TO_STR[e.op]}${unparseValue(e.column, e.value)}`).join(' ');
}

/**
 * Terms as written (`require(a, b)`, in call order) -> merged entries or the first error, as the SDK raises. The
 * server column (`id_` -> `id`) names the token when the term has one.
 */
export function buildQuery(
    terms: readonly { column: string; serverColumn?: string; op: QueryOp; value: PyValue; range: Range }[],
): { entries: QueryEntry[]; searchParams: string } | { error: QueryError } {
    let entries = searchDefaults();
    for (const t of terms) {
        if (t.value.kind === 'dynamic') {
            return {
                error: { message: `cannot evaluate \`${describe(t.value)}\` in the editor`, range: t.value.range },
            };
        }
        const r = extendQuery(entries, { column: t.serverColumn ?? t.column, op: t.op, value: t.value });
        if ('error' in r) return { error: { message: r.error, range: t.range } };
        entries = r.entries;
    }
    try {
        return { entries, searchParams: unparseQuery(entries) };
    } catch (err) {
        if (err instanceof PyFormatError) return { error: { message: err.message, range: err.value.range } };
        throw err;
    }
}
