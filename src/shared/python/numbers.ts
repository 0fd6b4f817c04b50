/**
 * Python numbers in the model: an `int` keeps `value` (a double, for rules that compare sizes) and, when the double
 * is not exact, `digits` (the exact decimal text), so unbounded ints survive JSON and print as Python prints them.
 */
import type { PyValue, Range } from '../model';

type PyInt = Extract<PyValue, { kind: 'int' }>;

/** An int value from a BigInt: `digits` only when the double would lose precision. */
export function intValue(big: bigint, range: Range): PyInt {
    const value = Number(big);
    return Number.isSafeInteger(value)
        ? { kind: 'int', value, range }
        : { kind: 'int', value, digits: big.toString(), range };
}

/** The exact BigInt of an int value. */
export function pyIntOf(v: PyInt): bigint {
    return v.digits !== undefined ? BigInt(v.digits) : BigInt(v.value);
}

/** `str(n)` of an int value, exact at any size. */
export function intText(v: PyInt): string {
    return v.digits ?? (Number.isSafeInteger(v.value) ? String(v.value) : BigInt(v.value).toString());
}

/** Parses a Python integer literal (`1_000`, `0x1F`, `0o17`, `0b101`); undefined when it is not one. */
export function parseIntLiteral(text: string): bigint | undefined {
    const t = text.toLowerCase().replace(/_/g, '');
    try {
        if (/^0[xob]/.test(t)) return BigInt(t);
        if (/^0+$/.test(t)) return 0n;
        if (/^[1-9][0-9]*$/.test(t)) return BigInt(t);
    } catch {
        return undefined;
    }
    return undefined;
}
