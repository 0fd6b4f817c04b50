import * as vscode from 'vscode';
import { deploy as runDeploy, DeployError, type DeployProgress, type DeployStep } from '../../pipeline/run/deploy';
import { CommandId } from '../../shared/commands';
import { computePlan } from '../../pipeline/run/plan';
import type { Target } from '../../shared/settings';
import type { DeploymentSummary } from '../../shared/protocol';
import type { Connection } from '../connection';
import { manifestOf } from '../deployManifest';
import {
    failed,
    refused,
    succeeded,
    type MachinesOutcome,
    type PlanSummary,
    type RenamedDeployment,
    type RunContext,
} from './deployOutcome';
import type { DeployRecord } from '../deployRecords';
import { PrepareError, prepare, type Prepared } from '../pipelineBridge';
import { changedEntries, planWords, stepText, type Manifest } from '../planWords';
import { marketInput } from '../../pipeline/run/market';
import { planMachines, unavailableReason } from '../marketWords';
import { readSettings } from '../settings';
import { envFileFor, envSourceWords } from '../envFileSetting';
import { envReadLines } from '../../shared/packaging/envReads';
import type { ExtensionState } from '../state';
import type { CommandResult, RunningOperation } from '../types';
import { displayName, plural, redact, remoteKey } from '../util';
import { ensureIndex, resolveSubject } from './resolve';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Share of the progress bar per step. */
const STEP_WEIGHT: Record<DeployStep, number> = {
    package: 15,
    register: 10,
    upload: 20,
    'update-workers': 10,
    wait: 45,
};
const ORDER: DeployStep[] = ['package', 'register', 'upload', 'update-workers', 'wait'];

/** What the one progress notification of a Deploy ended with: a deploy that ran (or failed), or an earlier answer. */
type DeployOutcome =
    | { kind: 'answered'; result: CommandResult }
    | { kind: 'refused'; err: PrepareError }
    | { kind: 'ran'; run: RunContext; result?: Awaited<ReturnType<typeof runDeploy>>; err?: DeployError };

/**
 * Deploy: refuse on errors, show the plan (tier and changes) in a modal, then package → register → upload → update
 * workers → wait for ready. One cancellable progress notification covers it all from the click, so starting the
 * emulator, reading the file and comparing with what is deployed are never a silent wait.
 */
export function deploy(state: ExtensionState) {
    return async (arg?: unknown): Promise<CommandResult> => {
        state.requireTrust('Deploy');
        const subject = await resolveSubject(state, arg, 'deploy');
        if (!subject) return { ok: false, cancelled: true, message: 'Nothing chosen' };
        if (subject.kind === 'remote') {
            throw new Error(`"${subject.name}" is not defined in this workspace, so there is no code to deploy.`);
        }
        let summary = subject.summary;
        const label = displayName(subject.name, subject.tag);

        // What is deployed is the file on disk: save it first, then look at it again.
        const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === summary.uri);
        if (doc?.isDirty) {
            await doc.save();
            await ensureIndex(state);
            await state.index.relist();
            summary = state.index.find({ ...summary, name: subject.name, tag: subject.tag }) ?? summary;
        }

        const where = targetWords(readSettings().target);
        const outcome = await vscode.window.withProgress(
            {
                location: vscode.ProgressLocation.Notification,
                title: `Deploying ${label} to ${where}`,
                cancellable: true,
            },
            (progress, token) => prepareAndRun(state, summary, label, progress, token),
        );
        if (outcome.kind === 'answered') return outcome.result;
        if (outcome.kind === 'refused') return refused(state, summary, label, outcome.err);
        const { run } = outcome;
        const { prepared } = run;
        const result = outcome.err
            ? failed(state, label, run, outcome.err)
            : succeeded(state, label, targetWords(run.conn.target), run, outcome.result!);
        result.machines = planMachines(await settledWithin(run.machines, 1000, 'still searching'));
        if (result.ok && typeof result.fileHash === 'string') {
            await state.deployRecords.set(run.conn.target, {
                name: prepared.spec.name,
                tag: prepared.spec.tag,
                uri: summary.uri,
                fileHash: result.fileHash,
                manifest: run.manifest,
                at: Date.now(),
            });
        }
        if (result.ok && run.tearDownOld) {
            for (const r of run.renamed) {
                const ref = { kind: 'remoteByName', name: r.name, tag: r.tag, confirmed: true };
                result.tornDown = await vscode.commands.executeCommand(CommandId.tearDown, ref);
            }
        }
        return result;
    };
}

function targetWords(target: Target): string {
    return target === 'local' ? 'the local emulator' : 'Vast.ai';
}

const SLOW_STEP_MS = 150;

/** `p`, saying `message` in the progress when it takes long enough to be noticed (starting the emulator). */
async function sayIfSlow<T>(p: Promise<T>, progress: vscode.Progress<{ message?: string }>, message: string) {
    const timer = setTimeout(() => progress.report({ message }), SLOW_STEP_MS);
    try {
        return await p;
    } finally {
        clearTimeout(timer);
    }
}

