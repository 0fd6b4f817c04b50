/** `benchmark` and `invoke`: call `@remote` functions through `/route/` and the worker. */
import { RemoteCaller } from '../../pipeline/api';
import { loadBenchmark, loadDeployment, runBenchmark, type BenchmarkResult } from '../../pipeline/run';
import { serializeKwargs, type Wire } from '../../shared/serialization';
import type { Summary } from '../../shared/benchmarkStats';
import { CliFailure, COMMON_HELP, emit, intFlag, makeClient, oneFile, parse, UsageError, type Io } from '../common';
import { findRecord } from '../target';

export const BENCHMARK_HELP = `Usage: vast-deployments benchmark <file.py> [--deployment NAME] [--function F] [--runs N] [--concurrency N]

Calls the benchmark function (the @remote with benchmark_dataset or benchmark_generator) of the deployed endpoint
through /route/ and the worker, N times (default: its benchmark_runs, else 10) with bounded concurrency (default 10).
Reports latency min/p50/p95/max, throughput and errors, and /route/ waiting time apart from worker time.

Options:
  --function F       benchmark F instead (with the benchmark function's inputs only if F has its own)
  --runs N           number of counted calls
  --concurrency N    calls in flight at once
  --no-warmup        count the first call too (default: one uncounted warm-up call)
  --tag TAG          deployed tag (default: the file's)
  --route-timeout S  give up on a call that waited S seconds for a worker (default 900)

${COMMON_HELP}`;

export const INVOKE_HELP = `Usage: vast-deployments invoke <file.py> <function> [--kwargs JSON] [--deployment NAME]

Calls one @remote function once, with keyword arguments from a JSON object (numbers, strings, null, lists, objects;
booleans are refused, as the SDK refuses them), and prints the result.

Options:
  --kwargs JSON      keyword arguments (default {})
  --route-timeout S  give up after waiting S seconds for a worker (default 900)

${COMMON_HELP}`;

function fmt(s: Summary | null): string {
    return s ? `min ${s.min} / p50 ${s.p50} / p95 ${s.p95} / max ${s.max} ms` : 'n/a';
}

function benchLines(r: BenchmarkResult): string[] {
    const s = r.stats;
    const lines = [
        `${r.fname}: ${s.ok}/${s.runs} ok, ${s.errors} error(s), concurrency ${r.concurrency}, ${s.wallMs} ms wall`,
        `  latency: ${fmt(s.latency)}`,
        `  route wait: ${fmt(s.route)}`,
        `  worker: ${fmt(s.worker)}`,
        `  throughput: ${s.throughput} calls/s`,
    ];
    if (r.warmup) {
        lines.push(
            `  warm-up: ${r.warmup.ok ? `${r.warmup.totalMs} ms (route ${r.warmup.routeMs} ms)` : r.warmup.error}`,
        );
    }
    for (const e of s.errorCounts) lines.push(`  error x${e.count}: ${e.message}`);
    return lines;
}

export async function runBenchmarkCommand(argv: string[], io: Io): Promise<number> {
    const { values, positionals } = parse(argv, {
        deployment: { type: 'string' },
        function: { type: 'string' },
        runs: { type: 'string' },
        concurrency: { type: 'string' },
        'no-warmup': { type: 'boolean', default: false },
        tag: { type: 'string' },
        'route-timeout': { type: 'string' },
    });
    if (values.help) {
        io.out(BENCHMARK_HELP);
        return 0;
    }
    const bench = await loadBenchmark(oneFile(positionals, 'benchmark'), values.deployment, values.function);
    const client = makeClient(values, io, bench.spec);
    const record = await findRecord({ client, name: bench.spec.name, tag: values.tag ?? bench.spec.tag }, io.signal);
    if (record.endpoint_id === undefined) throw new CliFailure(`Deployment ${record.id} has no endpoint`);
    const runs = intFlag('runs', values.runs, 1) ?? bench.runs;
    io.err(
        `Benchmarking ${bench.fname} on endpoint ${record.endpoint_id}: ${runs} run(s), ${bench.inputs.length} input(s)`,
    );
    let lastWaiting = '';
    const result = await runBenchmark(client, record.endpoint_id, {
        fname: bench.fname,
        inputs: bench.inputs,
        runs,
        concurrency: intFlag('concurrency', values.concurrency, 1) ?? 10,
        warmup: !values['no-warmup'],
        routeTimeoutMs: (intFlag('route-timeout', values['route-timeout'], 1) ?? 900) * 1000,
        signal: io.signal,
        onWaiting: (s) => {
            if (s !== lastWaiting) io.err(`waiting for a worker: ${s}`);
            lastWaiting = s;
        },
        onProgress: (done, total, last) => io.err(`[${done}/${total}] ${last.ok ? `${last.totalMs} ms` : last.error}`),
    });
    emit(io, values, result, () => benchLines(result));
    return result.stats.ok === 0 ? 1 : 0;
}

export async function runInvoke(argv: string[], io: Io): Promise<number> {
    const { values, positionals } = parse(argv, {
        deployment: { type: 'string' },
        kwargs: { type: 'string' },
        tag: { type: 'string' },
        'route-timeout': { type: 'string' },
    });
    if (values.help) {
        io.out(INVOKE_HELP);
        return 0;
    }
    if (positionals.length !== 2) throw new UsageError('invoke needs <file.py> <function>');
    const [file, fname] = positionals as [string, string];
    let kwargs: Record<string, Wire> = {};
    if (values.kwargs !== undefined) {
        let parsed: unknown;
        try {
            parsed = JSON.parse(values.kwargs);
        } catch (e) {
            throw new UsageError(`--kwargs is not JSON: ${(e as Error).message}`);
        }
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
            throw new UsageError('--kwargs must be a JSON object');
        }
        kwargs = serializeKwargs(parsed as Record<string, unknown>);
    }
    const bench = await loadBenchmark(file, values.deployment, fname).catch(() => undefined);
    const spec = bench?.spec ?? (await loadDeployment(file, values.deployment));
    const client = makeClient(values, io, spec);
    const record = await findRecord({ client, name: spec.name, tag: values.tag ?? spec.tag }, io.signal);
    if (record.endpoint_id === undefined) throw new CliFailure(`Deployment ${record.id} has no endpoint`);
    const r = await new RemoteCaller(client, record.endpoint_id).invoke(fname, kwargs, {
        signal: io.signal,
        onWaiting: (s) => io.err(`waiting for a worker: ${s}`),
        routeTimeoutMs: (intFlag('route-timeout', values['route-timeout'], 1) ?? 900) * 1000,
    });
    const value = r.value instanceof Uint8Array ? { bytes: Buffer.from(r.value).toString('base64') } : r.value;
    emit(io, values, { result: value, routeMs: r.routeMs, workerMs: r.workerMs, totalMs: r.totalMs }, () => [
        JSON.stringify(value),
    ]);
    io.err(`route ${r.routeMs} ms, worker ${r.workerMs} ms`);
    return 0;
}
