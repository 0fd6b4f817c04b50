/**
 * Words for what the service reports: worker states, query terms with their units, uptimes. vscode-free and pure
 * (test/unit/extension/words.test.ts), so raw enums (`IDLE`, `ERROR`) and raw query strings never reach the user.
 */

export { workerStateWords } from '../../shared/workerStates';

/** Terms the SDK adds to every query unless the code sets them: shown as defaults, not as the user's. */
export const SDK_DEFAULT_TERMS = new Set(['verified=true', 'rentable=true', 'rented=false']);

/** Columns the query prints in GB that the code writes in MB (reference §5: divided by 1000). */
const MB_COLUMNS = new Set(['cpu_ram', 'gpu_ram', 'gpu_total_ram']);
const OPS: [string, string][] = [
    ['>=', '≥'],
    ['<=', '≤'],
    ['!=', '≠'],
    ['>', '>'],
    ['<', '<'],
    ['=', '='],
];

/** One query term as a person reads it: "gpu_ram ≥ 12 GB (12000 MB)", "gpu_name in RTX 4090, RTX 5090". */
export function termWords(term: string): string {
    const inMatch = /^(\w+) (in|notin) (.+)$/.exec(term);
    if (inMatch) {
        const values = inMatch[3]!.split(',').map((v) => v.replace(/_/g, ' '));
        return `${inMatch[1]} ${inMatch[2] === 'in' ? 'in' : 'not in'} ${values.join(', ')}`;
    }
    for (const [op, sym] of OPS) {
        const at = term.indexOf(op);
        if (at <= 0) continue;
        const col = term.slice(0, at);
        const value = term.slice(at + op.length);
        if (MB_COLUMNS.has(col) && /^-?\d+(\.\d+)?$/.test(value)) {
            const mb = Math.round(Number(value) * 1000);
            return `${col} ${sym} ${value} GB (${mb} MB)`;
        }
        return `${col} ${sym} ${value.replace(/_/g, ' ')}`;
    }
    return term;
}

/** "3 min", "2 h 5 min", from a start time in seconds since the epoch. */
export function uptimeWords(startedAtSec: number | undefined, nowMs = Date.now()): string | undefined {
    if (startedAtSec === undefined || !Number.isFinite(startedAtSec) || startedAtSec <= 0) return undefined;
    const s = Math.max(0, Math.round(nowMs / 1000 - startedAtSec));
    if (s < 60) return `${s} s`;
    const m = Math.floor(s / 60);
    if (m < 60) return `${m} min`;
    const h = Math.floor(m / 60);
    if (h < 48) return `${h} h ${m % 60} min`;
    return `${Math.floor(h / 24)} days`;
}

/** The SDK's placeholder tag: the service picks the image version. */
const AUTOMATIC_TAG = '@vastai-automatic-tag';

/**
 * An image reference short enough for a tree row: the last path segment with its tag, the SDK's automatic tag left
 * out ("vastai/base-image:@vastai-automatic-tag" → "base-image"; `automatic` says so). The tooltip has the full one.
 */
export function shortImageRef(ref: string): { name: string; automatic: boolean } {
    // A tag never holds a slash, so the last segment is the name with its tag (a registry port comes before it).
    const tail = ref.slice(ref.lastIndexOf('/') + 1);
    const automatic = tail.endsWith(`:${AUTOMATIC_TAG}`);
    return { name: automatic ? tail.slice(0, -AUTOMATIC_TAG.length - 1) : tail, automatic };
}

/** A function's row label: the signature, its parameter list shortened with "…" past `max` characters. */
export function signatureLabel(name: string, params: readonly string[], max = 24): string {
    const full = `${name}(${params.join(', ')})`;
    if (full.length <= max) return full;
    const kept: string[] = [];
    for (const p of params) {
        if (`${name}(${[...kept, p].join(', ')}, …)`.length > max) break;
        kept.push(p);
    }
    return `${name}(${[...kept, '…'].join(', ')})`;
}

/** A query term for a tree row: like termWords, a long value list cut to its first two ("+3 more"). */
export function shortTermWords(term: string): string {
    const m = /^(\w+) (in|notin) (.+)$/.exec(term);
    const values = m?.[3]?.split(',') ?? [];
    if (!m || values.length <= 2) return termWords(term);
    return `${termWords(`${m[1]} ${m[2]} ${values.slice(0, 2).join(',')}`)} +${values.length - 2} more`;
}
