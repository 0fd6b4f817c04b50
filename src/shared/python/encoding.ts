/**
 * Decoding a .py file as Python does (PEP 263): a UTF-8 BOM, or a `coding` cookie on line 1 or 2, else strict UTF-8.
 * The editor reads UTF-8, Latin-1 and ASCII sources exactly; any other declared encoding is refused with a message
 * rather than decoded approximately (the WHATWG decoders differ from Python's codecs for such names, e.g. `latin-1`
 * is windows-1252 there).
 */

export type Decoded = { ok: true; text: string; encoding: string } | { ok: false; error: string };

const COOKIE = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/;

/** Python's `_get_normal_name` plus the aliases of the codecs this reader supports. */
function normalName(name: string): string | undefined {
    const n = name.toLowerCase().replace(/_/g, '-');
    if (n === 'utf-8' || n.startsWith('utf-8-') || n === 'utf8') return 'utf-8';
    const latin = ['latin-1', 'iso-8859-1', 'iso-latin-1', 'latin1', 'l1', 'iso8859-1', '8859', 'cp819', 'latin'];
    if (latin.includes(n) || /^(latin-1|iso-8859-1|iso-latin-1)-/.test(n)) return 'latin-1';
    if (['ascii', 'us-ascii', '646', 'us'].includes(n)) return 'ascii';
    return undefined;
}

function lineEnd(bytes: Uint8Array, from: number): number {
    const i = bytes.indexOf(0x0a, from);
    return i < 0 ? bytes.length : i + 1;
}

function asciiLine(bytes: Uint8Array, start: number, end: number): string {
    let s = '';
    for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i] as number);
    return s;
}

/** The declared encoding on line 1 or 2 (line 2 counts only when line 1 is a comment or blank). */
function cookie(bytes: Uint8Array, start: number): string | undefined {
    const end1 = lineEnd(bytes, start);
    const line1 = asciiLine(bytes, start, end1);
    const m1 = COOKIE.exec(line1);
    if (m1) return m1[1];
    if (!/^[ \t\f]*(#.*)?\r?\n?$/.test(line1)) return undefined;
    const line2 = asciiLine(bytes, end1, lineEnd(bytes, end1));
    return COOKIE.exec(line2)?.[1];
}

/** Decodes Python source bytes; `error` reads like the SyntaxError Python raises, plus what to do. */
export function decodePythonSource(bytes: Uint8Array): Decoded {
    const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
    const start = bom ? 3 : 0;
    const declared = cookie(bytes, start);
    const name = declared === undefined ? 'utf-8' : normalName(declared);
    if (declared !== undefined && bom && name !== 'utf-8') {
        return { ok: false, error: `encoding problem: ${declared} with BOM` };
    }
    if (name === undefined) {
        return {
            ok: false,
            error:
                `the file declares the encoding "${declared}", which the editor does not decode exactly; ` +
                'save it as UTF-8 (and drop the coding line) to deploy from here',
        };
    }
    const body = bytes.subarray(start);
    if (name === 'latin-1') {
        let text = '';
        for (let i = 0; i < body.length; i += 8192) {
            text += String.fromCharCode(...body.subarray(i, i + 8192));
        }
        return { ok: true, text, encoding: name };
    }
    if (name === 'ascii') {
        const bad = body.findIndex((b) => b > 0x7f);
        if (bad >= 0) {
            return {
                ok: false,
                error: `'ascii' codec can't decode byte 0x${(body[bad] as number).toString(16)} in position ${bad}`,
            };
        }
    }
    try {
        return {
            ok: true,
            text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body),
            encoding: name,
        };
    } catch {
        return {
            ok: false,
            error:
                declared === undefined
                    ? 'the file is not valid UTF-8 and declares no encoding (Python raises SyntaxError); save it as ' +
                      'UTF-8 or add a coding line such as "# -*- coding: latin-1 -*-"'
                    : `the file is not valid ${declared}`,
        };
    }
}
