/**
 * Why a deployment's workers failed, and where a failed call raised, in the words the tree, the CodeLens and the
 * benchmark view show: the exception line and the traceback mapped to the user's file (`deployment.py` → `app.py:3`).
 * vscode-free and pure.
 */
import {
    deploymentBase,
    formatLocation,
    lastExceptionLine,
    mapTraceback,
    type SourceLocation,
} from '../pipeline/run/traceback';
import { workerKind } from './statusModel';
import type { BenchmarkRecord, DeploymentStatus, WorkerInfo } from './types';

export interface WorkerFailure {
    workerId: number | string;
    /** How many workers failed. */
    failed: number;
    /** `ModuleNotFoundError: No module named 'x'` (or the worker's first line when it is not a traceback). */
    exception: string;
    /** The worker's message with the deployment's paths mapped to the user's. */
    traceback: string;
    /** The deepest frame in the user's code. */
    location?: SourceLocation;
    /** `app.py:3`: `location` relative to the deployment's folder. */
    where?: string;
}

/** The first worker failure of a deployment whose workers all failed (state `error`); undefined otherwise. */
export function workerFailure(status: DeploymentStatus, userFile: string): WorkerFailure | undefined {
    if (status.state !== 'error') return undefined;
    const failed = (status.workers ?? []).filter((w) => workerKind(w.status) === 'error');
    const w = failed.find((x) => x.statusMsg) ?? failed[0];
    return w ? failureOfWorker(w, userFile, failed.length) : undefined;
}

/** One failed worker's message in those words (`userFile` '' leaves the paths as the worker wrote them). */
export function failureOfWorker(w: WorkerInfo, userFile: string, failed = 1): WorkerFailure {
    const raw = w.statusMsg ?? '';
    const mapped = userFile ? mapTraceback(raw, userFile) : { text: raw, location: undefined };
    const first = raw.split('\n').find((l) => l.trim() !== '');
    return {
        workerId: w.id,
        failed,
        exception: (lastExceptionLine(mapped.text) ?? first ?? 'no message from the worker').trim(),
        traceback: mapped.text.trim(),
        location: mapped.location,
        where: mapped.location ? formatLocation(mapped.location, deploymentBase(userFile)) : undefined,
    };
}

/** `text` cut to `max` characters with an ellipsis. */
export function clip(text: string, max: number): string {
    return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The CodeLens title above a failed deployment. */
export function failureLensTitle(f: WorkerFailure): string {
    return `$(error) Worker failed: ${clip(f.exception, 70)}${f.where ? ` (${f.where})` : ''}`;
}

/** The tree row under a failed deployment: the exception in short, where it raised as the description. */
export function failureRowLabel(f: WorkerFailure): string {
    return clip(f.exception, 48);
}

/** Markdown for tooltips: the exception, where, and the (tail of the) mapped traceback. */
export function failureMarkdown(f: WorkerFailure): string {
    const tail = f.traceback.split('\n').slice(-TOOLTIP_TRACEBACK_LINES).join('\n');
    return [
        `**${f.failed > 1 ? `${f.failed} workers` : `Worker ${f.workerId}`} failed**: \`${f.exception}\`${f.where ? ` at ${f.where}` : ''}`,
        '',
        '```text',
        tail.replace(/```/g, "'''"),
        '```',
    ].join('\n');
}

const TOOLTIP_TRACEBACK_LINES = 14;

/** One failed call's traceback found in a worker log. */
export interface CallTraceback {
    /** The mapped traceback (without the log's timestamps and worker prefixes). */
    text: string;
    exception?: string;
    location?: SourceLocation;
    where?: string;
    /** Index in the log lines of its "Error in remote function" line. */
    lineIndex: number;
}

const LINE = /^(?:\d{4}-\d\d-\d\dT\S+\s+)?(\[worker [^\]]*\]\s?)?(.*)$/;
const HEADER = /Error in remote function (\S+?):\s*$/;

/**
 * The traceback the worker logged ("Error in remote function NAME:" then the traceback) for the latest failed call
 * of `fname`; with `exceptionClass`, the latest whose exception is of that class when there is one. Lines of other
 * workers interleaved with it are skipped.
 */
export function findCallTraceback(
    lines: readonly string[],
    fname: string,
    userFile: string,
    exceptionClass?: string,
): CallTraceback | undefined {
    let fallback: CallTraceback | undefined;
    for (let i = lines.length - 1; i >= 0; i--) {
        const head = LINE.exec(lines[i]!);
        const h = head ? HEADER.exec(head[2]!) : null;
        if (!head || !h || h[1] !== fname) continue;
        const block = blockAfter(lines, i, head[1] ?? '');
        const mapped = mapTraceback(block.join('\n'), userFile);
        const exception = lastExceptionLine(mapped.text);
        const found: CallTraceback = {
            text: mapped.text,
            exception,
            location: mapped.location,
            where: mapped.location ? formatLocation(mapped.location, deploymentBase(userFile)) : undefined,
            lineIndex: i,
        };
        if (!exceptionClass || exception?.split(':')[0]?.trim().endsWith(exceptionClass)) return found;
        fallback ??= found;
    }
    return fallback;
}

/** The traceback lines after the header at `start`, from the same worker, up to the exception line. */
function blockAfter(lines: readonly string[], start: number, worker: string): string[] {
    const out: string[] = [];
    for (let j = start + 1; j < lines.length && out.length < MAX_TRACEBACK_LINES; j++) {
        const m = LINE.exec(lines[j]!);
        if (!m || (m[1] ?? '') !== worker) continue;
        const text = m[2]!;
        out.push(text);
        const continues =
            text === '' ||
            /^\s/.test(text) ||
            text.startsWith('Traceback (most recent call last):') ||
            /^(During handling of the above exception|The above exception was the direct cause)/.test(text);
        if (!continues) break;
    }
    return out;
}

const MAX_TRACEBACK_LINES = 400;

/** The exception class a benchmark error message names (`ValueError` in "... ValueError ..."), if any. */
export function exceptionClassOf(message: string): string | undefined {
    return /\b([A-Z][A-Za-z0-9_]*(?:Error|Exception))\b/.exec(message)?.[1];
}

/** Which deployment's function failed, and with which error: commands/callTraceback's argument. */
export interface CallTracebackRef {
    name: string;
    tag: string;
    function: string;
    /** The error the client saw; its exception class picks the matching traceback when calls failed differently. */
    error?: string;
}

/** What the benchmark view's link beside error `index` of a run opens. */
export function callTracebackRef(record: BenchmarkRecord, index: number): CallTracebackRef | undefined {
    const e = record.stats.errorCounts[index];
    return e ? { name: record.name, tag: record.tag, function: record.function, error: e.message } : undefined;
}
