/**
 * Python string literals to their values: prefixes (r, b, u, f and combinations), all quote forms, escapes, and
 * implicit concatenation. Works on a `string` node's own text; the tree already found where the literal is.
 */

/** A decoded literal: `undefined` value means the literal cannot be read statically (f-string placeholders...). */
export interface DecodedString {
    value?: string;
    isBytes: boolean;
}

const SIMPLE_ESCAPES: Record<string, string> = {
    '\\': '\\',
    "'": "'",
    '"': '"',
    a: '\x07',
    b: '\b',
    f: '\f',
    n: '\n',
    r: '\r',
    t: '\t',
    v: '\v',
};

function isOctal(c: string | undefined): boolean {
    return c !== undefined && c >= '0' && c <= '7';
}

function isHex(s: string): boolean {
    return s.length > 0 && /^[0-9a-fA-F]+$/.test(s);
}

/** Decodes backslash escapes as CPython does for non-raw literals; undefined when an escape cannot be read here. */
function unescape(body: string, isBytes: boolean): string | undefined {
    let out = '';
    for (let i = 0; i < body.length; i++) {
        const c = body[i];
        if (c !== '\\') {
            out += c;
            continue;
        }
        const n = body[i + 1];
        if (n === undefined) return undefined;
        if (n === '\n') {
            i += 1; // line continuation inside the literal
        } else if (SIMPLE_ESCAPES[n] !== undefined) {
            out += SIMPLE_ESCAPES[n];
            i += 1;
        } else if (isOctal(n)) {
            let j = i + 1;
            let digits = '';
            while (j < body.length && digits.length < 3 && isOctal(body[j])) digits += body[j++];
            out += String.fromCodePoint(parseInt(digits, 8));
            i = j - 1;
        } else if (n === 'x' || (!isBytes && (n === 'u' || n === 'U'))) {
            const len = n === 'x' ? 2 : n === 'u' ? 4 : 8;
            const hex = body.slice(i + 2, i + 2 + len);
            if (hex.length !== len || !isHex(hex)) return undefined;
            const code = parseInt(hex, 16);
            if (code > 0x10ffff) return undefined;
            out += String.fromCodePoint(code);
            i += 1 + len;
        } else if (n === 'N' && !isBytes) {
            return undefined; // \N{NAME} needs the Unicode name table
        } else {
            out += '\\' + n; // unknown escapes keep the backslash, as Python does
            i += 1;
        }
    }
    return out;
}

/** Decodes one string literal as written, e.g. `rb'\d'`, `"""doc"""`, `f"{{x}}"`. */
export function decodeStringLiteral(literal: string): DecodedString {
    let p = 0;
    while (p < literal.length && /[rRbBuUfFtT]/.test(literal[p] ?? '')) p++;
    const prefix = literal.slice(0, p).toLowerCase();
    const isBytes = prefix.includes('b');
    const rest = literal.slice(p);
    const quote = rest.startsWith('"""') || rest.startsWith("'''") ? rest.slice(0, 3) : rest.slice(0, 1);
    if (quote !== '"' && quote !== "'" && quote !== '"""' && quote !== "'''") return { isBytes };
    if (rest.length < quote.length * 2 || !rest.endsWith(quote)) return { isBytes };
    // Python reads CRLF in source as LF, also inside literals.
    let body = rest.slice(quote.length, rest.length - quote.length).replace(/\r\n?/g, '\n');
    if (prefix.includes('f') || prefix.includes('t')) {
        // Placeholders make it dynamic; escaped braces are plain text.
        const noBraces = body.replace(/\{\{|\}\}/g, '');
        if (noBraces.includes('{') || noBraces.includes('}')) return { isBytes };
        body = body.replace(/\{\{/g, '{').replace(/\}\}/g, '}');
        if (prefix.includes('t')) return { isBytes }; // template strings are not str
    }
    if (prefix.includes('r')) return { value: body, isBytes };
    const value = unescape(body, isBytes);
    return value === undefined ? { isBytes } : { value, isBytes };
}
