import * as vscode from 'vscode';
import { CommandId } from '../../shared/commands';
import type { DeploymentIndex } from '../deploymentIndex';
import { readSettings } from '../settings';
import type { StatusService } from '../status';
import { plural } from '../util';

/** Target (Vast / local) and the count of ready workers; click to choose the target. */
export class TargetStatusBar implements vscode.Disposable {
    private readonly item = vscode.window.createStatusBarItem(
        'vastDeployments.target',
        vscode.StatusBarAlignment.Left,
        50,
    );
    private readonly disposables: vscode.Disposable[] = [];

    constructor(
        private readonly status: StatusService,
        private readonly index: DeploymentIndex,
    ) {
        this.item.name = 'Vast Deployments Target';
        this.item.command = CommandId.chooseTarget;
        this.disposables.push(
            status.onDidChange(() => this.update()),
            index.onDidChange(() => this.update()),
            vscode.workspace.onDidChangeConfiguration((e) => {
                if (e.affectsConfiguration('vastDeployments.target')) this.update();
            }),
        );
        this.update();
    }

    /** The text shown, for the suite. */
    get text(): string {
        return this.item.text;
    }

    update(): void {
        const target = readSettings().target;
        const where = target === 'local' ? '$(vm) Local' : '$(cloud) Vast';
        const ready = this.status.readyWorkers();
        const reason = this.status.reason;
        let text = where;
        if (!vscode.workspace.isTrusted) text += ' $(shield)';
        else if (reason === 'no API key') text += ' · no key';
        else if (this.status.isLoaded()) text += ` · ${ready} ready`;
        this.item.text = text;
        const md = new vscode.MarkdownString(undefined, true);
        md.appendMarkdown(
            `**Vast Deployments**: deploys go to ${target === 'local' ? 'the local emulator (on this machine)' : 'Vast.ai'}\n\n`,
        );
        if (!vscode.workspace.isTrusted) md.appendMarkdown('Restricted mode: analysis only.\n\n');
        else if (reason) md.appendMarkdown(`Status unavailable: ${reason}\n\n`);
        else if (this.status.isLoaded()) md.appendMarkdown(`${plural(ready, 'worker')} ready across the account.\n\n`);
        md.appendMarkdown('Click to choose the target.');
        this.item.tooltip = md;
        // Screen readers get sentences, not the tooltip's markdown or the icon names of the text.
        const spoken = [
            `Vast Deployments: deploys go to ${target === 'local' ? 'the local emulator' : 'Vast.ai'}.`,
            !vscode.workspace.isTrusted
                ? 'Restricted mode, analysis only.'
                : reason
                  ? `Status unavailable: ${reason}.`
                  : this.status.isLoaded()
                    ? `${plural(ready, 'worker')} ready.`
                    : '',
            'Activate to choose the target.',
        ];
        this.item.accessibilityInformation = { label: spoken.filter(Boolean).join(' '), role: 'button' };
        // Only where it means something: a workspace with deployments, or an account with something running.
        if (this.index.all().length > 0 || ready > 0) this.item.show();
        else this.item.hide();
    }

    dispose(): void {
        for (const d of this.disposables) d.dispose();
        this.item.dispose();
    }
}
