/** `benchmark` and `invoke`: call `@remote` functions through `/route/` and the worker. */
import * as path from 'node:path';
import {
    callFunction,
    defaultHistoryFile,
    loadBenchmark,
    loadFunction,
    PayloadHistory,
    runBenchmark,
    type BenchmarkResult,
    type CallOutcome,
} from '../../pipeline/run';
import { prefillPayload } from '../../shared/call/payload';
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

Calls one @remote function once, through /route/ and the worker like the SDK's client, and prints the result
(formatted JSON, bytes as their size), the time spent waiting for a route and on the worker. The payload is a JSON
object of keyword arguments, checked against the signature as the SDK binds it before anything is sent: missing or
unknown arguments, and values the SDK cannot send (booleans, sets) are refused. Without --kwargs: the function's
first benchmark item, else its parameters with their defaults. {"$bytes": "<base64>"} and {"$tuple": [...]} stand
for bytes and tuples. A raised exception prints its traceback from the worker log and exits 1.

Options:
  --kwargs JSON      keyword arguments
  --again N          send the Nth most recent payload of this function again (1 = the last one)
  --history          list the last payloads sent to this function (newest first) and exit
  --tag TAG          deployed tag (default: the file's)
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

function outcomeLines(o: CallOutcome): string[] {
    if (o.status === 'refused') {
        return o.problems.map((p) => `${p.severity}: ${p.path ? `${p.path}: ` : ''}${p.message}`);
    }
    if (o.status === 'ok') return [o.resultText];
    return [
        ...(o.traceback?.lines ?? []),
        ...(o.traceback
            ? []
            : [`${o.exceptionClass}${o.message ? `: ${o.message}` : ''} (no traceback in the worker log)`]),
        ...(o.location ? [`at ${o.location.file}:${o.location.line}`] : []),
    ];
}

export async function runInvoke(argv: string[], io: Io): Promise<number> {
    const { values, positionals } = parse(argv, {
        deployment: { type: 'string' },
        kwargs: { type: 'string' },
        again: { type: 'string' },
        history: { type: 'boolean', default: false },
        tag: { type: 'string' },
        'route-timeout': { type: 'string' },
    });
    if (values.help) {
        io.out(INVOKE_HELP);
        return 0;
    }
    if (positionals.length !== 2) throw new UsageError('invoke needs <file.py> <function>');
    const [file, fname] = positionals as [string, string];
    const { spec, remote } = await loadFunction(file, values.deployment, fname);
    const history = new PayloadHistory(defaultHistoryFile(io.env));
    const absFile = path.resolve(io.cwd, file);
    const past = history.list(absFile, spec.name, fname);
    if (values.history) {
        emit(io, values, { history: past }, () =>
            past.length === 0
                ? [`No payloads sent to ${fname} yet.`]
                : past.map((h, i) => `${i + 1}\t${h.at}\t${JSON.stringify(JSON.parse(h.payload))}`),
        );
        return 0;
    }
    if (values.kwargs !== undefined && values.again !== undefined) {
        throw new UsageError('give --kwargs or --again, not both');
    }
    let payload: string;
    if (values.kwargs !== undefined) payload = values.kwargs;
    else if (values.again !== undefined) {
        const n = intFlag('again', values.again, 1)!;
        const h = past[n - 1];
        if (!h) throw new CliFailure(`no payload #${n} in the history of ${fname} (${past.length} kept)`);
        payload = h.payload;
    } else {
        const pre = prefillPayload(remote);
        payload = pre.payloads[0]!;
        io.err(
            `payload (from the ${pre.source === 'benchmark' ? 'benchmark' : 'parameters'}): ${JSON.stringify(JSON.parse(payload))}`,
        );
    }
    const client = makeClient(values, io, spec);
    const record = await findRecord({ client, name: spec.name, tag: values.tag ?? spec.tag }, io.signal);
    if (record.endpoint_id === undefined) throw new CliFailure(`Deployment ${record.id} has no endpoint`);
    const o = await callFunction(client, {
        endpointId: record.endpoint_id,
        fname,
        params: remote.params,
        payload,
        deploymentDir: path.dirname(absFile),
        signal: io.signal,
        onWaiting: (s) => io.err(`waiting for a worker: ${s}`),
        routeTimeoutMs: (intFlag('route-timeout', values['route-timeout'], 1) ?? 900) * 1000,
    });
    if (o.status === 'refused') {
        emit(io, values, o, () => []);
        for (const l of outcomeLines(o)) io.err(l);
        throw new CliFailure(`not sent: the payload does not fit ${fname}'s signature or cannot be sent`);
    }
    history.add(absFile, spec.name, fname, payload);
    for (const w of o.warnings) io.err(`warning: ${w.path ? `${w.path}: ` : ''}${w.message}`);
    const { value: _value, ...shown } = o as typeof o & { value?: unknown };
    emit(io, values, o.status === 'ok' ? { ...shown, result: JSON.parse(o.resultText) as unknown } : shown, () =>
        outcomeLines(o),
    );
    io.err(`route wait ${o.routeMs} ms, worker ${o.workerMs} ms, total ${o.totalMs} ms`);
    if (o.status === 'raised') {
        io.err(`error: ${fname} raised ${o.exceptionClass}${o.message ? `: ${o.message}` : ''}`);
        return 1;
    }
    return 0;
}
