/**
 * What the SDK sent versus what `package --json` would send, as ../shared/compat/README.md defines "equal": the
 * PUT body (numbers by value, `-p` tokens of env as a set), config.json byte for byte, and the tar entries by name
 * (mode, uid, gid, uname, gname, size, content hash, type, link target; entry order may differ).
 */

/** `[name, mode, uid, gid, uname, gname, size, sha256, type, linkname]`, as sdk.py capture writes them. */
export type TarEntry = [string, string, number, number, string, string, number, string, string, string];

export interface SdkCapture {
    /** The PUT body with numbers kept exact (parseExactJson). */
    put: Record<string, unknown> | null;
    tar: TarEntry[];
    config: string | null;
    error: string | null;
    deployments: unknown[];
}

export interface OurRun {
    /** Exit code of `package --json`. */
    code: number;
    /** The PUT body printed on success (numbers kept exact, see parseExactJson). */
    put?: Record<string, unknown>;
    /** The archive built, read with Python's tarfile. */
    tar?: TarEntry[];
    config?: string | null;
    /** Size of the archive on disk (file_size must equal it). */
    archiveSize?: number;
    /** The one-line reason on refusal (last line of stderr). */
    reason?: string;
}

export type OutcomeClass = 'match' | 'both-refuse' | 'we-refuse' | 'mismatch';

export interface Difference {
    /** Stable kind, used to keep a mismatch the same while shrinking: `put.env`, `tar.type`, `we-accept`... */
    kind: string;
    detail: string;
}

export interface Outcome {
    cls: OutcomeClass;
    /** Our refusal reason (we-refuse, both-refuse) or the SDK's error. */
    reason?: string;
    sdkError?: string;
    diffs: Difference[];
}

/** Numbers keep their exact digits: `{ $n: canonical }`, so 30 == 30.0 == 3e1 but 10**23 != 1e23 rounded. */
interface ExactNumber {
    $n: string;
}

