/**
 * Constant arithmetic with Python's semantics: ints are unbounded (computed as BigInt, so `10**23` is exact), `int op
 * int` stays int except `/` (always float), floor division and modulo round toward negative infinity, `bool` counts
 * as int, and float negation keeps the sign of zero (`-0.0`). Undefined means "not constant" (e.g. division by zero,
 * which raises in Python, or operand types Python would reject), or an int too large to be worth computing.
 */
import type { Node } from 'web-tree-sitter';
import type { PyValue } from '../model';
import { rangeOf } from './nodes';
import { intValue, pyIntOf } from './numbers';

type Num = { isInt: true; big: bigint } | { isInt: false; value: number };

function asNumber(v: PyValue): Num | undefined {
    if (v.kind === 'int') return { isInt: true, big: pyIntOf(v) };
    if (v.kind === 'float') return { isInt: false, value: v.value };
    if (v.kind === 'bool') return { isInt: true, big: v.value ? 1n : 0n };
    return undefined;
}

/** Python's float(int): rounds to nearest, ties to even, as Number(bigint) does; too large raises OverflowError. */
function toFloat(n: Num): number | undefined {
    if (!n.isInt) return n.value;
    const f = Number(n.big);
    return Number.isFinite(f) ? f : undefined;
}

function float(value: number, node: Node): PyValue | undefined {
    // Python raises OverflowError or gives inf/nan only through explicit float('inf'); arithmetic that overflows in
    // a constant expression is rare enough to refuse rather than guess.
    if (!Number.isFinite(value)) return undefined;
    return { kind: 'float', value, range: rangeOf(node) };
}

function int(big: bigint | undefined, node: Node): PyValue | undefined {
    return big === undefined ? undefined : intValue(big, rangeOf(node));
}

/** Ints beyond this many bits are not computed (Python could, but no deployment file needs them). */
const MAX_BITS = 4096n;

function bitLength(b: bigint): bigint {
    return BigInt((b < 0n ? -b : b).toString(2).length);
}

/** Python's `//` on ints: rounds toward negative infinity. */
function floorDiv(a: bigint, b: bigint): bigint {
    const q = a / b;
    return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** Python's `%` on ints: the result has the sign of the divisor. */
function intMod(a: bigint, b: bigint): bigint {
    const r = a % b;
    return r !== 0n && r < 0n !== b < 0n ? r + b : r;
}

/** Python's `%` on floats: the result has the sign of the divisor. */
function floatMod(a: number, b: number): number {
    const r = a % b;
    if (r === 0) return b < 0 ? -0 : 0;
    return r < 0 !== b < 0 ? r + b : r;
}

/** CPython's float `//` (float_divmod): `1 // 0.1` is 9.0, not floor(1 / 0.1) = 10. */
function floatFloorDiv(x: number, y: number): number {
    let mod = x % y;
    let div = (x - mod) / y;
    if (mod !== 0) {
        if (y < 0 !== mod < 0) {
            mod += y;
            div -= 1;
        }
    }
    if (div === 0) return Object.is(x / y, -0) || x / y < 0 ? -0 : 0;
    let floored = Math.floor(div);
    if (div - floored > 0.5) floored += 1;
    return floored;
}

function intPow(a: bigint, b: bigint): bigint | undefined {
    if (b < 0n) return undefined; // a float result: handled by the caller
    if (a === 0n || a === 1n) return b === 0n ? 1n : a;
    if (a === -1n) return b % 2n === 0n ? 1n : -1n;
    if (bitLength(a) * b > MAX_BITS) return undefined;
    return a ** b;
}

/** `-x`, `+x`, `~x` on a constant. */
export function evalUnary(op: string, v: PyValue, node: Node): PyValue | undefined {
    const n = asNumber(v);
    if (!n) return undefined;
    if (op === '-') return n.isInt ? int(-n.big, node) : float(-n.value, node);
    if (op === '+') return n.isInt ? int(n.big, node) : float(n.value, node);
    if (op === '~' && n.isInt) return int(-n.big - 1n, node);
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
        if (!s || s.kind !== 'str' || !count?.isInt) return undefined;
        const times = count.big < 0n ? 0 : Number(count.big);
        if (s.value.length * times > MAX_REPEAT) return undefined;
        return { kind: 'str', value: s.value.repeat(times), range: rangeOf(node) };
    }
    const a = asNumber(left);
    const b = asNumber(right);
    if (!a || !b) return undefined;
    if (a.isInt && b.isInt) return intBinary(op, a.big, b.big, node);
    const x = toFloat(a);
    const y = toFloat(b);
    if (x === undefined || y === undefined) return undefined;
    switch (op) {
        case '+':
            return float(x + y, node);
        case '-':
            return float(x - y, node);
        case '*':
            return float(x * y, node);
        case '/':
            return y === 0 ? undefined : float(x / y, node);
        case '//':
            return y === 0 ? undefined : float(floatFloorDiv(x, y), node);
        case '%':
            return y === 0 ? undefined : float(floatMod(x, y), node);
        case '**':
            if (x === 0 && y < 0) return undefined;
            if (x < 0 && !Number.isInteger(y)) return undefined; // a complex result in Python
            return float(x ** y, node);
        default:
            return undefined;
    }
}

function intBinary(op: string, a: bigint, b: bigint, node: Node): PyValue | undefined {
    const capped = (r: bigint) => (bitLength(r) > MAX_BITS ? undefined : int(r, node));
    switch (op) {
        case '+':
            return capped(a + b);
        case '-':
            return capped(a - b);
        case '*':
            return capped(a * b);
        case '/': {
            // Python's int / int is correctly rounded; exact here when both fit a double without loss.
            if (b === 0n) return undefined;
            const x = Number(a);
            const y = Number(b);
            if (!Number.isSafeInteger(x) || !Number.isSafeInteger(y)) return undefined;
            return float(x / y, node);
        }
        case '//':
            return b === 0n ? undefined : int(floorDiv(a, b), node);
        case '%':
            return b === 0n ? undefined : int(intMod(a, b), node);
        case '**': {
            if (b < 0n) {
                if (a === 0n) return undefined; // ZeroDivisionError
                const x = Number(a);
                const y = Number(b);
                return Number.isSafeInteger(x) ? float(x ** y, node) : undefined;
            }
            return int(intPow(a, b), node);
        }
        case '<<':
            return b < 0n || b > MAX_BITS ? undefined : capped(a << b);
        case '>>':
            return b < 0n ? undefined : int(a >> (b > MAX_BITS ? MAX_BITS : b), node);
        case '&':
            return int(a & b, node);
        case '|':
            return int(a | b, node);
        case '^':
            return int(a ^ b, node);
        default:
            return undefined;
    }
}
