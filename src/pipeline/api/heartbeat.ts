/** The `ttl` keep-alive (reference §1.1 step 6): first beat now, then every `min(ttl/2, 60)` s until stopped. */
import type { VastClient } from './client';

export interface Heartbeat {
    stop(): void;
    /** Number of beats sent successfully. */
    readonly beats: number;
}

/** Starts heartbeats for a deployment with a `ttl`. Failures go to `onError` and do not stop the loop. */
export function startHeartbeat(
    client: VastClient,
    deploymentId: number,
    ttlSeconds: number,
    opts: { signal?: AbortSignal; onError?: (e: unknown) => void } = {},
): Heartbeat {
    const intervalMs = Math.max(1, Math.min(ttlSeconds / 2, 60)) * 1000;
    const ctrl = new AbortController();
    let beats = 0;
    const beat = () => {
        client.heartbeat(deploymentId, { signal: ctrl.signal }).then(
            () => beats++,
            (e) => {
                if (!ctrl.signal.aborted) opts.onError?.(e);
            },
        );
    };
    beat();
    const timer = setInterval(beat, intervalMs);
    // A CLI process should exit when its work is done, not linger for the keep-alive.
    timer.unref();
    const stop = () => {
        clearInterval(timer);
        ctrl.abort();
    };
    opts.signal?.addEventListener('abort', stop, { once: true });
    return {
        stop,
        get beats() {
            return beats;
        },
    };
}
