/**
 * The SDK's `#!VAST_IGNORE_CHANGES` filter (`remote/utils.py::filter_ignored_lines`), applied to the deployment
 * file's bytes before hashing: a line whose first comment outside string literals is exactly `!VAST_IGNORE_CHANGES`
 * after `#` and stripping is dropped. Triple-quoted strings are tracked across lines. This mirrors the SDK's regex
 * tokenizer, quirks included (it is not Python's tokenizer: `'` inside a comment-free line, prefixes, etc.).
 *
 * Works on bytes like the SDK: each byte becomes one latin-1 char, so the regexes see exactly what Python's bytes
 * regexes see.
 */

const IGNORE_BODY = '!VAST_IGNORE_CHANGES';

// Same alternation order as the SDK: closed triple-quoted strings, unclosed triple quotes (groups 1/2), single-line
// strings, then a comment start (group 3). `[\s\S]` stands for Python's `.`, which matches anything but `\n`
// (lines never contain `\n`; JS's `.` would also refuse `\r`).
const TOKEN_RE =
    /"""(?:[^\\]|\\[\s\S])*?"""|'''(?:[^\\]|\\[\s\S])*?'''|(""")|(''')|"(?:[^"\\\n]|\\[\s\S])*"|'(?:[^'\\\n]|\\[\s\S])*'|(#)/g;
const CLOSE_RE: Record<string, RegExp> = {
    '"""': /(?:[^\\]|\\[\s\S])*?"""/y,
    "'''": /(?:[^\\]|\\[\s\S])*?'''/y,
};

/** Python `bytes.strip()`: ASCII whitespace only (space, \t, \n, \r, \v, \f). */
function pyBytesStrip(s: string): string {
    const ws = ' \t\n\r\x0b\x0c';
    let a = 0;
    let b = s.length;
    while (a < b && ws.includes(s[a] as string)) a++;
    while (b > a && ws.includes(s[b - 1] as string)) b--;
    return s.slice(a, b);
}

/** Scans one line; returns whether it carries the ignore comment and the multi-line string state after it. */
export function scanLine(line: string, inMultiline: string | null): { ignore: boolean; state: string | null } {
    let i = 0;
    if (inMultiline !== null) {
        const close = CLOSE_RE[inMultiline] as RegExp;
        close.lastIndex = 0;
        if (close.exec(line) === null) return { ignore: false, state: inMultiline };
        i = close.lastIndex;
    }
    TOKEN_RE.lastIndex = i;
    for (let m = TOKEN_RE.exec(line); m !== null; m = TOKEN_RE.exec(line)) {
        if (m[1]) return { ignore: false, state: '"""' };
        if (m[2]) return { ignore: false, state: "'''" };
        if (m[3]) return { ignore: pyBytesStrip(line.slice(m.index + 1)) === IGNORE_BODY, state: null };
        // An empty match cannot happen (every alternative consumes), so exec always advances.
    }
    return { ignore: false, state: null };
}

function latin1(bytes: Uint8Array, start: number, end: number): string {
    let s = '';
    for (let i = start; i < end; i += 8192) {
        s += String.fromCharCode(...bytes.subarray(i, Math.min(end, i + 8192)));
    }
    return s;
}

/** `filter_ignored_lines(data)`: the bytes with ignored lines removed (split on `\n`, re-joined with `\n`). */
export function filterIgnoredLines(data: Uint8Array): Uint8Array {
    const kept: [number, number][] = [];
    let state: string | null = null;
    let start = 0;
    let dropped = false;
    for (;;) {
        let end = data.indexOf(0x0a, start);
        const last = end === -1;
        if (last) end = data.length;
        const r = scanLine(latin1(data, start, end), state);
        state = r.state;
        if (r.ignore) dropped = true;
        else kept.push([start, end]);
        if (last) break;
        start = end + 1;
    }
    if (!dropped) return data;
    let size = Math.max(0, kept.length - 1);
    for (const [a, b] of kept) size += b - a;
    const out = new Uint8Array(size);
    let o = 0;
    kept.forEach(([a, b], k) => {
        if (k > 0) out[o++] = 0x0a;
        out.set(data.subarray(a, b), o);
        o += b - a;
    });
    return out;
}
