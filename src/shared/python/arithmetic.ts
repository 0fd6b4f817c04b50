/**
 * Constant arithmetic with Python's semantics: `int op int` stays int except `/` (always float), floor division and
 * modulo round toward negative infinity, and `bool` counts as int. Undefined means "not constant" (e.g. division by
 * zero, which raises in Python, or operand types Python would reject).
 */
import type { Node } from 'web-tree-sitter';
import type { PyValue } from '../model';
import { rangeOf } from './nodes';

type Num = { isInt: boolean; value: number };

function asNumber(v: PyValue): Num | undefined {
    if (v.kind === 'int') return { isInt: true, value: v.value };
    if (v.kind === 'float') return { isInt: false, value: v.value };
    if (v.kind === 'bool') return { isInt: true, value: v.value ? 1 : 0 };
    return undefined;
}

function numberValue(isInt: boolean, value: number, node: Node): PyValue | undefined {
    if (Number.isNaN(value)) return undefined;
    return isInt ? { kind: 'int', value, range: rangeOf(node) } : { kind: 'float', value, range: rangeOf(node) };
}

/** Python's `%`: the result has the sign of the divisor. */
function pyMod(a: number, b: number): number {
    const r = a % b;
    return r !== 0 && r < 0 !== b < 0 ? r + b : r;
}

/** `-x`, `+x`, `~x` on a constant. */
export function evalUnary(op: string, v: PyValue, node: Node): PyValue | undefined {
    const n = asNumber(v);
    if (!n) return undefined;
    if (op === '-') return numberValue(n.isInt, n.value === 0 ? 0 : -n.value, node);
    if (op === '+') return numberValue(n.isInt, n.value, node);
    if (op === '~' && n.isInt) return numberValue(true, -n.value - 1, node);
    return undefined;
}

const MAX_REPEAT = 100_000;

/** `a op b` on constants: `+ - * / // % **` on numbers, `+` on strings, `str * int`. */
export function evalBinary(op: string, left: PyValue, right: PyValue, node: Node): PyValue | undefined {
    if (op === '+' && left.kind === 'str' && right.kind === 'str') {
        return { kind: 'str', value: left.value + right.value, range: rangeOf(node) };
    }
    if (op === '*' && (left.kind === 'str' || right.kind === 'str')) {
        const s = left.kind === 'str' ? left : right.kind === 'str' ? right : undefined;
        const count = asNumber(left.kind === 'str' ? right : left);
        if (!s || s.kind !== 'str' || !count?.isInt || s.value.length * Math.max(count.value, 0) > MAX_REPEAT) {
            return undefined;
        }
        return { kind: 'str', value: s.value.repeat(Math.max(count.value, 0)), range: rangeOf(node) };
    }
    const a = asNumber(left);
    const b = asNumber(right);
    if (!a || !b) return undefined;
    const isInt = a.isInt && b.isInt;
    switch (op) {
        case '+':
            return numberValue(isInt, a.value + b.value, node);
        case '-':
            return numberValue(isInt, a.value - b.value, node);
        case '*':
            return numberValue(isInt, a.value * b.value, node);
        case '/':
            return b.value === 0 ? undefined : numberValue(false, a.value / b.value, node);
        case '//':
            return b.value === 0 ? undefined : numberValue(isInt, Math.floor(a.value / b.value), node);
        case '%':
            return b.value === 0 ? undefined : numberValue(isInt, pyMod(a.value, b.value), node);
        case '**':
            if (a.value === 0 && b.value < 0) return undefined;
            return numberValue(isInt && b.value >= 0, a.value ** b.value, node);
        default:
            return undefined;
    }
}
