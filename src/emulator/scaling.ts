/**
 * The emulator's autoscaling rule (inferred: Vast's autoscaler is not public). From the deployment's fields:
 * - `cold_workers` workers are kept (emulator default 1, since the service default for deployments is unknown);
 * - `min_load` (docs default 1) > 0 keeps at least one worker; load above it / measured perf (with `target_util`)
 *   asks for more, up to `max_workers`;
 * - any `/route/` call wakes an endpoint with no worker;
 * - with `cold_workers: 0` and `min_load: 0`, workers go away after `inactivity_timeout` seconds without calls
 *   (default 30; a negative value never scales to zero once a worker runs);
 * - never more than the local cap.
 */

export interface ScaleInput {
    cap: number;
    /** Seconds since the last `/route/` call (Infinity when none). */
    lastDemandAgo: number;
    /** Routed workload per second over the last 10 s. */
    load: number;
    /** Best measured perf of a running worker (workload per second), 0 when unknown. */
    perf: number;
    running: number;
}

const num = (v: number | string | undefined, dflt: number): number => (typeof v === 'number' ? v : dflt);

export function desiredWorkers(a: Record<string, number | string>, s: ScaleInput): number {
    const cold = num(a.cold_workers, 1);
    const max = num(a.max_workers, s.cap);
    const inactivity = num(a.inactivity_timeout, 0);
    const minLoad = num(a.min_load, 1);
    let want = minLoad > 0 ? Math.max(cold, 1) : cold;
    const idleFor = inactivity > 0 ? inactivity : 30;
    if (s.lastDemandAgo < idleFor) want = Math.max(want, 1);
    if (inactivity < 0 && s.running > 0) want = Math.max(want, 1);
    if (s.perf > 0) {
        const util = num(a.target_util, 0.9) || 0.9;
        const needed = Math.max(minLoad, s.load / util) / s.perf;
        if (needed > 0) want = Math.max(want, Math.ceil(needed));
    }
    return Math.max(0, Math.min(want, max, s.cap));
}

/** The `-e KEY=VALUE` pairs of the docker options string (`env` of the PUT); the emulator's own URLs win. */
export function dockerEnv(options: string): Record<string, string> {
    const out: Record<string, string> = {};
    const tokens = options.split(/\s+/).filter(Boolean);
    for (let i = 0; i < tokens.length - 1; i++) {
        if (tokens[i] !== '-e') continue;
        const pair = tokens[i + 1]!;
        const eq = pair.indexOf('=');
        if (eq > 0) out[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
    return out;
}
