/**
 * A `.env` file as Deploy reads it (the `vastDeployments.envFile` setting): `KEY=VALUE` lines, an optional `export `
 * prefix, `#` comments, single quotes (literal) and double quotes (`\n`, `\t`, `\r`, `\"`, `\\`, `\$` escapes), both
 * of which may span lines. Nothing is expanded (`${VAR}` stays as written) and nothing is executed. A line that is
 * none of these is a problem with its line number: Deploy refuses rather than guess what the file meant.
 */

/** Larger than any real .env file; a bigger one is refused before it is read. */
export const MAX_ENV_FILE_BYTES = 256 * 1024;

export interface EnvFileProblem {
    /** 1-based. */
    line: number;
    message: string;
}

export interface ParsedEnvFile {
    /** In file order; a name given twice keeps its last value (as dotenv does). */
    vars: Record<string, string>;
    problems: EnvFileProblem[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.]*$/;
const DOUBLE_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\', $: '$' };

export function parseEnvFile(text: string): ParsedEnvFile {
    const src = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
    const vars: Record<string, string> = Object.create(null) as Record<string, string>;
    const problems: EnvFileProblem[] = [];
    let pos = 0;
    let line = 1;
    while (pos < src.length) {
        const eol = src.indexOf('\n', pos);
        const end = eol === -1 ? src.length : eol;
        const startLine = line;
        const raw = src.slice(pos, end);
        const trimmed = raw.trim();
        if (trimmed === '' || trimmed.startsWith('#')) {
            pos = end + 1;
            line++;
            continue;
        }
        const m = /^\s*(?:export\s+)?([^=\s]+)\s*=[ \t]*/.exec(raw);
        if (!m || !NAME.test(m[1]!)) {
            const what = m ? `"${m[1]}" is not a variable name` : 'expected KEY=VALUE';
            problems.push({ line: startLine, message: what });
            pos = end + 1;
            line++;
            continue;
        }
        const name = m[1]!;
        const valueStart = pos + m[0].length;
        const quote = src[valueStart];
        if (quote === '"' || quote === "'") {
            const closed = readQuoted(src, valueStart, quote);
            if (!closed) {
                problems.push({ line: startLine, message: `the quoted value of ${name} is never closed` });
                // Nothing after an unclosed quote can be read reliably.
                break;
            }
            const lineEnd = src.indexOf('\n', closed.end);
            const restEnd = lineEnd === -1 ? src.length : lineEnd;
            const rest = src.slice(closed.end, restEnd).trim();
            const spanned = countNewlines(src, pos, closed.end);
            if (rest !== '' && !rest.startsWith('#')) {
                problems.push({
                    line: startLine + spanned,
                    message: `unexpected text after the quoted value of ${name}`,
                });
            } else {
                vars[name] = closed.value;
            }
            line += spanned + 1;
            pos = restEnd + 1;
            continue;
        }
        // Unquoted: up to the end of the line, less a ` # comment`, trimmed.
        const value = src
            .slice(valueStart, end)
            .replace(/(^|\s)#.*$/, '')
            .trim();
        vars[name] = value;
        pos = end + 1;
        line++;
    }
    return { vars: { ...vars }, problems };
}

function readQuoted(src: string, start: number, quote: string): { value: string; end: number } | undefined {
    let value = '';
    for (let i = start + 1; i < src.length; i++) {
        const c = src[i]!;
        if (c === quote) return { value, end: i + 1 };
        if (quote === '"' && c === '\\' && i + 1 < src.length) {
            const next = src[i + 1]!;
            const mapped = DOUBLE_ESCAPES[next];
            value += mapped ?? `\\${next}`;
            i++;
            continue;
        }
        value += c;
    }
    return undefined;
}

function countNewlines(src: string, from: number, to: number): number {
    let n = 0;
    for (let i = src.indexOf('\n', from); i !== -1 && i < to; i = src.indexOf('\n', i + 1)) n++;
    return n;
}