/** Everything from the click to a deploy's end, inside the progress notification. */
async function prepareAndRun(
    state: ExtensionState,
    summary: DeploymentSummary,
    label: string,
    progress: vscode.Progress<{ message?: string; increment?: number }>,
    token: vscode.CancellationToken,
): Promise<DeployOutcome> {
    const cancelled = (message: string): DeployOutcome => ({
        kind: 'answered',
        result: { ok: false, cancelled: true, message },
    });
    const target = readSettings().target;
    const conn = await sayIfSlow(
        state.connection('Deploy'),
        progress,
        target === 'local' ? 'Starting the local emulator' : 'Connecting to Vast.ai',
    );
    const where = targetWords(conn.target);
    const envFile = envFileFor(summary);
    progress.report({ message: `Checking ${path.basename(fileURLToPath(summary.uri))}` });
    let prepared: Prepared;
    try {
        prepared = await prepare(summary, workspaceRootOf(summary), envFile);
    } catch (err) {
        if (!(err instanceof PrepareError)) throw err;
        return { kind: 'refused', err };
    }
    if (token.isCancellationRequested) return cancelled('Deploy cancelled');

    let allowSecrets = false;
    if (prepared.plan.secrets.length > 0) {
        const files = prepared.plan.secrets.map((f) => vscode.workspace.asRelativePath(f));
        progress.report({ message: 'Waiting for your answer' });
        const choice = await state.ui.confirm(
            `${plural(files.length, 'file')} copied into "${label}" look${files.length === 1 ? 's' : ''} like secrets`,
            `These would be uploaded to ${where} inside the package:\n${files.join('\n')}\n\nMove them out of the copied folders, or upload them anyway.`,
            'Upload Anyway',
        );
        if (choice !== 'Upload Anyway') {
            return {
                kind: 'answered',
                result: {
                    ok: false,
                    cancelled: true,
                    message: 'Deploy cancelled: secrets not uploaded',
                    secrets: files,
                },
            };
        }
        allowSecrets = true;
    }

    // Machines and prices, searched beside the plan: the plan shows them, a deploy that asks nothing warns.
    const machines = searchForPlan(state, prepared);
    const manifest = manifestOf(prepared);
    const renamed = renamedFrom(state, conn.target, summary, prepared.spec.name, prepared.spec.tag);
    const envLines = envReadLines(prepared.spec.envReads ?? [], envSourceWords(envFile));
    if (envLines.length > 0) state.log.info(`[deploy ${label}] ${envLines.join('\n  ')}`);
    const setting = readSettings().confirmDeploy;
    const ask = setting === 'always' || (setting === 'vast' && conn.target === 'vast') || renamed.length > 0;
    let planText: PlanSummary | undefined;
    let tearDownOld = false;
    if (ask) {
        // The plan: compare with what is deployed, before anything irreversible.
        progress.report({ message: `Comparing with what is deployed on ${where}` });
        const last = state.deployRecords.get(conn.target, prepared.spec.name, prepared.spec.tag);
        planText = await computePlanFor(conn, prepared, workspaceRootOf(summary), {
            label,
            where,
            last,
            manifest,
            renamed,
            machines,
            envLines,
        });
        if (token.isCancellationRequested) return cancelled('Deploy cancelled');
        const actions = [
            planText.words.button,
            ...(planText.words.tearDownButton ? [planText.words.tearDownButton] : []),
        ];
        progress.report({ message: 'Waiting for your answer' });
        const choice = await state.ui.confirm(planText.words.title, planText.words.detail, ...actions);
        if (choice === undefined) {
            return {
                kind: 'answered',
                result: { ok: false, cancelled: true, message: 'Deploy cancelled', plan: planText },
            };
        }
        tearDownOld = choice === planText.words.tearDownButton;
    }
    // Nothing asked (a local deploy by default) and no machine matches: no warning here, as the wait for a ready
    // worker fails at once with that reason, the image.require(...) line and the machines that match.
    if (token.isCancellationRequested) return cancelled('Deploy cancelled');

    const run: RunContext = {
        summary,
        conn,
        prepared,
        planText,
        manifest,
        renamed,
        tearDownOld,
        machines,
        abort: new AbortController(),
        started: Date.now(),
    };
    token.onCancellationRequested(() => run.abort.abort());
    return runSteps(state, run, summary, label, allowSecrets, progress);
}

/** Deployments this file put on the target before under another name, still deployed and no longer defined. */
function renamedFrom(
    state: ExtensionState,
    target: Target,
    summary: DeploymentSummary,
    name: string,
    tag: string,
): RenamedDeployment[] {
    if (state.status.findRemote(name, tag)) return [];
    const defined = new Set(state.index.all().map((d) => remoteKey(d.name ?? '', d.tag ?? 'default')));
    return state.deployRecords
        .fromFile(target, summary.uri)
        .filter((r) => !(r.name === name && r.tag === tag) && !defined.has(remoteKey(r.name, r.tag)))
        .flatMap((r) => {
            const remote = state.status.findRemote(r.name, r.tag);
            if (!remote) return [];
            const workers = state.status.getRemote(remote).runningWorkers;
            return [{ name: r.name, tag: r.tag, label: displayName(r.name, r.tag), workers }];
        });
}

