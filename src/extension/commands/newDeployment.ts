import * as vscode from 'vscode';
import type { ExtensionState } from '../state';
import { deploymentName, TEMPLATES } from '../templates';
import type { CommandResult } from '../types';

/** The walkthrough's id as VS Code knows it: `<publisher>.<name>#<walkthrough id>`. */
export const WALKTHROUGH_ID = 'vast-deployments.vast-deployments#vastDeployments.getStarted';

/** "New Deployment…": pick a template, name it, and open `<name>/app.py` in the first workspace folder. */
export function newDeployment(state: ExtensionState) {
    return async (arg?: unknown): Promise<CommandResult> => {
        const folder = vscode.workspace.workspaceFolders?.[0];
        if (!folder) {
            void state.ui
                .notify('info', 'Open a folder first: the new deployment is written into it.', 'Open Folder')
                .then((a) => a && vscode.commands.executeCommand('workbench.action.files.openFolder'));
            return { ok: false, message: 'No folder open' };
        }
        // The suite (and links) may pass { template, name } to skip the questions.
        const given = (arg ?? {}) as { template?: unknown; name?: unknown };
        const template =
            TEMPLATES.find((t) => t.id === given.template) ??
            (
                await state.ui.pick(
                    TEMPLATES.map((t) => ({ label: t.label, detail: t.detail, template: t })),
                    { placeHolder: 'Start from a template', title: 'New Deployment' },
                )
            )?.template;
        if (!template) return { ok: false, cancelled: true, message: 'No template chosen' };
        const typed =
            typeof given.name === 'string'
                ? given.name
                : await state.ui.input({
                      title: 'New Deployment',
                      prompt: 'Name of the deployment (also its folder)',
                      value: template.id === 'huggingface' ? 'sentiment' : 'my-service',
                      validateInput: (v) =>
                          deploymentName(v) === v.trim() ? undefined : `Will be "${deploymentName(v)}"`,
                  });
        if (typed === undefined) return { ok: false, cancelled: true, message: 'No name given' };
        const name = deploymentName(typed);
        let dir = vscode.Uri.joinPath(folder.uri, name);
        for (let i = 2; await exists(dir); i++) dir = vscode.Uri.joinPath(folder.uri, `${name}-${i}`);
        const file = vscode.Uri.joinPath(dir, template.fileName);
        await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(template.render(name)));
        const doc = await vscode.workspace.openTextDocument(file);
        await vscode.window.showTextDocument(doc);
        const message = `Created ${vscode.workspace.asRelativePath(file)} from "${template.label}". Deploy it from the lens above the Deployment.`;
        state.log.info(message);
        return { ok: true, message, file: file.toString(), name };
    };
}

/** Opens the "Get Started" walkthrough. */
export function openWalkthrough() {
    return async (): Promise<CommandResult> => {
        await vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH_ID, false);
        return { ok: true, message: 'Opened the walkthrough' };
    };
}

async function exists(uri: vscode.Uri): Promise<boolean> {
    try {
        await vscode.workspace.fs.stat(uri);
        return true;
    } catch {
        return false;
    }
}
