/**
 * Reading call arguments for the spec: binding them to Python parameters (with the TypeErrors Python would raise),
 * and refusing, with a range, any value the editor cannot evaluate.
 */
import type { CallArg, MethodCall, PyValue, Range } from '../model';
import { describe } from './pyFormat';
import type { ScalarValue, SpecError } from './specTypes';

/** Gathers errors: the SDK's own refusals apart, so they can be listed first in the SDK's order. */
export class Collector {
    readonly sdk: SpecError[] = [];
    readonly other: SpecError[] = [];
    add(message: string, range: Range, sdk = false): void {
        (sdk ? this.sdk : this.other).push({ message, range, sdk });
    }
}

/** Finds the first `dynamic`/`lambda`/`query` inside a literal (lists, dicts...). */
function firstUnreadable(v: PyValue): PyValue | undefined {
    switch (v.kind) {
        case 'dynamic':
        case 'lambda':
            return v;
        case 'list':
        case 'tuple':
        case 'set':
            for (const item of v.items) {
                const bad = firstUnreadable(item);
                if (bad) return bad;
            }
            return undefined;
        case 'dict':
            for (const e of v.entries) {
                const bad = firstUnreadable(e.key) ?? firstUnreadable(e.value);
                if (bad) return bad;
            }
            return undefined;
        default:
            return undefined;
    }
}

/**
 * Why a string literal stays unread: its `\N{NAME}` escape needs Unicode's character-name table, which the reader
 * does not carry (python/strings.ts). Undefined for any other expression.
 */
export function namedEscapeReason(text: string): string | undefined {
    if (!/^[uUbBfF]?("|')/.test(text) || !/(^|[^\\])(\\\\)*\\N\{/.test(text)) return undefined;
    return (
        "its \\N{...} escape needs Unicode's character-name table, which the editor does not have; write the " +
        'character itself or a \\uXXXX escape'
    );
}

/** True when the value is readable; reports the unreadable part otherwise. */
export function readable(v: PyValue, what: string, c: Collector): boolean {
    const bad = firstUnreadable(v);
    if (!bad) return true;
    const named = bad.kind === 'dynamic' ? namedEscapeReason(bad.text) : undefined;
    const message =
        bad.kind === 'dynamic' && bad.unsetEnv !== undefined
            ? `${what}: \`${bad.text}\` raises KeyError: ${bad.unsetEnv} is not set in this environment`
            : named
              ? `${what}: cannot evaluate \`${describe(bad)}\` in the editor: ${named}`
              : `${what}: cannot evaluate \`${describe(bad)}\` in the editor; use a literal value`;
    c.add(message, bad.range);
    return false;
}

/** The value as a str, or an error (`what` names it). */
export function strArg(v: PyValue, what: string, c: Collector): string | undefined {
    if (!readable(v, what, c)) return undefined;
    if (v.kind === 'str') return v.value;
    c.add(`${what} must be a string, got ${describe(v)}`, v.range);
    return undefined;
}

/** The value as an int/float, or an error. */
export function numArg(v: PyValue, what: string, c: Collector): number | undefined {
    if (!readable(v, what, c)) return undefined;
    if (v.kind === 'int' || v.kind === 'float') return v.value;
    c.add(`${what} must be a number, got ${describe(v)}`, v.range);
    return undefined;
}

/** A str/int/float/bool/None literal as its JS value; undefined for anything else. */
export function literalScalar(v: PyValue): ScalarValue | undefined {
    switch (v.kind) {
        case 'str':
        case 'int':
        case 'float':
        case 'bool':
            return v.value;
        case 'none':
            return null;
        default:
            return undefined;
    }
}

/** A str/int/float/bool/None value (autoscaling keywords), or an error. */
export function scalar(v: PyValue, what: string, c: Collector): ScalarValue | undefined {
    if (!readable(v, what, c)) return undefined;
    const value = literalScalar(v);
    if (value === undefined) c.add(`${what} must be a number or a string, got ${describe(v)}`, v.range);
    return value;
}

export function bind(
    call: MethodCall,
    params: string[],
    c: Collector,
    opts: { varArgs?: boolean; varKwargs?: boolean; fn?: string } = {},
): { named: Map<string, PyValue>; rest: PyValue[]; extraKw: CallArg[] } {
    const named = new Map<string, PyValue>();
    const rest: PyValue[] = [];
    const extraKw: CallArg[] = [];
    const fn = opts.fn ?? `${call.method}()`;
    let pos = 0;
    for (const a of call.args) {
        if (a.name === undefined) {
            if (a.value.kind === 'dynamic' && a.value.text.startsWith('*')) {
                c.add(`${fn}: cannot evaluate \`${a.value.text}\` in the editor; pass literal arguments`, a.range);
                continue;
            }
            const p = params[pos++];
            if (p !== undefined) named.set(p, a.value);
            else if (opts.varArgs) rest.push(a.value);
            else c.add(`${fn} takes ${params.length} positional argument(s) but more were given`, a.range, true);
        } else if (params.includes(a.name)) {
            if (named.has(a.name)) c.add(`${fn} got multiple values for argument '${a.name}'`, a.range, true);
            named.set(a.name, a.value);
        } else if (opts.varKwargs) {
            extraKw.push(a);
        } else {
            c.add(`${fn} got an unexpected keyword argument '${a.name}'`, a.nameRange ?? a.range, true);
        }
    }
    return { named, rest, extraKw };
}
