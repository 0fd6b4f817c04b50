import * as vscode from 'vscode';
import { CommandId, type CommandIdValue } from '../../shared/commands';
import { NoApiKeyError, UntrustedWorkspaceError } from '../connection';
import type * as HeavyBundle from '../heavy';
import { heavy, heavyIfLoaded } from '../lazy';
import type { ExtensionState } from '../state';
import type { CommandResult, Cmd } from '../types';
import { errorMessage, isAbort, redact } from '../util';
import { clearApiKey, setApiKey } from './apiKey';
import { start, stop } from './lifecycle';
import { openDefinition, refresh } from './navigation';
import { newDeployment, openWalkthrough } from './newDeployment';
import { showLogs } from './showLogs';
import { openCallTraceback } from './callTraceback';
import { callTracebackRef } from '../workerFailure';
import { showMachines } from './machines';
import { chooseTarget, openInConsole } from './target';
import { tearDown } from './tearDown';

const TITLES: Record<CommandIdValue, string> = {
    [CommandId.deploy]: 'Deploy',
    [CommandId.benchmark]: 'Benchmark',
    [CommandId.tearDown]: 'Tear down',
    [CommandId.refresh]: 'Refresh',
    [CommandId.setApiKey]: 'Set API key',
    [CommandId.clearApiKey]: 'Clear API key',
    [CommandId.showLogs]: 'Show logs',
    [CommandId.stop]: 'Stop',
    [CommandId.start]: 'Start',
    [CommandId.openInConsole]: 'Open in console',
    [CommandId.chooseTarget]: 'Choose target',
    [CommandId.openDefinition]: 'Go to definition',
    [CommandId.newDeployment]: 'New deployment',
    [CommandId.openWalkthrough]: 'Get started',
    [CommandId.callFunction]: 'Call function',
    [CommandId.serveLocally]: 'Serve locally',
    [CommandId.stopServing]: 'Stop serving',
    [CommandId.showMachines]: 'Machines and prices',
    [CommandId.openCallTraceback]: 'Open traceback',
};

export function registerCommands(state: ExtensionState): vscode.Disposable[] {
    const table: Record<CommandIdValue, Cmd> = {
        // Deploy and Benchmark pull in packaging and the pipeline (the heavy bundle): loaded on first use.
        [CommandId.deploy]: lazy(async () => heavyBundle().deploy(state)),
        [CommandId.benchmark]: lazy(async () => heavyBundle().benchmark(state)),
        [CommandId.callFunction]: lazy(async () => heavyBundle().callFunction(state)),
        [CommandId.serveLocally]: lazy(async () => heavyBundle().serveLocally(state)),
        [CommandId.stopServing]: lazy(async () => heavyBundle().stopServing(state)),
        [CommandId.tearDown]: tearDown(state),
        [CommandId.refresh]: refresh(state),
        [CommandId.setApiKey]: setApiKey(state),
        [CommandId.clearApiKey]: clearApiKey(state),
        [CommandId.showLogs]: showLogs(state),
        [CommandId.stop]: stop(state),
        [CommandId.start]: start(state),
        [CommandId.openInConsole]: openInConsole(state),
        [CommandId.chooseTarget]: chooseTarget(state),
        [CommandId.openDefinition]: openDefinition(state),
        [CommandId.newDeployment]: newDeployment(state),
        [CommandId.openWalkthrough]: openWalkthrough(),
        [CommandId.showMachines]: showMachines(state),
        [CommandId.openCallTraceback]: openCallTraceback(state),
    };
    state.onBenchmarkAction = (action, record, errorIndex) => {
        if (action === 'openTraceback') {
            const ref = callTracebackRef(record, errorIndex ?? 0);
            if (ref) void vscode.commands.executeCommand(CommandId.openCallTraceback, ref);
            return;
        }
        const ref = { kind: 'remoteByName', name: record.name, tag: record.tag };
        void vscode.commands.executeCommand(action === 'runAgain' ? CommandId.benchmark : CommandId.showLogs, ref);
    };
    return (Object.keys(table) as CommandIdValue[]).map((id) =>
        vscode.commands.registerCommand(id, (...args: unknown[]) => runCommand(state, id, table[id], args)),
    );
}

/** The heavy bundle with its commands: ../lazy types it as services only, so layers below commands stay below. */
function heavyBundle(): typeof HeavyBundle {
    return heavy() as typeof HeavyBundle;
}

function lazy(load: () => Promise<Cmd>): Cmd {
    let cmd: Promise<Cmd> | undefined;
    return async (...args) => {
        cmd ??= load();
        return (await cmd)(...args);
    };
}

/** The one place that talks to the user about failures: logs, shows a message with a useful action, never throws. */
export async function runCommand(
    state: ExtensionState,
    id: CommandIdValue,
    fn: Cmd,
    args: unknown[],
): Promise<CommandResult> {
    const title = TITLES[id];
    try {
        return await fn(...args);
    } catch (err) {
        if (isAbort(err)) return { ok: false, cancelled: true, message: `${title} cancelled.` };
        const ui = state.ui;
        const message = redact(errorMessage(err));
        // ApiError comes from the heavy bundle's copy of the API client: test against that class.
        const ApiError = heavyIfLoaded()?.ApiError;
        const apiError = ApiError !== undefined && err instanceof ApiError ? err : undefined;
        if (err instanceof UntrustedWorkspaceError) {
            state.log.warn(message);
            void ui.notify('warning', message, 'Manage Workspace Trust').then((a) => {
                if (a) void vscode.commands.executeCommand('workbench.trust.manage');
            });
            return { ok: false, message, untrusted: true };
        }
        if (err instanceof NoApiKeyError) {
            state.log.warn(message);
            void ui.notify('warning', message, 'Set API Key', 'Use Local Emulator').then((a) => {
                if (a === 'Set API Key') void vscode.commands.executeCommand(CommandId.setApiKey);
                if (a === 'Use Local Emulator') void vscode.commands.executeCommand(CommandId.chooseTarget, 'local');
            });
            return { ok: false, message, noApiKey: true };
        }
        if (apiError && (apiError.status === 401 || apiError.status === 403)) {
            const conn = await state.connections.get().catch(() => undefined);
            const where = conn?.target === 'local' ? 'the local emulator' : 'Vast.ai';
            const text =
                `${title} failed: ${where} rejected the API key (HTTP ${apiError.status}${conn ? `; key from ${conn.keySource}` : ''}). ${apiError.serverMessage ? `Server said: ${redact(apiError.serverMessage)}` : ''}`.trim();
            state.log.error(text);
            void ui.notify('error', text, 'Set API Key', 'Show Output').then((a) => {
                if (a === 'Set API Key') void vscode.commands.executeCommand(CommandId.setApiKey);
                if (a === 'Show Output') state.log.show();
            });
            return { ok: false, message: text, authFailed: true };
        }
        const text = `${title} failed: ${message}`;
        state.log.error(text);
        if (err instanceof Error && err.stack && !apiError) state.log.debug(redact(err.stack));
        void ui.notify('error', text, 'Show Output').then((a) => {
            if (a) state.log.show();
        });
        return { ok: false, message: text };
    }
}
