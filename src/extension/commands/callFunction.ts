import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as vscode from 'vscode';
import { callFunction as sendCall, PayloadHistory, type CallOutcome } from '../../pipeline/run/call';
import { bindPayload, prefillPayload } from '../../shared/call/payload';
import { CommandId } from '../../shared/commands';
import type { RemoteFunction } from '../../shared/model';
import { PrepareError, prepare } from '../pipelineBridge';
import { envFileFor } from '../envFileSetting';
import type { ExtensionState } from '../state';
import type { CommandResult } from '../types';
import { displayName } from '../util';
import { isFunctionNode } from '../views/nodes';
import { deployedRecord, resolveSubject } from './resolve';

/** The argument of "▶ Call" (CodeLens, tree row, "send again"): the deployment, the function, maybe a payload. */
export interface CallRef {
    uri: string;
    name: string;
    tag: string;
    function: string;
    payload?: string;
}

function isCallRef(x: unknown): x is CallRef {
    const r = x as Partial<CallRef> | undefined;
    return !!r && typeof r.uri === 'string' && typeof r.name === 'string' && typeof r.function === 'string';
}

let channel: vscode.OutputChannel | undefined;
/** The "Vast.ai Calls" output: every call with its payload, result, timings or traceback. */
function calls(): vscode.OutputChannel {
    channel ??= vscode.window.createOutputChannel('Vast.ai Calls', 'log');
    return channel;
}

function oneLine(json: string): string {
    try {
        return JSON.stringify(JSON.parse(json));
    } catch {
        return json.replace(/\s+/g, ' ');
    }
}

/** Asks for the payload: prefilled items, the last 20 sent, or JSON typed in (checked as it is typed). */
async function askPayload(
    state: ExtensionState,
    fn: RemoteFunction,
    history: { payload: string; at: string }[],
): Promise<string | undefined> {
    const pre = prefillPayload(fn);
    type Item = vscode.QuickPickItem & { payload?: string; edit?: string };
    const items: Item[] = [
        ...pre.payloads.map((p, i) => ({
            label: oneLine(p),
            description: pre.source === 'benchmark' ? `benchmark item ${i + 1}` : 'parameters and their defaults',
            payload: p,
        })),
        ...history.map((h) => ({ label: oneLine(h.payload), description: `sent ${h.at}`, payload: h.payload })),
        { label: 'Edit JSON…', description: 'type the keyword arguments', edit: pre.payloads[0] },
    ];
    const picked = await state.ui.pick(items, { placeHolder: `Payload for ${fn.name}(…)`, matchOnDescription: true });
    if (!picked) return undefined;
    if (picked.payload !== undefined) return picked.payload;
    return state.ui.input({
        prompt: `Keyword arguments of ${fn.name} as JSON ({"$bytes": "<base64>"} for bytes)`,
        value: oneLine(picked.edit ?? '{}'),
        validateInput: (text) => {
            const errors = bindPayload(fn.params, text).problems.filter((p) => p.severity === 'error');
            return errors.length > 0
                ? errors.map((e) => `${e.path ? `${e.path}: ` : ''}${e.message}`).join('; ')
                : null;
        },
    });
}

function report(fname: string, payload: string, o: CallOutcome): string[] {
    const head = `${new Date().toISOString()} ${fname}(${oneLine(payload)})`;
    if (o.status === 'refused') return [head, ...o.problems.map((p) => `  not sent: ${p.path} ${p.message}`)];
    const timing = `  route wait ${o.routeMs} ms · worker ${o.workerMs} ms · total ${o.totalMs} ms`;
    const warnings = o.warnings.map((w) => `  warning: ${w.path} ${w.message}`);
    if (o.status === 'ok') return [head, ...warnings, timing, ...o.resultText.split('\n').map((l) => `  ${l}`)];
    return [
        head,
        ...warnings,
        timing,
        `  raised ${o.exceptionClass}${o.message ? `: ${o.message}` : ''}`,
        ...(o.traceback?.lines.map((l) => `  ${l}`) ?? ['  (no traceback in the worker log)']),
        ...(o.location ? [`  at ${o.location.file}:${o.location.line}`] : []),
    ];
}

/**
 * Call function: picks the function and its payload, checks the payload against the signature like the SDK, sends it
 * through `/route/` and the worker, and shows the result (or the exception with a link to its traceback).
 */
