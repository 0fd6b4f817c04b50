/** `status`, `teardown`, `logs`, `stop`, `start`: the deployed side of a deployment. */
import { describeWorkers, NO_MACHINE_ADVICE, noMachineMessage } from '../../pipeline/run';
import type { DeploymentRecord, WorkerRecord } from '../../pipeline/api/types';
import { CliFailure, COMMON_HELP, emit, intFlag, makeClient, parse, type Io } from '../common';
import { confirm, isInteractive } from '../prompt';
import { findRecord, resolveTarget, TARGET_HELP, TARGET_OPTIONS } from '../target';

export const STATUS_HELP = `Usage: vast-deployments status [<file.py> | --name NAME [--tag TAG] | --id ID] [--json]

Without a target: every deployment of the account. With one: its record, versions and workers.

${TARGET_HELP}

${COMMON_HELP}`;

export const TEARDOWN_HELP = `Usage: vast-deployments teardown [<file.py> | --name NAME [--tag TAG] [--all-tags] | --id ID] [--yes]

Deletes the deployment (DELETE /api/v0/deployment/{id}/), or by name (DELETE /api/v0/deployments/, every tag with
--all-tags). Its endpoint, workergroup and workers go with it. Asks first unless --yes.

${TARGET_HELP}

${COMMON_HELP}`;

export const LOGS_HELP = `Usage: vast-deployments logs [<file.py> | --name NAME [--tag TAG] | --id ID] [--tail N] [--follow]

Prints the endpoint's worker logs (/get_endpoint_logs/). --follow keeps polling for new lines until Ctrl-C.

Options:
  --tail N        only the last N lines
  --follow        keep printing new lines
  --interval S    --follow poll interval in seconds (default 2)

${TARGET_HELP}

${COMMON_HELP}`;

export const STOP_HELP = `Usage: vast-deployments stop|start [<file.py> | --name NAME [--tag TAG] | --id ID]

stop: keeps the deployment with its workers inactive (endpoint_state "stopped"); start: makes it active again.

${TARGET_HELP}

${COMMON_HELP}`;

function recordLines(
    d: DeploymentRecord,
    workers: WorkerRecord[] | undefined,
    versions: unknown[],
    noWorkerWhy: string | undefined,
): string[] {
    return [
        `${d.name} (tag ${d.tag}) id=${d.id} endpoint=${d.endpoint_id ?? '-'} state=${d.endpoint_state ?? '-'}`,
        `  image: ${d.image ?? '-'}`,
        `  file_hash: ${d.file_hash ?? '-'}`,
        `  version: current ${d.current_version_id ?? '-'}, last healthy ${d.last_healthy_version_id ?? '-'}` +
            (d.current_version_id != null &&
            d.last_healthy_version_id != null &&
            d.current_version_id !== d.last_healthy_version_id
                ? ' (the current version has not become healthy yet)'
                : ''),
        `  versions: ${versions.length}`,
        `  workers: ${noWorkerWhy ? `none: ${noWorkerWhy}; ${NO_MACHINE_ADVICE}` : workers ? describeWorkers(workers) : 'unknown'}`,
        ...(d.ttl != null ? [`  ttl: ${d.ttl}s, last heartbeat ${d.last_client_heartbeat ?? 'never'}`] : []),
    ];
}

export async function runStatus(argv: string[], io: Io): Promise<number> {
    const { values, positionals } = parse(argv, TARGET_OPTIONS);
    if (values.help) {
        io.out(STATUS_HELP);
        return 0;
    }
    if (positionals.length === 0 && values.name === undefined && values.id === undefined) {
        const client = makeClient(values, io);
        const list = await client.listDeployments({ signal: io.signal });
        emit(io, values, { deployments: list }, () =>
            list.length === 0
                ? ['No deployments.']
                : list.map(
                      (d) =>
                          `${d.id}\t${d.name}\t${d.tag}\t${d.endpoint_state ?? '-'}\tworkers ${d.worker_count ?? '-'}`,
                  ),
        );
        return 0;
    }
    const t = await resolveTarget(values, positionals, io);
    const d = await findRecord(t, io.signal);
    const [workers, versions] = await Promise.all([
        d.endpoint_id !== undefined ? t.client.getEndpointWorkers(d.endpoint_id, { signal: io.signal }) : undefined,
        t.client.deploymentVersions(d.id, { signal: io.signal }),
    ]);
    // No worker on an active endpoint: say so when no machine can take one (it would wait forever).
    const noWorkerWhy =
        workers?.length === 0 && d.endpoint_state === 'active' && typeof d.search_params === 'string'
            ? await noMachineMessage(t.client, { searchParams: d.search_params, storage: d.storage ?? 50 }, io)
            : undefined;
    emit(io, values, { deployment: d, workers: workers ?? null, versions, noWorkerReason: noWorkerWhy ?? null }, () =>
        recordLines(d, workers, versions, noWorkerWhy),
    );
    return 0;
}

