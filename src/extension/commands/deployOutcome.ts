/**
 * How a Deploy ends, in front of the user: the refusal (with the first problem's line), the success toast, and the
 * failure toast whose actions lead where the reason is (their own line, the worker log, the machines that match).
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as vscode from 'vscode';
import type { deploy as runDeploy, DeployError } from '../../pipeline/run/deploy';
import { NoWorkerPossibleError, WorkerStartupError } from '../../pipeline/run/wait';
import { CommandId } from '../../shared/commands';
import type { DeploymentSummary } from '../../shared/protocol';
import type { Connection } from '../connection';
import type { planMachines } from '../marketWords';
import type { PrepareError, Prepared } from '../pipelineBridge';
import { ACTION_WORDS, STEP_LABELS, type Manifest, type PlanWords } from '../planWords';
import type { ExtensionState } from '../state';
import type { CommandResult } from '../types';
import { errorMessage, plural, redact } from '../util';

export type MachinesOutcome = Parameters<typeof planMachines>[0];

export interface PlanSummary {
    tier: number;
    label: string;
    words: PlanWords;
}

/** A deployment this file put on the target before under another name, still deployed and no longer defined. */
export interface RenamedDeployment {
    name: string;
    tag: string;
    label: string;
    workers: number;
}

/** What a Deploy that got past the checks and the questions carries to its end. */
export interface RunContext {
    summary: DeploymentSummary;
    conn: Connection;
    prepared: Prepared;
    planText: PlanSummary | undefined;
    manifest: Manifest;
    renamed: RenamedDeployment[];
    tearDownOld: boolean;
    machines: Promise<MachinesOutcome>;
    abort: AbortController;
    started: number;
}

/**
 * The disk gate said no (the file as saved, read as Python reads it; not the language server's last word, which can
 * lag behind a save). The message names the first problem with its line; the rest go to the log.
 */
export function refused(state: ExtensionState, d: DeploymentSummary, label: string, err: PrepareError): CommandResult {
    const file = vscode.workspace.asRelativePath(vscode.Uri.parse(d.uri));
    const lines = err.problems.map((p) => `${file}${p.line !== undefined ? `:${p.line}` : ''}: ${p.message}`);
    const message = `Cannot deploy "${label}": ${file} has ${plural(lines.length, 'error')}. First: ${lines[0]}`;
    state.log.warn([message, ...lines.slice(1)].join('\n  '));
    void state.ui.notify('error', message, 'Show Problems').then((a) => {
        if (a) void vscode.commands.executeCommand('workbench.actions.view.problems');
    });
    return { ok: false, refused: true, message, diagnostics: lines, problems: err.problems };
}

export function succeeded(
    state: ExtensionState,
    label: string,
    where: string,
    run: RunContext,
    result: Awaited<ReturnType<typeof runDeploy>>,
): CommandResult {
    const secs = ((Date.now() - run.started) / 1000).toFixed(1);
    const ready = result.workers?.filter((w) => /^(idle|ready|running)$/i.test(w.status)).length ?? 0;
    const message = `${ACTION_WORDS[result.action] ?? 'Deployed'} "${label}" on ${where} in ${secs} s: ${plural(ready, 'worker')} ready.`;
    state.log.info(message + (result.warnings.length ? `\n  ${result.warnings.join('\n  ')}` : ''));
    void state.ui.notify('info', message, 'Benchmark', 'Show Worker Log').then((a) => {
        const ref = { kind: 'remoteByName', name: result.name, tag: result.tag };
        if (a === 'Benchmark') void vscode.commands.executeCommand(CommandId.benchmark, ref);
        if (a === 'Show Worker Log') void vscode.commands.executeCommand(CommandId.showLogs, ref);
    });
    return {
        ok: true,
        message,
        action: result.action,
        tier: result.tier,
        deploymentId: result.deploymentId,
        fileHash: result.fileHash,
        plan: run.planText,
        timings: result.timings,
    };
}

/**
 * The `image.require(...)` line (else the `app.image(...)` line) of the deployed definition, as the index reads the
 * file now: the summary the deploy started from can predate a change made on disk, which the deploy itself read.
 */
function requireLine(state: ExtensionState, run: RunContext): { file: string; line: number } | undefined {
    const d = run.summary;
    const now = state.index.find({ ...d, name: run.prepared.spec.name, tag: run.prepared.spec.tag }) ?? d;
    const range = now.image?.requireRange ?? now.image?.range;
    return range && { file: fileURLToPath(d.uri), line: range.start.line + 1 };
}

export function failed(state: ExtensionState, label: string, run: RunContext, err: DeployError): CommandResult {
    const { prepared } = run;
    const cause = redact(errorMessage(err.cause));
    if (err.cancelled || run.abort.signal.aborted) {
        const message = `Deploy of "${label}" cancelled during ${STEP_LABELS[err.step].toLowerCase()}. ${err.stateMessage}`;
        state.log.warn(message);
        void state.ui.notify('warning', message, 'Show Output').then((a) => a && state.log.show());
        return {
            ok: false,
            cancelled: true,
            message,
            step: err.step,
            state: err.state,
            deploymentId: err.deploymentId,
        };
    }
    const status = (err.cause as { status?: unknown }).status;
    if (status === 401 || status === 403) throw err.cause;
    const message = `Deploy of "${label}" failed at ${STEP_LABELS[err.step].toLowerCase()}: ${cause}. ${err.stateMessage}`;
    state.log.error(message);
    // Where the user looks next: their own line when a worker's traceback maps to it (or, when no machine can take
    // a worker, the image.require(...) line and the machines that match now), then the worker's log (once a
    // deployment exists, it has one), then our own output.
    const noMachine = err.cause instanceof NoWorkerPossibleError;
    const loc =
        err.cause instanceof WorkerStartupError ? err.cause.location : noMachine ? requireLine(state, run) : undefined;
    const goTo = loc ? `Go to ${path.basename(loc.file)}:${loc.line}` : undefined;
    const machines = noMachine ? 'Machines and Prices' : undefined;
    const workerLog = err.deploymentId !== undefined ? 'Show Worker Log' : undefined;
    const actions = [goTo, machines, workerLog, 'Show Output'].filter((a): a is string => a !== undefined).slice(0, 2);
    void state.ui.notify('error', message, ...actions).then((a) => {
        if (a === 'Show Output') state.log.show();
        if (a === machines) void vscode.commands.executeCommand(CommandId.showMachines, run.summary);
        if (a === goTo && loc) {
            const line = Math.max(loc.line - 1, 0);
            void vscode.window.showTextDocument(vscode.Uri.file(loc.file), {
                selection: new vscode.Range(line, 0, line, 0),
            });
        }
        if (a === workerLog) {
            void vscode.commands.executeCommand(CommandId.showLogs, {
                kind: 'remoteByName',
                name: prepared.spec.name,
                tag: prepared.spec.tag,
            });
        }
    });
    return { ok: false, message, step: err.step, state: err.state, deploymentId: err.deploymentId };
}
