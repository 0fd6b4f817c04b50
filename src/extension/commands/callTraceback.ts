import * as vscode from 'vscode';
import { logLines } from '../../shared/logLines';
import type { ExtensionState } from '../state';
import type { CommandResult } from '../types';
import { displayName } from '../util';
import { exceptionClassOf, findCallTraceback, type CallTracebackRef } from '../workerFailure';
import { deployedRecord, resolveSubject } from './resolve';

const LOG_TAIL = 2000;

function isCallTracebackRef(x: unknown): x is CallTracebackRef {
    const r = x as Partial<CallTracebackRef> | undefined;
    return !!r && typeof r.name === 'string' && typeof r.tag === 'string' && typeof r.function === 'string';
}

/**
 * Opens where a failed call raised: the worker log's latest "Error in remote function NAME:" traceback, mapped to
 * the user's file, opens that file at the deepest frame of the user's code; the worker log is shown beside it.
 */
export function openCallTraceback(state: ExtensionState) {
    return async (arg?: unknown): Promise<CommandResult> => {
        if (!isCallTracebackRef(arg)) return { ok: false, message: 'Nothing to open' };
        const label = displayName(arg.name, arg.tag);
        const subject = await resolveSubject(state, { kind: 'remoteByName', name: arg.name, tag: arg.tag }, 'open');
        if (!subject) return { ok: false, cancelled: true, message: 'Nothing chosen' };
        const conn = await state.connection('Opening the traceback');
        const record = await deployedRecord(state, subject);
        if (!record) {
            const message = `"${label}" is not deployed: its worker log is gone.`;
            void state.ui.notify('info', message);
            return { ok: false, message, notDeployed: true };
        }
        const endpointId = record.endpointId ?? (await conn.client.showDeployment(Number(record.id))).endpoint_id;
        if (endpointId === undefined) throw new Error(`deployment ${record.id} has no endpoint yet`);
        const lines = logLines(await conn.client.getEndpointLogs(endpointId, { tail: LOG_TAIL }));
        const userFile = subject.kind === 'local' ? vscode.Uri.parse(subject.summary.uri).fsPath : '';
        const tb = findCallTraceback(lines, arg.function, userFile, arg.error && exceptionClassOf(arg.error));
        const channel = state.logs.show(conn, record);
        if (!tb) {
            const message = `No traceback of ${arg.function}() in the last ${lines.length} lines of the worker log of "${label}": see "${channel.name}".`;
            void state.ui.notify('warning', message);
            return { ok: false, message, channel: channel.name };
        }
        state.log.info(`Traceback of a failed call of ${arg.function}() on "${label}":\n${tb.text}`);
        if (!tb.location) {
            const message = `${arg.function}() raised ${tb.exception ?? 'an exception'} outside the deployment's code: see "${channel.name}".`;
            return { ok: true, message, channel: channel.name, exception: tb.exception, traceback: tb.text };
        }
        const line = Math.max(0, tb.location.line - 1);
        const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(tb.location.file));
        const end = doc.lineAt(Math.min(line, doc.lineCount - 1)).range.end;
        await vscode.window.showTextDocument(doc, { selection: new vscode.Range(line, 0, line, end.character) });
        return {
            ok: true,
            message: `${arg.function}() raised ${tb.exception ?? 'an exception'} at ${tb.where}`,
            where: tb.where,
            file: tb.location.file,
            line: tb.location.line,
            exception: tb.exception,
            traceback: tb.text,
            channel: channel.name,
        };
    };
}
