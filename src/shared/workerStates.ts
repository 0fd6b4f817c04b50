/**
 * Worker states in words: the service reports enums (`IDLE`, `MODEL_LOADING`, `ERROR`), which never reach the user
 * raw, in the editor or in the CLI's progress lines.
 */

const WORKER_STATES: Record<string, string> = {
    idle: 'ready, idle',
    ready: 'ready',
    running: 'ready, serving',
    active: 'ready, serving',
    creating: 'being created',
    created: 'created',
    pending: 'waiting for a machine',
    starting: 'starting',
    loading: 'loading',
    model_loading: 'loading the model',
    rebooting: 'rebooting',
    updating: 'updating its code',
    stopped: 'stopped',
    stopping: 'stopping',
    inactive: 'inactive',
    destroying: 'being deleted',
    error: 'failed',
    unknown: 'state unknown',
};

/** A worker's state in words ("IDLE" → "ready, idle"). */
export function workerStateWords(status: string): string {
    const s = status.trim().toLowerCase();
    return WORKER_STATES[s] ?? s.replace(/_/g, ' ');
}

/** "1 worker loading", "3 workers: 2 loading; 1 ready, idle" (or "no workers yet"). */
export function describeWorkers(workers: readonly { status: string }[]): string {
    if (workers.length === 0) return 'no workers yet';
    const counts = new Map<string, number>();
    for (const w of workers) {
        const words = workerStateWords(w.status ?? 'unknown');
        counts.set(words, (counts.get(words) ?? 0) + 1);
    }
    const total = `${workers.length} worker${workers.length === 1 ? '' : 's'}`;
    if (counts.size === 1) return `${total} ${[...counts.keys()][0]}`;
    const parts = [...counts]
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
        .map(([s, n]) => `${n} ${s}`);
    return `${total}: ${parts.join('; ')}`;
}