function canonicalNumber(tok: string): string {
    const m = /^(-?)(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(tok);
    if (!m) return tok; // NaN, Infinity, -Infinity
    const frac = m[3] ?? '';
    let digits = ((m[2] ?? '') + frac).replace(/^0+/, '');
    let exp = Number(m[4] ?? 0) - frac.length;
    if (digits === '') return '0';
    while (digits.endsWith('0')) {
        digits = digits.slice(0, -1);
        exp++;
    }
    return `${m[1]}${digits}e${exp}`;
}

/** JSON.parse, with every number (and Python's NaN/Infinity) wrapped as `{ $n }` so no digit is lost. */
export function parseExactJson(text: string): unknown {
    let out = '';
    let i = 0;
    while (i < text.length) {
        const ch = text[i] as string;
        if (ch === '"') {
            let j = i + 1;
            while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
            out += text.slice(i, j + 1);
            i = j + 1;
        } else if (/[-\d]/.test(ch) || text.startsWith('NaN', i) || text.startsWith('Infinity', i)) {
            const m = /^-?(?:Infinity|NaN|\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)/.exec(
                text.slice(i, i + 400),
            ) as RegExpExecArray;
            out += JSON.stringify({ $n: canonicalNumber(m[0]) });
            i += m[0].length;
        } else {
            out += ch;
            i++;
        }
    }
    return JSON.parse(out);
}

function show(v: unknown): string {
    return JSON.stringify(v, (_k, x: unknown) =>
        x !== null && typeof x === 'object' && '$n' in (x as object) ? (x as ExactNumber).$n : x,
    );
}

/** `-p` tokens as a sorted set (the SDK takes them from a Python set), every other token in order. */
export function envParts(env: string): { ports: string[]; rest: string[] } {
    const t = env.split(' ');
    const ports: string[] = [];
    const rest: string[] = [];
    for (let i = 0; i < t.length; i++) {
        if (t[i] === '-p') ports.push(t[++i] as string);
        else rest.push(t[i] as string);
    }
    return { ports: ports.sort(), rest };
}

function comparePut(sdk: Record<string, unknown>, ours: Record<string, unknown>, archiveSize: number): Difference[] {
    const diffs: Difference[] = [];
    const keys = new Set([...Object.keys(sdk), ...Object.keys(ours)]);
    for (const k of [...keys].sort()) {
        if (k === 'file_size') continue;
        const a = sdk[k];
        const b = ours[k];
        if (k === 'env' && typeof a === 'string' && typeof b === 'string') {
            if (show(envParts(a)) !== show(envParts(b))) {
                diffs.push({ kind: 'put.env', detail: `SDK ${a} | ours ${b}` });
            }
        } else if (show(a) !== show(b)) {
            diffs.push({ kind: `put.${k}`, detail: `SDK ${show(a)} | ours ${show(b)}` });
        }
    }
    const size = ours.file_size as ExactNumber | undefined;
    if (!size || size.$n !== canonicalNumber(String(archiveSize))) {
        diffs.push({
            kind: 'put.file_size',
            detail: `file_size ${show(size)} but the archive has ${archiveSize} bytes`,
        });
    }
    return diffs;
}

const FIELDS = ['name', 'mode', 'uid', 'gid', 'uname', 'gname', 'size', 'sha256', 'type', 'linkname'];

function compareTar(sdk: TarEntry[], ours: TarEntry[]): Difference[] {
    const diffs: Difference[] = [];
    const byName = (es: TarEntry[]) => {
        const m = new Map<string, TarEntry[]>();
        for (const e of es) m.set(e[0], [...(m.get(e[0]) ?? []), e]);
        return m;
    };
    const a = byName(sdk);
    const b = byName(ours);
    for (const name of new Set([...a.keys(), ...b.keys()])) {
        const ea = a.get(name) ?? [];
        const eb = b.get(name) ?? [];
        if (eb.length === 0) {
            diffs.push({ kind: 'tar.missing', detail: `only the SDK has ${show(ea[0])}` });
            continue;
        }
        if (ea.length === 0) {
            diffs.push({ kind: 'tar.extra', detail: `only we have ${show(eb[0])}` });
            continue;
        }
        if (ea.length !== eb.length) {
            diffs.push({
                kind: 'tar.count',
                detail: `${JSON.stringify(name)}: SDK ${ea.length} entries, ours ${eb.length}`,
            });
        }
        for (let i = 0; i < Math.min(ea.length, eb.length); i++) {
            const x = ea[i] as TarEntry;
            const y = eb[i] as TarEntry;
            for (let f = 1; f < FIELDS.length; f++) {
                if (x[f] !== y[f]) {
                    diffs.push({
                        kind: `tar.${FIELDS[f]}`,
                        detail: `${JSON.stringify(name)}: SDK ${show(x[f])} | ours ${show(y[f])}`,
                    });
                }
            }
        }
    }
    return diffs;
}

/** Classifies one file: match, both refuse, we refuse (allowed), or mismatch (different bytes, or we accept). */
export function classify(sdk: SdkCapture, ours: OurRun): Outcome {
    const sdkRefuses = sdk.error !== null;
    if (ours.code !== 0) {
        if (sdkRefuses) return { cls: 'both-refuse', reason: ours.reason, sdkError: sdk.error ?? undefined, diffs: [] };
        if (sdk.put === null) {
            return { cls: 'both-refuse', reason: ours.reason, sdkError: 'the SDK sent nothing', diffs: [] };
        }
        return { cls: 'we-refuse', reason: ours.reason, diffs: [] };
    }
    if (sdkRefuses) {
        return {
            cls: 'mismatch',
            sdkError: sdk.error ?? '',
            diffs: [{ kind: 'we-accept', detail: `the SDK refuses: ${sdk.error}` }],
        };
    }
    if (sdk.put === null) {
        return { cls: 'mismatch', diffs: [{ kind: 'we-accept-no-put', detail: 'the SDK sent nothing (no PUT)' }] };
    }
    if (sdk.deployments.length > 1) {
        return {
            cls: 'mismatch',
            diffs: [{ kind: 'several-puts', detail: `the SDK sent ${sdk.deployments.length} PUTs` }],
        };
    }
    const diffs = [
        ...comparePut(sdk.put, ours.put ?? {}, ours.archiveSize ?? -1),
        ...(sdk.config !== (ours.config ?? null)
            ? [{ kind: 'config.json', detail: `SDK ${sdk.config} | ours ${ours.config}` }]
            : []),
        ...compareTar(sdk.tar, ours.tar ?? []),
    ];
    return diffs.length === 0 ? { cls: 'match', diffs } : { cls: 'mismatch', diffs };
}