function workspaceRootOf(d: DeploymentSummary): string | undefined {
    if (d.workspaceFolder) return fileURLToPath(d.workspaceFolder);
    const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.parse(d.uri));
    return folder?.uri.fsPath;
}

const PLAN_MARKET_WAIT_MS = 5000;

/** The offers search for what this deploy sends (the spec's search_params, storage and max_workers). Never rejects. */
function searchForPlan(state: ExtensionState, prepared: Prepared): Promise<MachinesOutcome> {
    return state.market.get(marketInput(prepared.spec)).then(
        (result) => ({ result }),
        (err: unknown) => ({ error: unavailableReason(err, 15_000) }),
    );
}

/** `p`'s outcome, or `{ error: why }` when it takes longer than `ms`. */
function settledWithin(p: Promise<MachinesOutcome>, ms: number, why: string): Promise<MachinesOutcome> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<MachinesOutcome>((resolve) => {
        timer = setTimeout(() => resolve({ error: why }), ms);
    });
    return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

async function computePlanFor(
    conn: Connection,
    prepared: Prepared,
    workspaceRoot: string | undefined,
    ctx: {
        label: string;
        where: string;
        last: DeployRecord | undefined;
        manifest: Manifest;
        renamed: { label: string; workers: number }[];
        machines: Promise<MachinesOutcome>;
        envLines: string[];
    },
): Promise<PlanSummary> {
    const plan = await computePlan(conn.client, prepared.spec, { workspaceRoot });
    // The plan waits a little more for the offers search, then says it has no answer rather than holding the dialog.
    const machines = await settledWithin(
        ctx.machines,
        PLAN_MARKET_WAIT_MS,
        `no answer within ${PLAN_MARKET_WAIT_MS / 1000} s`,
    );
    const deployedHash = plan.changes.find((c) => c.field === 'file_hash')?.old;
    // File names are known when this window made the deployed package; otherwise only that the code differs.
    const changedFiles =
        ctx.last && deployedHash === ctx.last.fileHash ? changedEntries(ctx.last.manifest, ctx.manifest) : undefined;
    const words = planWords({
        plan,
        label: ctx.label,
        where: ctx.where,
        changedFiles,
        renamedFrom: ctx.renamed,
        packageFiles: 2 + prepared.plan.entries.filter((e) => e.kind === 'file').length,
        image: prepared.spec.image,
        machines: planMachines(machines),
        environment: ctx.envLines,
    });
    words.detail = redact(words.detail);
    return { tier: plan.tier, label: plan.label, words };
}

/** The pipeline's steps, reported in the progress; marks the deployment busy on the tree while they run. */
async function runSteps(
    state: ExtensionState,
    run: RunContext,
    summary: DeploymentSummary,
    label: string,
    allowSecrets: boolean,
    progress: vscode.Progress<{ message?: string; increment?: number }>,
): Promise<DeployOutcome> {
    const { prepared, conn } = run;
    const key = remoteKey(prepared.spec.name, prepared.spec.tag);
    const op: RunningOperation = { kind: 'deploy', step: 'package', abort: run.abort };
    state.running.set(key, op);
    state.status.setBusy(key, 'deploying');
    let done = 0;
    let lastText = '';
    const report = (p: DeployProgress): void => {
        const target =
            ORDER.slice(0, ORDER.indexOf(p.step)).reduce((a, s) => a + STEP_WEIGHT[s], 0) +
            STEP_WEIGHT[p.step] * (p.fraction ?? 0);
        const increment = Math.max(0, target - done);
        done += increment;
        op.step = p.step;
        const text = stepText(p.step, redact(p.message));
        // A step reports its start and its end in the same words: log it once.
        if (text !== lastText) state.log.info(`[deploy ${label}] ${text}`);
        lastText = text;
        progress.report({ message: text, increment });
    };
    try {
        const result = await runDeploy(conn.client, prepared.spec, {
            signal: run.abort.signal,
            onProgress: report,
            allowSecrets,
            wait: true,
            pollMs: conn.target === 'local' ? 500 : 5000,
            workspaceRoot: workspaceRootOf(summary),
        });
        return { kind: 'ran', run, result };
    } catch (err) {
        if (!(err instanceof DeployError)) throw err;
        return { kind: 'ran', run, err };
    } finally {
        state.running.delete(key);
        state.status.setBusy(key, undefined);
        state.status.poke();
        // With no view on screen nothing polls after this: one poll, so the lenses show how it ended (a failure).
        void state.status.refresh();
    }
}