export async function runTeardown(argv: string[], io: Io): Promise<number> {
    const { values, positionals } = parse(argv, {
        ...TARGET_OPTIONS,
        yes: { type: 'boolean', default: false },
        'all-tags': { type: 'boolean', default: false },
    });
    if (values.help) {
        io.out(TEARDOWN_HELP);
        return 0;
    }
    const t = await resolveTarget(values, positionals, io);
    const allTags = values['all-tags'];
    let what: string;
    let d: DeploymentRecord | undefined;
    if (allTags) {
        if (!t.name) throw new CliFailure('--all-tags needs a name (<file.py> or --name)');
        what = `every tag of "${t.name}"`;
    } else {
        d = await findRecord(t, io.signal);
        what = `deployment ${d.id} ("${d.name}", tag ${d.tag}) and its endpoint ${d.endpoint_id ?? ''}`.trim();
    }
    if (!values.yes) {
        if (!isInteractive()) throw new CliFailure('refusing to tear down without confirmation: add --yes');
        if (!(await confirm(`Delete ${what}?`, io.signal))) {
            io.err('Nothing deleted.');
            return 1;
        }
    }
    io.err(`Deleting ${what}`);
    const res = d
        ? await t.client.deleteDeployment(d.id, { signal: io.signal })
        : await t.client.deleteDeploymentsByName(t.name!, undefined, { signal: io.signal });
    emit(
        io,
        values,
        { deleted: d ? { id: d.id, name: d.name, tag: d.tag } : { name: t.name, allTags: true }, response: res },
        () => [`Deleted ${what}${typeof res.count === 'number' ? ` (${res.count})` : ''}`],
    );
    return 0;
}

export async function runStopStart(argv: string[], io: Io, verb: 'stop' | 'start'): Promise<number> {
    const { values, positionals } = parse(argv, TARGET_OPTIONS);
    if (values.help) {
        io.out(STOP_HELP);
        return 0;
    }
    const t = await resolveTarget(values, positionals, io);
    const d = await findRecord(t, io.signal);
    const res =
        verb === 'stop'
            ? await t.client.stopDeployment(d.id, { signal: io.signal })
            : await t.client.startDeployment(d.id, { signal: io.signal });
    emit(io, values, res, () => [
        `${verb === 'stop' ? 'Stopped' : 'Started'} deployment ${d.id}: ${String(res.endpoint_state ?? 'ok')}`,
    ]);
    return 0;
}

/** The log lines of a `/get_endpoint_logs/` answer, whatever shape it has (string, {logs}, {lines}, list). */
export function logLines(answer: unknown): string[] {
    const split = (s: string) => s.split(/\r?\n/).filter((l) => l !== '');
    if (typeof answer === 'string') return split(answer);
    if (Array.isArray(answer)) return answer.flatMap((x) => (typeof x === 'string' ? split(x) : [JSON.stringify(x)]));
    const o = (answer ?? {}) as { lines?: unknown; logs?: unknown; error_msg?: unknown };
    if (Array.isArray(o.lines)) return o.lines.map(String);
    if (typeof o.logs === 'string') return split(o.logs);
    if (Array.isArray(o.logs)) return logLines(o.logs);
    if (typeof o.error_msg === 'string') throw new CliFailure(`The autoscaler refused the logs: ${o.error_msg}`);
    return [];
}

/** Lines of `next` not already printed, given the last printed ones (logs are a moving tail). */
export function newLines(printed: string[], next: string[]): string[] {
    if (printed.length === 0) return next;
    for (let overlap = Math.min(printed.length, next.length); overlap > 0; overlap--) {
        const tail = printed.slice(printed.length - overlap);
        if (tail.every((l, i) => l === next[i])) return next.slice(overlap);
    }
    return next;
}

export async function runLogs(argv: string[], io: Io): Promise<number> {
    const { values, positionals } = parse(argv, {
        ...TARGET_OPTIONS,
        tail: { type: 'string' },
        follow: { type: 'boolean', short: 'f', default: false },
        interval: { type: 'string' },
    });
    if (values.help) {
        io.out(LOGS_HELP);
        return 0;
    }
    const tail = intFlag('tail', values.tail, 1);
    const intervalMs = (intFlag('interval', values.interval, 1) ?? 2) * 1000;
    const t = await resolveTarget(values, positionals, io);
    const d = await findRecord(t, io.signal);
    if (d.endpoint_id === undefined) throw new CliFailure(`Deployment ${d.id} has no endpoint`);
    const fetchLines = async () =>
        logLines(await t.client.getEndpointLogs(d.endpoint_id!, { tail, signal: io.signal }));
    let printed = await fetchLines();
    if (values.json && !values.follow) {
        io.out(JSON.stringify({ deployment: d.id, endpoint: d.endpoint_id, lines: printed }, null, 2));
        return 0;
    }
    const show = (lines: string[]) => {
        for (const l of lines) io.out(values.json ? JSON.stringify({ line: l }) : l);
    };
    show(printed);
    while (values.follow && !io.signal.aborted) {
        try {
            await t.client.transport.sleep(intervalMs, io.signal);
        } catch {
            break;
        }
        const next = await fetchLines().catch((e: unknown) => {
            if (io.signal.aborted) return undefined;
            throw e;
        });
        if (!next) break;
        show(newLines(printed, next));
        printed = next;
    }
    return 0;
}
