import * as vscode from 'vscode';
import { readSettings } from './settings';

/** The slice of the Python extension's API (`ms-python.python` exports `environments`) this extension uses. */
interface PythonEnvironmentsApi {
    environments?: {
        getActiveEnvironmentPath(resource?: vscode.Uri): { id: string; path: string };
        resolveEnvironment(
            env: { id: string; path: string } | string,
        ): Promise<{ executable: { uri?: vscode.Uri } } | undefined>;
    };
}

/**
 * The interpreter local emulator workers run with: `vastDeployments.pythonPath`, else the Python extension's selected
 * interpreter for the folder (only when that extension is installed; it is activated for the question), else `python3`.
 */
export async function resolvePythonPath(resource?: vscode.Uri): Promise<{ path: string; source: string }> {
    const configured = readSettings(resource).pythonPath.trim();
    if (configured) return { path: configured, source: 'vastDeployments.pythonPath' };
    const ext = vscode.extensions.getExtension<PythonEnvironmentsApi>('ms-python.python');
    if (ext) {
        try {
            const api = ext.isActive ? ext.exports : await ext.activate();
            const envs = api?.environments;
            if (envs) {
                const active = envs.getActiveEnvironmentPath(resource);
                const resolved = await envs.resolveEnvironment(active);
                const exe = resolved?.executable.uri?.fsPath;
                if (exe) return { path: exe, source: 'the Python extension' };
            }
        } catch {
            // An old or broken Python extension: fall back like a machine without it.
        }
    }
    return { path: 'python3', source: 'default' };
}
