/**
 * Benchmark: call a `@remote` function `runs` times through `/route/` + the worker with bounded concurrency (the
 * SDK's defaults: 10 runs, concurrency 10), and summarize latency, throughput and errors, with `/route/` waiting
 * time apart from worker time. The result is plain JSON for the editor's webview.
 */
import type { VastClient } from '../api/client';
import { CancelledError } from '../api/errors';
import { RemoteCaller, type InvokeResult } from '../api/remote';
import { benchmarkStats, type BenchmarkStats, type Sample } from '../../shared/benchmarkStats';
import { serializeKwargs, type Wire } from '../../shared/serialization';

export interface BenchmarkOptions {
    /** The function to call (route `/remote/{fname}`). */
    fname: string;
    /** Kwargs per call; run i uses `inputs[i % inputs.length]`. */
    inputs: Record<string, Wire>[];
    runs?: number;
    concurrency?: number;
    /** One uncounted call first, so cold start (routing to a fresh worker) does not skew the numbers. Default true. */
    warmup?: boolean;
    signal?: AbortSignal;
    onProgress?: (done: number, total: number, last: BenchmarkSample) => void;
    onWaiting?: (status: string) => void;
    /** Per call: give up waiting for a worker after this long (default: wait like the SDK, until cancelled). */
    routeTimeoutMs?: number;
}

export interface BenchmarkSample extends Sample {
    index: number;
    reroutes?: number;
}

export interface BenchmarkResult {
    fname: string;
    endpointId: number;
    runs: number;
    concurrency: number;
    startedAt: string;
    warmup?: BenchmarkSample;
    stats: BenchmarkStats;
    samples: BenchmarkSample[];
    /** One example output (the first successful call), for display. */
    example?: unknown;
}

async function one(
    caller: RemoteCaller,
    o: BenchmarkOptions,
    index: number,
): Promise<[BenchmarkSample, InvokeResult?]> {
    const started = Date.now();
    try {
        const n = o.inputs.length;
        // The warm-up call has index -1 and uses the first input.
        const r = await caller.invoke(o.fname, o.inputs[Math.max(index, 0) % n]!, {
            signal: o.signal,
            onWaiting: (s) => o.onWaiting?.(s),
            routeTimeoutMs: o.routeTimeoutMs,
        });
        return [
            { index, ok: true, totalMs: r.totalMs, routeMs: r.routeMs, workerMs: r.workerMs, reroutes: r.reroutes },
            r,
        ];
    } catch (e) {
        if (e instanceof CancelledError) throw e;
        const totalMs = Date.now() - started;
        return [{ index, ok: false, totalMs, routeMs: 0, workerMs: 0, error: (e as Error).message }];
    }
}

/** Runs the benchmark against an endpoint. Throws CancelledError when cancelled. */
export async function runBenchmark(
    client: VastClient,
    endpointId: number,
    o: BenchmarkOptions,
): Promise<BenchmarkResult> {
    if (o.inputs.length === 0) throw new Error('benchmark needs at least one input');
    const runs = Math.max(1, o.runs ?? 10);
    const concurrency = Math.max(1, Math.min(o.concurrency ?? 10, runs));
    const caller = new RemoteCaller(client, endpointId);
    const startedAt = new Date().toISOString();
    let warmup: BenchmarkSample | undefined;
    let example: unknown;
    if (o.warmup ?? true) {
        const [s, r] = await one(caller, o, -1);
        warmup = s;
        if (r) example = r.value;
    }
    const samples: BenchmarkSample[] = [];
    const values = new Map<number, unknown>();
    let next = 0;
    const t0 = Date.now();
    const workerLoop = async () => {
        while (next < runs) {
            const i = next++;
            const [s, r] = await one(caller, o, i);
            samples.push(s);
            if (r) values.set(i, r.value);
            o.onProgress?.(samples.length, runs, s);
        }
    };
    await Promise.all(Array.from({ length: concurrency }, workerLoop));
    const wallMs = Date.now() - t0;
    samples.sort((a, b) => a.index - b.index);
    // The example output is the warm-up's, else the lowest-numbered successful call's (not whichever finished first).
    if (example === undefined) example = values.get(samples.find((x) => x.ok)?.index ?? -1);
    return {
        fname: o.fname,
        endpointId,
        runs,
        concurrency,
        startedAt,
        warmup,
        stats: benchmarkStats(samples, wallMs),
        samples,
        example: jsonSafe(example),
    };
}

/** Uint8Array → base64 string, so the result stays JSON. */
function jsonSafe(v: unknown): unknown {
    if (v instanceof Uint8Array) return { bytes: Buffer.from(v).toString('base64') };
    if (Array.isArray(v)) return v.map(jsonSafe);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonSafe(x)]));
    return v;
}

/** One call of `fname` with plain JS kwargs (serialized like the SDK: booleans refused). */
export async function invoke(
    client: VastClient,
    endpointId: number,
    fname: string,
    kwargs: Record<string, unknown>,
    opts: { signal?: AbortSignal; onWaiting?: (status: string) => void } = {},
): Promise<InvokeResult> {
    return new RemoteCaller(client, endpointId).invoke(fname, serializeKwargs(kwargs), opts);
}
