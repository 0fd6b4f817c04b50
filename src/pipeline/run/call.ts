/**
 * "Call function": one code path for `vast-deployments invoke` and the editor. The payload is bound and checked
 * against the signature like the SDK's `_dispatch` (nothing is sent when it has errors), then sent through `/route/`
 * and the worker like the SDK's client; a raised exception comes back with its traceback from the worker log.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { VastClient } from '../api/client';
import { RemoteFunctionError } from '../api/errors';
import { RemoteCaller } from '../api/remote';
import { bindPayload, type PayloadProblem } from '../../shared/call/payload';
import { findTraceback, formatResult, userFrame, type FoundTraceback } from '../../shared/call/result';
import { historyKey, parseHistory, pushHistory, type HistoryEntry, type HistoryMap } from '../../shared/call/history';
import { logLines } from '../../shared/logLines';
import type { Param } from '../../shared/model';

export interface CallRequest {
    endpointId: number;
    fname: string;
    params: readonly Param[];
    /** The payload JSON text (keyword arguments). */
    payload: string;
    /** Folder of the deployment's file, to turn traceback paths into links. */
    deploymentDir?: string;
    signal?: AbortSignal;
    onWaiting?: (status: string) => void;
    /** Give up waiting for a worker after this long. */
    routeTimeoutMs?: number;
    /** Re-reads of the worker log for the traceback (it can land just after the answer). Default 4 × 250 ms. */
    tracebackPolls?: number;
}

interface Timing {
    routeMs: number;
    workerMs: number;
    totalMs: number;
}

export type CallOutcome =
    /** Refused before sending: the payload does not bind or holds values the SDK cannot send. */
    | { status: 'refused'; problems: PayloadProblem[] }
    | ({ status: 'ok'; value: unknown; resultText: string; warnings: PayloadProblem[] } & Timing)
    | ({
          status: 'raised';
          exceptionClass: string;
          /** The exception's message from the worker log ('' when not found there). */
          message: string;
          traceback?: FoundTraceback;
          /** Where to jump: the deepest frame in the user's code, as an absolute path when it could be resolved. */
          location?: { file: string; line: number };
          warnings: PayloadProblem[];
      } & Timing);

/** Resolves a traceback path against the deployment folder (workers run the unpacked copy of it). */
function localFile(file: string, dir: string | undefined): string | undefined {
    if (!dir) return undefined;
    if (path.isAbsolute(file) && fs.existsSync(file)) return file;
    // The worker's copy: `.../app/<relative>`; try the path's tail against the deployment folder.
    const parts = file.split(/[/\\]/);
    for (let i = 0; i < parts.length; i++) {
        const candidate = path.join(dir, ...parts.slice(i));
        if (parts.slice(i).join('/') !== '' && fs.existsSync(candidate) && fs.statSync(candidate).isFile()) {
            return candidate;
        }
    }
    return undefined;
}

async function tracebackOf(
    client: VastClient,
    req: CallRequest,
    exceptionClass: string,
): Promise<Pick<Extract<CallOutcome, { status: 'raised' }>, 'message' | 'traceback' | 'location'>> {
    const polls = req.tracebackPolls ?? 4;
    for (let i = 0; i < polls; i++) {
        const lines = logLines(
            await client.getEndpointLogs(req.endpointId, { signal: req.signal }).catch(() => undefined),
        );
        const tb = findTraceback(lines, exceptionClass);
        if (tb) {
            const frame = userFrame(tb, (f) => localFile(f, req.deploymentDir) !== undefined);
            const file = frame ? (localFile(frame.file, req.deploymentDir) ?? frame.file) : undefined;
            return {
                message: tb.message,
                traceback: tb,
                location: frame && file ? { file, line: frame.line } : undefined,
            };
        }
        if (i < polls - 1) await client.transport.sleep(250, req.signal).catch(() => undefined);
    }
    return { message: '' };
}

/** Binds, sends and reports one call. API and transport failures throw (ApiError, CancelledError). */
export async function callFunction(client: VastClient, req: CallRequest): Promise<CallOutcome> {
    const bound = bindPayload(req.params, req.payload);
    if (!bound.kwargs) return { status: 'refused', problems: bound.problems };
    const warnings = bound.problems;
    const started = Date.now();
    try {
        const r = await new RemoteCaller(client, req.endpointId).invoke(req.fname, bound.kwargs, {
            signal: req.signal,
            onWaiting: req.onWaiting,
            routeTimeoutMs: req.routeTimeoutMs,
        });
        return {
            status: 'ok',
            value: r.value,
            resultText: formatResult(r.value),
            warnings,
            routeMs: r.routeMs,
            workerMs: r.workerMs,
            totalMs: r.totalMs,
        };
    } catch (e) {
        if (!(e instanceof RemoteFunctionError)) throw e;
        const totalMs = Date.now() - started;
        return {
            status: 'raised',
            exceptionClass: e.exceptionClass,
            ...(await tracebackOf(client, req, e.exceptionClass)),
            warnings,
            routeMs: e.timing?.routeMs ?? 0,
            workerMs: e.timing?.workerMs ?? 0,
            totalMs,
        };
    }
}

/** The payload history in one JSON file (the CLI's in the user cache folder, the editor's in its storage). */
export class PayloadHistory {
    constructor(private readonly file: string) {}

    private read(): HistoryMap {
        try {
            return parseHistory(fs.readFileSync(this.file, 'utf8'));
        } catch {
            return {};
        }
    }

    /** The payloads sent to a function, newest first. */
    list(file: string, deployment: string, fname: string): HistoryEntry[] {
        return this.read()[historyKey(file, deployment, fname)] ?? [];
    }

    /** Records a sent payload; a failure to write loses history, never the call. */
    add(file: string, deployment: string, fname: string, payload: string): void {
        const all = this.read();
        const key = historyKey(file, deployment, fname);
        all[key] = pushHistory(all[key] ?? [], payload, new Date());
        try {
            fs.mkdirSync(path.dirname(this.file), { recursive: true });
            const tmp = `${this.file}.${process.pid}.tmp`;
            fs.writeFileSync(tmp, JSON.stringify(all));
            fs.renameSync(tmp, this.file);
        } catch {
            // History is a convenience.
        }
    }
}

/** The CLI's history file: `$XDG_CACHE_HOME/vast-deployments/payloads.json` (or `~/.cache/...`). */
export function defaultHistoryFile(env: NodeJS.ProcessEnv): string {
    const base = env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), '.cache');
    return path.join(base, 'vast-deployments', 'payloads.json');
}
