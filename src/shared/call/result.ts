/** How a call's result and a remote exception are shown: formatted JSON (bytes as their size), tracebacks from logs. */

/** Human size of a byte count: `512 B`, `1.5 KB`, `3.2 MB`. */
export function formatSize(n: number): string {
    if (n < 1024) return `${n} B`;
    const units = ['KB', 'MB', 'GB'];
    let v = n / 1024;
    let i = 0;
    while (v >= 1024 && i < units.length - 1) {
        v /= 1024;
        i++;
    }
    return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** A deserialized result as pretty JSON; bytes show as `"<bytes: 1.5 KB>"` wherever they are. */
export function formatResult(value: unknown): string {
    const text = JSON.stringify(
        value,
        (_k, v: unknown) => (v instanceof Uint8Array ? `<bytes: ${formatSize(v.length)}>` : v),
        2,
    );
    return text ?? 'None';
}

/** A frame of a Python traceback. */
export interface TraceFrame {
    file: string;
    line: number;
    fn: string;
}

/** The traceback of a raised exception, found in worker log lines. */
export interface FoundTraceback {
    /** The final line, `ValueError: bad input`. */
    summary: string;
    /** The exception's message (after `Class: `), empty when it has none. */
    message: string;
    frames: TraceFrame[];
    /** The block's lines as logged, from `Traceback (most recent call last):` to the summary. */
    lines: string[];
    /** Index of the block's first line in the lines searched (to scroll a log view there). */
    startIndex: number;
}

const FRAME = /^\s*File "([^"]+)", line (\d+), in (.+)$/;
const EXC_LINE = /^([A-Za-z_][\w.]*)(?::\s?(.*))?$/;

/** Strips whatever a log prefixes to each line (time, worker id) before the traceback's own text. */
function unprefix(line: string, anchor: RegExp): string | undefined {
    const m = anchor.exec(line);
    return m ? line.slice(m.index) : undefined;
}

/**
 * The last traceback in `lines` that ends in `exceptionClass` (`ValueError`, or `mod.MyError`: the last dotted part
 * is enough). Undefined when the log holds none.
 */
export function findTraceback(lines: readonly string[], exceptionClass: string): FoundTraceback | undefined {
    const short = exceptionClass.split('.').pop()!;
    for (let i = lines.length - 1; i >= 0; i--) {
        if (!lines[i]!.includes('Traceback (most recent call last):')) continue;
        const frames: TraceFrame[] = [];
        const prefixLen = lines[i]!.indexOf('Traceback');
        for (let j = i + 1; j < lines.length && j < i + 400; j++) {
            const raw = lines[j]!;
            const f = unprefix(raw, /File "/);
            const fm = f ? FRAME.exec(`  ${f}`) : null;
            if (fm) {
                frames.push({ file: fm[1]!, line: Number(fm[2]), fn: fm[3]!.trim() });
                continue;
            }
            const text = raw.length > prefixLen && /^\S/.test(raw.slice(prefixLen)) ? raw.slice(prefixLen) : raw.trim();
            const em = EXC_LINE.exec(text);
            if (em && /^\S/.test(text) && !text.startsWith('During handling') && !text.startsWith('The above')) {
                const cls = em[1]!;
                if (cls === exceptionClass || cls.split('.').pop() === short) {
                    return {
                        summary: text,
                        message: em[2] ?? '',
                        frames,
                        lines: lines.slice(i, j + 1),
                        startIndex: i,
                    };
                }
                break;
            }
        }
    }
    return undefined;
}

/**
 * The frame to link to: the deepest one in a file of the deployment (`isUserFile`), else the deepest frame that is
 * not in the standard library or the SDK.
 */
export function userFrame(tb: FoundTraceback, isUserFile: (file: string) => boolean): TraceFrame | undefined {
    const frames = [...tb.frames].reverse();
    return (
        frames.find((f) => isUserFile(f.file)) ??
        frames.find((f) => !/[/\\](lib[/\\]python[\d.]*|site-packages|vastai|vast_emulator)[/\\]/.test(f.file))
    );
}
