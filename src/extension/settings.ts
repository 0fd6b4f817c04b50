import * as vscode from 'vscode';
import { SETTINGS_SECTION, defaultSettings, type ConfirmDeploy, type Settings, type Target } from '../shared/settings';

/** Reads `vastDeployments.*` for a scope (a file or folder), with the shared defaults for anything unset or malformed. */
export function readSettings(scope?: vscode.Uri): Settings {
    const c = vscode.workspace.getConfiguration(SETTINGS_SECTION, scope);
    const d = defaultSettings;
    const str = (key: string, fallback: string): string => {
        const v = c.get<unknown>(key);
        return typeof v === 'string' ? v : fallback;
    };
    const target = str('target', d.target);
    const pollInterval = c.get<unknown>('pollInterval');
    const exclude = c.get<unknown>('exclude');
    const severity = c.get<unknown>('diagnostics.severity');
    return {
        target: (target === 'vast' ? 'vast' : 'local') satisfies Target,
        apiUrl: str('apiUrl', d.apiUrl).replace(/\/+$/, '') || d.apiUrl,
        autoscalerInstance: str('autoscalerInstance', d.autoscalerInstance),
        autoscalerUrl: str('autoscalerUrl', d.autoscalerUrl).replace(/\/+$/, ''),
        codeLens: { enabled: c.get<unknown>('codeLens.enabled') !== false },
        exclude: Array.isArray(exclude) ? exclude.filter((x): x is string => typeof x === 'string') : d.exclude,
        pollInterval:
            typeof pollInterval === 'number' && Number.isFinite(pollInterval)
                ? Math.min(600, Math.max(2, pollInterval))
                : d.pollInterval,
        diagnostics: {
            severity: severity && typeof severity === 'object' ? (severity as Settings['diagnostics']['severity']) : {},
        },
        pythonPath: str('pythonPath', d.pythonPath),
        confirmDeploy: confirmDeployOf(str('confirmDeploy', d.confirmDeploy)),
        emulator: {
            installPipPackages: c.get<unknown>('emulator.installPipPackages') === true,
            runScripts: c.get<unknown>('emulator.runScripts') === true,
            sdkPath: str('emulator.sdkPath', d.emulator.sdkPath).trim(),
        },
    };
}

function confirmDeployOf(v: string): ConfirmDeploy {
    return v === 'always' || v === 'never' ? v : 'vast';
}

/** Settings whose change invalidates the connection (target, URLs) and so the status cache. */
export const connectionSettings = ['target', 'apiUrl', 'autoscalerInstance', 'autoscalerUrl', 'pythonPath'].map(
    (k) => `${SETTINGS_SECTION}.${k}`,
);

/** Writes the target where the user will see it take effect: the workspace when it overrides the user value. */
export async function writeTarget(target: Target): Promise<void> {
    const c = vscode.workspace.getConfiguration(SETTINGS_SECTION);
    const inspect = c.inspect<string>('target');
    const where =
        inspect?.workspaceFolderValue !== undefined || inspect?.workspaceValue !== undefined
            ? vscode.ConfigurationTarget.Workspace
            : vscode.ConfigurationTarget.Global;
    await c.update('target', target, where);
}
