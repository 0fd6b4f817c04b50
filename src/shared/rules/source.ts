/**
 * Python's own rules for a source file's bytes: no NUL byte, and UTF-8 unless a coding cookie on line 1 or 2 names
 * another encoding. The worker imports deployment.py, so a file breaking them is a SyntaxError there: the editor
 * flags it (`invalid-source`) and packaging refuses it. Pure: the caller reads the bytes.
 */
import type { Position } from '../model';
import { problem } from './problems';
import type { Problem, SourceBytesProblem } from './types';

export type { SourceBytesProblem } from './types';

const COOKIE = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/;
const UTF8_NAMES = new Set(['utf-8', 'utf8', 'utf_8', 'utf-8-sig', 'utf8-sig', 'utf_8_sig']);

/** The encoding a coding cookie declares on line 1 or 2 (Python's PEP 263 rule), lower-cased. */
function declaredEncoding(bytes: Uint8Array): string | undefined {
    let start = 0;
    for (let line = 0; line < 2 && start < bytes.length; line++) {
        let end = start;
        while (end < bytes.length && bytes[end] !== 10 && bytes[end] !== 13) end++;
        const text = Buffer.from(bytes.subarray(start, end)).toString('latin1');
        const m = COOKIE.exec(text);
        if (m) return (m[1] as string).toLowerCase();
        // A cookie on line 2 counts only when line 1 is a comment or blank.
        if (!/^[ \t\f]*(#.*)?$/.test(text)) return undefined;
        start = end + (bytes[end] === 13 && bytes[end + 1] === 10 ? 2 : 1);
    }
    return undefined;
}

/** The index of the first byte that is not part of a valid UTF-8 sequence, or -1. */
function firstInvalidUtf8(b: Uint8Array): number {
    for (let i = 0; i < b.length;) {
        const c = b[i] as number;
        if (c < 0x80) {
            i++;
            continue;
        }
        let n: number;
        let min: number;
        if (c >= 0xc2 && c <= 0xdf) [n, min] = [1, 0x80];
        else if (c >= 0xe0 && c <= 0xef) [n, min] = [2, 0x800];
        else if (c >= 0xf0 && c <= 0xf4) [n, min] = [3, 0x10000];
        else return i;
        let cp = c & (0x3f >> n);
        for (let k = 1; k <= n; k++) {
            const d = b[i + k];
            if (d === undefined || (d & 0xc0) !== 0x80) return i;
            cp = (cp << 6) | (d & 0x3f);
        }
        // Overlong forms, surrogates and code points past U+10FFFF are invalid too.
        if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return i;
        i += n + 1;
    }
    return -1;
}

/** The LSP position (lines broken at `\n`, `\r\n` or a lone `\r`) of byte `offset`. */
function positionOfByte(bytes: Uint8Array, offset: number): Position {
    let line = 0;
    let lineStart = 0;
    for (let i = 0; i < offset; i++) {
        const c = bytes[i];
        if (c === 10 || (c === 13 && bytes[i + 1] !== 10)) {
            line++;
            lineStart = i + 1;
        }
    }
    const character = new TextDecoder('utf-8').decode(bytes.subarray(lineStart, offset)).length;
    return { line, character };
}

/** Why Python would refuse these source bytes, or undefined when it would read them. */
export function sourceBytesProblem(bytes: Uint8Array): SourceBytesProblem | undefined {
    const nul = bytes.indexOf(0);
    if (nul >= 0) {
        return {
            message: 'This file contains a NUL byte: Python refuses it ("source code cannot contain null bytes").',
            position: positionOfByte(bytes, nul),
        };
    }
    const declared = declaredEncoding(bytes);
    if (declared !== undefined && !UTF8_NAMES.has(declared)) return undefined;
    const bad = firstInvalidUtf8(bytes);
    if (bad < 0) return undefined;
    return {
        message:
            `This file is not valid UTF-8 (byte 0x${(bytes[bad] as number).toString(16).padStart(2, '0')}) and ` +
            'declares no other encoding: Python refuses it with a SyntaxError.',
        position: positionOfByte(bytes, bad),
    };
}

/** The `invalid-source` problem for a file's text as the editor holds it (a NUL character). */
export function sourceTextProblem(text: string): SourceBytesProblem | undefined {
    const nul = text.indexOf('\0');
    if (nul < 0) return undefined;
    return sourceBytesProblem(Buffer.from(text.slice(0, nul + 1), 'utf8'));
}

/** The problem to report for `found`. */
export function invalidSourceProblem(found: SourceBytesProblem): Problem {
    const end = { line: found.position.line, character: found.position.character + 1 };
    return problem('invalid-source', found.message, { start: found.position, end });
}
