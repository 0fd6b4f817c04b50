/**
 * Python's text formatting, byte for byte: `repr(float)`, `str(x)` and `json.dumps(x)` (default separators,
 * `ensure_ascii=True`). The SDK builds `config.json` and `search_params` with these, and both feed the `file_hash`
 * or the PUT body, so "close enough" is not enough.
 */
import type { PyValue } from '../model';
import { intText } from '../python/numbers';

/** A value Python could not format the way the SDK asks (e.g. `json.dumps` of a set). */
export class PyFormatError extends Error {
    constructor(
        message: string,
        readonly value: PyValue,
    ) {
        super(message);
        this.name = 'PyFormatError';
    }
}

/** `repr(x)` / `str(x)` of a Python float: shortest round-trip digits, exponent outside 1e-4 <= |x| < 1e16. */
export function pyFloatRepr(x: number): string {
    if (Number.isNaN(x)) return 'nan';
    if (x === Infinity) return 'inf';
    if (x === -Infinity) return '-inf';
    if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
    const sign = x < 0 ? '-' : '';
    // JS toExponential() without an argument gives the same shortest round-trip digits Python's repr uses.
    const [mantissa = '', expText = '0'] = Math.abs(x).toExponential().split('e');
    const digits = mantissa.replace('.', '');
    const exp = Number(expText);
    if (exp < -4 || exp >= 16) {
        const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
        const e = String(Math.abs(exp)).padStart(2, '0');
        return `${sign}${m}e${exp < 0 ? '-' : '+'}${e}`;
    }
    if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
    if (digits.length <= exp + 1) return `${sign}${digits}${'0'.repeat(exp + 1 - digits.length)}.0`;
    return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

/** `str(n)` of a Python int held in a double: exact digits, also beyond 2**53. */
export function pyIntStr(n: number): string {
    return Number.isSafeInteger(n) ? String(n) : BigInt(n).toString();
}

/** `repr(s)` of a Python str: single quotes unless the text has `'` and no `"`. */
export function pyStrRepr(s: string): string {
    const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
    let out = quote;
    for (const ch of s) {
        const c = ch.codePointAt(0) ?? 0;
        if (ch === '\\' || ch === quote) out += '\\' + ch;
        else if (ch === '\n') out += '\\n';
        else if (ch === '\r') out += '\\r';
        else if (ch === '\t') out += '\\t';
        else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
        else out += ch;
    }
    return out + quote;
}

/** `repr(v)` of a literal Python value (what `str()` prints for containers). */
export function pyRepr(v: PyValue): string {
    switch (v.kind) {
        case 'str':
            return pyStrRepr(v.value);
        case 'int':
            return intText(v);
        case 'float':
            return pyFloatRepr(v.value);
        case 'bool':
            return v.value ? 'True' : 'False';
        case 'none':
            return 'None';
        case 'list':
            return `[${v.items.map(pyRepr).join(', ')}]`;
        case 'tuple':
            return v.items.length === 1 ? `(${pyRepr(v.items[0] as PyValue)},)` : `(${v.items.map(pyRepr).join(', ')})`;
        case 'set':
            // A set prints in hash order, which is not knowable here.
            throw new PyFormatError('a set has no stable text form', v);
        case 'dict':
            return `{${v.entries.map((e) => `${pyRepr(e.key)}: ${pyRepr(e.value)}`).join(', ')}}`;
        default:
            throw new PyFormatError(`cannot evaluate \`${describe(v)}\` here`, v);
    }
}

/** `str(v)`: like repr, except a str prints bare. */
export function pyStr(v: PyValue): string {
    return v.kind === 'str' ? v.value : pyRepr(v);
}

/** `json.dumps(s)` of a str with `ensure_ascii=True`: every non-ASCII UTF-16 unit as `\uXXXX`. */
export function jsonString(s: string): string {
    let out = '"';
    for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c === 0x22) out += '\\"';
        else if (c === 0x5c) out += '\\\\';
        else if (c === 0x0a) out += '\\n';
        else if (c === 0x0d) out += '\\r';
        else if (c === 0x09) out += '\\t';
        else if (c === 0x08) out += '\\b';
        else if (c === 0x0c) out += '\\f';
        else if (c < 0x20 || c > 0x7e) out += '\\u' + c.toString(16).padStart(4, '0');
        else out += s[i];
    }
    return out + '"';
}

/** `json.dumps(v)` of an evaluated Python value, default separators, `ensure_ascii=True`. */
export function pyJsonDumps(v: PyValue): string {
    switch (v.kind) {
        case 'str':
            return jsonString(v.value);
        case 'int':
            return intText(v);
        case 'float':
            if (Number.isNaN(v.value)) return 'NaN';
            if (!Number.isFinite(v.value)) return v.value > 0 ? 'Infinity' : '-Infinity';
            return pyFloatRepr(v.value);
        case 'bool':
            return v.value ? 'true' : 'false';
        case 'none':
            return 'null';
        case 'list':
        case 'tuple':
            return `[${v.items.map(pyJsonDumps).join(', ')}]`;
        case 'dict':
            return `{${v.entries.map((e) => `${jsonKey(e.key)}: ${pyJsonDumps(e.value)}`).join(', ')}}`;
        case 'set':
            throw new PyFormatError('Object of type set is not JSON serializable', v);
        default:
            throw new PyFormatError(`cannot evaluate \`${describe(v)}\` here`, v);
    }
}

/** json.dumps turns str/int/float/bool/None dict keys into strings; anything else is a TypeError. */
function jsonKey(k: PyValue): string {
    switch (k.kind) {
        case 'str':
            return jsonString(k.value);
        case 'int':
        case 'float':
            return jsonString(pyJsonDumps(k));
        case 'bool':
            return k.value ? '"true"' : '"false"';
        case 'none':
            return '"null"';
        default:
            throw new PyFormatError(`keys must be str, int, float, bool or None, not ${k.kind}`, k);
    }
}

/** Short text of a value for error messages. */
export function describe(v: PyValue): string {
    switch (v.kind) {
        case 'dynamic':
            return v.text;
        case 'lambda':
            return 'lambda';
        case 'query':
            return v.terms.map((t) => `${t.column} ${t.op}`).join(' & ');
        default:
            try {
                return pyRepr(v);
            } catch {
                return v.kind;
            }
    }
}
