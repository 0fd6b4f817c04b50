/** Turning worker log answers into lines, and finding what is new since the last poll. Pure; used by the pipeline, CLI and editor. */

/** Lines from whatever the logs endpoint answered: a string, a list of strings or records, or `{logs: ...}`. */
export function logLines(answer: unknown): string[] {
    if (answer === null || answer === undefined) return [];
    if (typeof answer === 'string') return answer.split(/\r?\n/).filter((l, i, a) => l !== '' || i < a.length - 1);
    if (Array.isArray(answer)) return answer.flatMap((x) => (typeof x === 'string' ? logLines(x) : [recordLine(x)]));
    if (typeof answer === 'object') {
        const o = answer as Record<string, unknown>;
        for (const k of ['logs', 'lines', 'result', 'results', 'msg']) if (k in o) return logLines(o[k]);
        return [JSON.stringify(answer)];
    }
    return [String(answer)];
}

function recordLine(x: unknown): string {
    if (!x || typeof x !== 'object') return String(x);
    const o = x as Record<string, unknown>;
    const text = o.message ?? o.msg ?? o.line ?? o.log ?? o.text;
    const prefix = [o.time ?? o.timestamp, o.worker_id ?? o.worker].filter((v) => v !== undefined).join(' ');
    return typeof text === 'string' ? (prefix ? `${prefix} ${text}` : text) : JSON.stringify(x);
}

/**
 * The lines of `next` not already shown, given the (tail of the) lines shown so far. Works with tailed answers:
 * finds where the old tail ends inside the new batch; if it cannot be found (rotated logs), everything is new.
 * Identical lines make this a best guess; it never drops a line that was not shown before the window slid.
 */
export function newLines(seen: readonly string[], next: readonly string[]): string[] {
    if (seen.length === 0) return [...next];
    const last = seen[seen.length - 1];
    const check = Math.min(20, seen.length);
    // The earliest position where the shown tail ends: a tailed answer is a sliding window over the same log, so the
    // old lines come first and anything after them is new (even lines equal to old ones). First with the whole tail
    // (up to 20 lines) inside the window, then, if the window slid past part of it, with what is left.
    for (const full of [true, false]) {
        for (let j = full ? check - 1 : 0; j < next.length; j++) {
            if (next[j] !== last) continue;
            let ok = true;
            for (let i = 1; i < check && ok && j - i >= 0; i++) ok = next[j - i] === seen[seen.length - 1 - i];
            if (ok) return next.slice(j + 1);
        }
    }
    return [...next];
}