export function callFunction(state: ExtensionState) {
    return async (arg?: unknown): Promise<CommandResult> => {
        state.requireTrust('Call function');
        let ref: Partial<CallRef> | undefined = isCallRef(arg) ? arg : undefined;
        if (isFunctionNode(arg)) {
            const s = arg.parent.summary;
            ref = { uri: s.uri, name: s.name ?? '', tag: s.tag ?? 'default', function: arg.fn.name };
        }
        const subject = await resolveSubject(
            state,
            ref ? { uri: ref.uri, name: ref.name, tag: ref.tag, range: undefined } : arg,
            'call',
        );
        if (!subject) return { ok: false, cancelled: true, message: 'Nothing chosen' };
        if (subject.kind === 'remote') {
            throw new Error(`"${subject.name}" is not defined in this workspace: its functions are not known here.`);
        }
        const label = displayName(subject.name, subject.tag);
        let remotes: RemoteFunction[];
        try {
            remotes = (await prepare(subject.summary, undefined, envFileFor(subject.summary))).model.remotes;
        } catch (err) {
            if (!(err instanceof PrepareError)) throw err;
            const message = `Cannot call a function of "${label}": ${err.message}`;
            void state.ui.notify('error', message.split('\n').join(' '));
            return { ok: false, refused: true, message };
        }
        let fn = remotes.find((r) => r.name === ref?.function);
        if (!fn) {
            const picked = await state.ui.pick(
                remotes.map((r) => ({
                    label: r.name,
                    description: `(${r.params.map((p) => p.name).join(', ')})`,
                    fn: r,
                })),
                { placeHolder: `Function of ${label} to call` },
            );
            if (!picked) return { ok: false, cancelled: true, message: 'Nothing chosen' };
            fn = picked.fn;
        }
        const file = fileURLToPath(subject.summary.uri);
        const history = new PayloadHistory(path.join(state.context.globalStorageUri.fsPath, 'payloads.json'));
        const payload = ref?.payload ?? (await askPayload(state, fn, history.list(file, subject.name, fn.name)));
        if (payload === undefined) return { ok: false, cancelled: true, message: 'No payload' };
        const bound = bindPayload(fn.params, payload);
        if (!bound.kwargs) {
            const message = `Not sent: ${bound.problems.map((p) => `${p.path ? `${p.path}: ` : ''}${p.message}`).join('; ')}`;
            void state.ui.notify('error', message);
            return { ok: false, refused: true, message };
        }
        const conn = await state.connection('Call function');
        const record = await deployedRecord(state, subject);
        if (!record) {
            const message = `"${label}" is not deployed on ${conn.target === 'local' ? 'the local emulator' : 'Vast.ai'}: deploy it first.`;
            void state.ui.notify('info', message);
            return { ok: false, notDeployed: true, message };
        }
        const endpointId = record.endpointId ?? (await conn.client.showDeployment(Number(record.id))).endpoint_id;
        if (endpointId === undefined) throw new Error(`deployment ${record.id} has no endpoint yet`);
        const fname = fn.name;
        const params = fn.params;
        const o = await vscode.window.withProgress(
            { location: vscode.ProgressLocation.Notification, title: `Calling ${fname}()`, cancellable: true },
            (progress, token) => {
                const abort = new AbortController();
                token.onCancellationRequested(() => abort.abort());
                return sendCall(conn.client, {
                    endpointId,
                    fname,
                    params,
                    payload,
                    deploymentDir: path.dirname(file),
                    signal: abort.signal,
                    onWaiting: (s) => progress.report({ message: `waiting for a worker (${s})…` }),
                });
            },
        );
        history.add(file, subject.name, fname, payload);
        const out = calls();
        for (const l of report(fname, payload, o)) out.appendLine(l);
        if (o.status === 'refused') return { ok: false, refused: true, message: 'not sent' };
        const timing = `route wait ${o.routeMs} ms, worker ${o.workerMs} ms`;
        if (o.status === 'ok') {
            const short = o.resultText.length > 120 ? `${oneLine(o.resultText).slice(0, 117)}…` : oneLine(o.resultText);
            const message = `${fname} → ${short} (${timing})`;
            void state.ui.notify('info', message, 'Show Result', 'Send Again').then((a) => {
                if (a === 'Show Result') out.show(true);
                if (a === 'Send Again') {
                    void vscode.commands.executeCommand(CommandId.callFunction, {
                        uri: subject.summary.uri,
                        name: subject.name,
                        tag: subject.tag,
                        function: fname,
                        payload,
                    });
                }
            });
            return { ok: true, message, result: o.resultText, routeMs: o.routeMs, workerMs: o.workerMs };
        }
        const message = `${fname} raised ${o.exceptionClass}${o.message ? `: ${o.message}` : ''} (${timing})`;
        const loc = o.location;
        void state.ui.notify('error', message, ...(loc ? ['Open Traceback'] : []), 'Show Worker Log').then((a) => {
            if (a === 'Open Traceback' && loc) {
                const line = Math.max(loc.line - 1, 0);
                void vscode.window.showTextDocument(vscode.Uri.file(loc.file), {
                    selection: new vscode.Range(line, 0, line, 0),
                });
            }
            if (a === 'Show Worker Log') void vscode.commands.executeCommand(CommandId.showLogs, subject.summary);
        });
        return { ok: false, message, exception: o.exceptionClass, location: loc, traceback: o.traceback?.lines };
    };
}
