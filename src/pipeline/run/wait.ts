/** Waiting for a deployment's first ready worker, with a status line per poll. */
import type { VastClient } from '../api/client';
import { ApiError, CancelledError } from '../api/errors';
import { isReadyWorkerStatus, type WorkerRecord } from '../api/types';

export interface WaitOptions {
    signal?: AbortSignal;
    /** Default 15 minutes (image pulls are slow). */
    timeoutMs?: number;
    /** First poll interval; backs off ×1.5 up to 4× while nothing changes. Default 5 s. */
    pollMs?: number;
    onStatus?: (text: string, workers: WorkerRecord[]) => void;
}

/** "3 workers: 1 IDLE, 2 LOADING" (or "no workers yet"). */
export function describeWorkers(workers: WorkerRecord[]): string {
    if (workers.length === 0) return 'no workers yet';
    const counts = new Map<string, number>();
    for (const w of workers) counts.set(w.status, (counts.get(w.status) ?? 0) + 1);
    const parts = [...counts]
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
        .map(([s, n]) => `${n} ${s}`);
    return `${workers.length} worker${workers.length === 1 ? '' : 's'}: ${parts.join(', ')}`;
}

/** Polls `/get_endpoint_workers/` until one worker is ready. Resolves with the workers; rejects on timeout. */
export async function waitForReady(
    client: VastClient,
    endpointId: number,
    opts: WaitOptions = {},
): Promise<WorkerRecord[]> {
    const timeoutMs = opts.timeoutMs ?? 15 * 60_000;
    const base = opts.pollMs ?? 5000;
    const started = Date.now();
    let interval = base;
    let last = '';
    // Slept time counts too, so an injected instant sleep (tests) still reaches the timeout.
    let slept = 0;
    const elapsed = () => Math.max(Date.now() - started, slept);
    for (;;) {
        const workers = await client.getEndpointWorkers(endpointId, { signal: opts.signal });
        const text = describeWorkers(workers);
        opts.onStatus?.(`Waiting for a ready worker: ${text}`, workers);
        if (workers.some((w) => isReadyWorkerStatus(w.status))) return workers;
        interval = text === last ? Math.min(interval * 1.5, base * 4) : base;
        last = text;
        if (elapsed() + interval > timeoutMs) {
            throw new ApiError({
                kind: 'timeout',
                what: 'wait for a ready worker',
                serverMessage: `no worker ready after ${Math.round(elapsed() / 1000)}s (${text})`,
            });
        }
        try {
            await client.transport.sleep(interval, opts.signal);
            slept += interval;
        } catch {
            throw new CancelledError('wait for a ready worker');
        }
    }
}
