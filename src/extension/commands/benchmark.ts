import * as vscode from 'vscode';
import { runBenchmark } from '../../pipeline/run/benchmark';
import { CommandId } from '../../shared/commands';
import type { RemoteFunction } from '../../shared/model';
import { benchmarkInputs } from '../../shared/serialization';
import { PrepareError, prepare } from '../pipelineBridge';
import { envFileFor } from '../envFileSetting';
import type { ExtensionState } from '../state';
import { displayName, isAbort, plural, remoteKey } from '../util';
import type { BenchmarkRecord, CommandResult, RunningOperation } from '../types';
import { fmtMs } from '../views/benchmarkHtml';
import { deployedRecord, resolveSubject } from './resolve';

/** `benchmark_runs=` of the decorator when it is a literal int; the SDK's default is 10. */
function runsOf(fn: RemoteFunction): number {
    const arg = fn.decorator.args.find((a) => a.name === 'benchmark_runs');
    return arg?.value.kind === 'int' && arg.value.value > 0 ? Math.min(arg.value.value, 1000) : 10;
}

/**
 * Benchmark: calls the benchmark function with its dataset through `/route/` and the worker, then shows latency
 * (p50/p95), throughput and errors in a webview, compared with the previous run of the same deployment.
 */
export function benchmark(state: ExtensionState) {
    return async (arg?: unknown): Promise<CommandResult> => {
        state.requireTrust('Benchmark');
        const subject = await resolveSubject(state, arg, 'benchmark');
        if (!subject) return { ok: false, cancelled: true, message: 'Nothing chosen' };
        if (subject.kind === 'remote') {
            throw new Error(
                `"${subject.name}" is not defined in this workspace: its benchmark dataset is not known here.`,
            );
        }
        const label = displayName(subject.name, subject.tag);
        const conn = await state.connection('Benchmark');
        const where = conn.target === 'local' ? 'the local emulator' : 'Vast.ai';

        let fn: RemoteFunction | undefined;
        try {
            const prepared = await prepare(subject.summary, undefined, envFileFor(subject.summary));
            const withBench = prepared.model.remotes.filter((r) => r.benchmark);
            if (withBench.length !== 1) {
                throw new PrepareError(
                    [
                        {
                            message:
                                withBench.length === 0
                                    ? 'no @remote function has benchmark_dataset or benchmark_generator'
                                    : 'more than one @remote function has a benchmark',
                        },
                    ],
                    prepared.file,
                );
            }
            fn = withBench[0];
        } catch (err) {
            if (!(err instanceof PrepareError)) throw err;
            const message = `Cannot benchmark "${label}": ${err.message}`;
            void state.ui.notify('error', message.split('\n').join(' '));
            return { ok: false, refused: true, message };
        }
        if (!fn) return { ok: false, message: 'no benchmark function' };
        const inputs = benchmarkInputs(fn);
        if (!inputs.ok) {
            const message = `Cannot benchmark "${label}": ${inputs.error}`;
            void state.ui.notify('error', message);
            return { ok: false, refused: true, message };
        }

        const record = await deployedRecord(state, subject);
        if (!record) {
            const message = `"${label}" is not deployed on ${where}: deploy it before benchmarking.`;
            void state.ui.notify('info', message, 'Deploy').then((a) => {
                if (a) {
                    void vscode.commands.executeCommand(CommandId.deploy, {
                        kind: 'remoteByName',
                        name: subject.name,
                        tag: subject.tag,
                    });
                }
            });
            return { ok: false, notDeployed: true, message };
        }
        const endpointId = record.endpointId ?? (await conn.client.showDeployment(Number(record.id))).endpoint_id;
        if (endpointId === undefined) throw new Error(`deployment ${record.id} has no endpoint yet`);

        const runs = runsOf(fn);
        const key = remoteKey(subject.name, subject.tag);
        const abort = new AbortController();
        const op: RunningOperation = { kind: 'benchmark', step: 'route', abort };
        state.running.set(key, op);
        const fname = fn.name;
        try {
            const result = await vscode.window.withProgress(
                {
                    location: vscode.ProgressLocation.Notification,
                    title: `Benchmarking ${label} on ${where}`,
                    cancellable: true,
                },
                (progress, token) => {
                    token.onCancellationRequested(() => abort.abort());
                    progress.report({ message: `warming up ${fname}()…` });
                    return runBenchmark(conn.client, endpointId, {
                        fname,
                        inputs: inputs.items,
                        runs,
                        concurrency: 10,
                        signal: abort.signal,
                        onWaiting: (s) => {
                            op.step = 'waiting';
                            progress.report({ message: `waiting for a worker (${s})…` });
                        },
                        onProgress: (done, total) => {
                            op.step = 'calls';
                            progress.report({ message: `${done}/${total} calls`, increment: 100 / total });
                        },
                    });
                },
            );
            const rec: BenchmarkRecord = {
                name: subject.name,
                tag: subject.tag,
                target: conn.target,
                function: fname,
                at: new Date().toISOString(),
                concurrency: result.concurrency,
                stats: result.stats,
                calls: result.samples.map((s) => ({
                    ms: s.totalMs,
                    ok: s.ok,
                    routeMs: s.routeMs,
                    workerMs: s.workerMs,
                })),
            };
            const history = await state.benchmarks.add(rec);
            state.panels.show(history);
            const s = result.stats;
            const message = `Benchmark of "${label}": p50 ${fmtMs(s.latency?.p50)}, p95 ${fmtMs(s.latency?.p95)}, ${s.throughput.toFixed(1)} calls/s, ${plural(s.errors, 'error')} in ${s.runs} calls.`;
            state.log.info(message);
            return { ok: s.errors < s.runs, message, stats: s };
        } catch (err) {
            if (isAbort(err, abort.signal) || (err as Error).name === 'CancelledError') {
                const message = `Benchmark of "${label}" cancelled; no results saved.`;
                void state.ui.notify('info', message);
                return { ok: false, cancelled: true, message };
            }
            throw err;
        } finally {
            state.running.delete(key);
        }
    };
}
