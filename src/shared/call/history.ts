/** Payload history: the last {@link HISTORY_LIMIT} payloads sent per function, newest first, without repeats. */

export const HISTORY_LIMIT = 20;

export interface HistoryEntry {
    /** The payload JSON text as sent. */
    payload: string;
    /** ISO time of the last send. */
    at: string;
}

/** All histories, by {@link historyKey}. */
export type HistoryMap = Record<string, HistoryEntry[]>;

/** The key of a function: its file, its deployment and its name. */
export function historyKey(file: string, deployment: string, fname: string): string {
    return `${file}\u0000${deployment}\u0000${fname}`;
}

/** Whitespace-insensitive identity of a payload, so a re-send of the same JSON moves it to the top. */
function canonical(payload: string): string {
    try {
        return JSON.stringify(JSON.parse(payload));
    } catch {
        return payload.trim();
    }
}

/** The list with `payload` first (an equal older entry removed), capped at the limit. */
export function pushHistory(list: readonly HistoryEntry[], payload: string, at: Date): HistoryEntry[] {
    const c = canonical(payload);
    const rest = list.filter((e) => canonical(e.payload) !== c);
    return [{ payload, at: at.toISOString() }, ...rest].slice(0, HISTORY_LIMIT);
}

/** A parsed history file; anything malformed is dropped rather than failing the call. */
export function parseHistory(text: string): HistoryMap {
    let v: unknown;
    try {
        v = JSON.parse(text);
    } catch {
        return {};
    }
    if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
    const out: HistoryMap = {};
    for (const [k, list] of Object.entries(v as Record<string, unknown>)) {
        if (!Array.isArray(list)) continue;
        out[k] = list
            .filter(
                (e): e is HistoryEntry =>
                    !!e && typeof e === 'object' && typeof e.payload === 'string' && typeof e.at === 'string',
            )
            .slice(0, HISTORY_LIMIT);
    }
    return out;
}
