/**
 * `vastDeployments.envFile`: the `.env` file whose variables Deploy adds to the extension host's environment when it
 * evaluates `os.environ` / `os.getenv` reads. Relative paths are taken from the deployment's workspace folder. An
 * untrusted workspace never reads it (it never deploys; its settings could name any file).
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as vscode from 'vscode';
import { SETTINGS_SECTION } from '../shared/settings';
import type { DeploymentSummary } from '../shared/protocol';
import type { EnvFileRef } from './pipelineBridge';

export const ENV_FILE_SETTING = 'envFile';

/** The configured .env file for deployment `d`, or undefined (not set, or the workspace is not trusted). */
export function envFileFor(d: Pick<DeploymentSummary, 'uri' | 'workspaceFolder'>): EnvFileRef | undefined {
    if (!vscode.workspace.isTrusted) return undefined;
    const uri = vscode.Uri.parse(d.uri);
    const value = vscode.workspace.getConfiguration(SETTINGS_SECTION, uri).get<unknown>(ENV_FILE_SETTING);
    if (typeof value !== 'string' || value.trim() === '') return undefined;
    const label = value.trim();
    const folder = d.workspaceFolder
        ? fileURLToPath(d.workspaceFolder)
        : (vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath ?? path.dirname(uri.fsPath));
    return { path: path.resolve(folder, label), label };
}

/** Where the plan says the variables came from. */
export function envSourceWords(envFile: EnvFileRef | undefined): string {
    return envFile ? `the extension host's environment and ${envFile.label}` : "the extension host's environment";
}
