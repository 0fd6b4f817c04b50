import * as vscode from 'vscode';
import { findShimDir, startEmulator, StateInUseError, stillHolds, type StateOwner } from '../emulator/index';
import { readSettings } from './settings';
import { errorMessage } from './util';

/** The embedded local emulator as the extension sees it. */
export interface LocalEmulator {
    url: string;
    apiKey: string;
    /** Which worker runs deployments: "the SDK's worker (vastai ..., worker server 1.1.0)" or "the built-in worker (why)". */
    workers: string;
    /** Said once at start: isolation, and anything the user should know (no sandbox, why the built-in worker). */
    notes: string[];
    /** Set when another window's emulator is used (it owns the state folder): its process. */
    sharedFrom?: number;
    /** False once a shared emulator's window has stopped it (then this window starts its own). */
    stillRunning(): boolean;
    stop(): Promise<void>;
}

/**
 * Starts the local Vast emulator inside the extension host: loopback, a free port, its own API key, state (and so
 * deployments, across restarts of VS Code) under the extension's global storage. Part of the heavy bundle: nothing
 * of the emulator is parsed until the local target is first needed.
 */
export async function startEmbeddedEmulator(
    context: vscode.ExtensionContext,
    pythonPath: string,
    log: vscode.LogOutputChannel,
): Promise<LocalEmulator> {
    const stateDir = vscode.Uri.joinPath(context.globalStorageUri, 'emulator').fsPath;
    await vscode.workspace.fs.createDirectory(vscode.Uri.file(stateDir));
    let shimDir: string | undefined;
    try {
        shimDir = findShimDir();
    } catch {
        shimDir = context.asAbsolutePath('dist/python');
    }
    let handle;
    try {
        handle = await startEmulator({
            host: '127.0.0.1',
            port: 0,
            // The port of the last run: deployments' env holds the emulator's URL (see the option).
            reusePort: true,
            stateDir,
            python: pythonPath,
            shimDir,
            // Defence in depth: the extension never deploys from an untrusted workspace anyway.
            allowWorkers: vscode.workspace.isTrusted,
            allowPip: pipAllowed(),
            allowScripts: vscode.workspace.isTrusted && readSettings().emulator.runScripts,
            sdkPath: readSettings().emulator.sdkPath || undefined,
            // A deploy is why the emulator starts: have a worker's interpreter ready for it (one idle Python, ~50 MB).
            warmWorker: 'eager',
        });
    } catch (err) {
        // Another VS Code window runs the emulator of this same state: use it, so both see the same deployments.
        if (err instanceof StateInUseError && err.owner.apiKey) {
            return shared(stateDir, err.owner, err.owner.url, err.owner.apiKey);
        }
        throw err;
    }
    // The setting applies to the next worker started, without restarting the emulator (its deployments stay up).
    const settingWatch = vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration(PIP_SETTING)) return;
        handle.setAllowPip(pipAllowed());
        log.info(`Local emulator: pip packages ${pipAllowed() ? 'installed into per-deployment venvs' : 'skipped'}`);
    });
    const apiKey = handle.apiKeys[0];
    if (!apiKey) {
        settingWatch.dispose();
        await handle.stop();
        throw new Error('the local emulator started without an API key');
    }
    return {
        url: handle.url,
        apiKey,
        workers: handle.runtime.description,
        notes: [
            handle.runtime.sandbox ? 'workers are sandboxed (bubblewrap)' : 'workers are NOT sandboxed',
            pipAllowed() ? "pip packages go into each deployment's own venv" : 'pip packages are skipped',
            readSettings().emulator.runScripts ? 'run steps run' : 'run steps are skipped',
            ...handle.runtime.notices,
        ],
        stillRunning: () => true,
        stop: async () => {
            settingWatch.dispose();
            try {
                await handle.stop();
                log.info('Local emulator stopped');
            } catch (err) {
                log.warn(`Stopping the local emulator: ${errorMessage(err)}`);
            }
        },
    };
}

const PIP_SETTING = 'vastDeployments.emulator.installPipPackages';

/** `installPipPackages`, in a trusted workspace only: an untrusted one never runs anything. */
function pipAllowed(): boolean {
    return vscode.workspace.isTrusted && readSettings().emulator.installPipPackages;
}

function shared(stateDir: string, owner: StateOwner, url: string, apiKey: string): LocalEmulator {
    return {
        url,
        apiKey,
        workers: owner.workers ?? 'the worker of the other window',
        // Its settings (pip packages, Python) are that window's.
        notes: [`shared with another VS Code window (process ${owner.pid}), which started it`, ...(owner.notes ?? [])],
        sharedFrom: owner.pid,
        stillRunning: () => stillHolds(stateDir, owner),
        // Not ours to stop: the window that started it stops it when it closes.
        stop: async () => undefined,
    };
}
