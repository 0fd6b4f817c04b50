import * as vscode from 'vscode';
import { CommandId, type DeploymentRef } from '../shared/commands';
import type { DeploymentIndex } from './deploymentIndex';
import type { StatusService } from './status';
import { failureLensTitle, type WorkerFailure } from './workerFailure';

/**
 * "$(error) Worker failed: ModuleNotFoundError: … (app.py:3)" above a deployment whose workers all failed, on the
 * `Deployment(...)` line beside Deploy; its click shows the worker logs. Asked for again when a failure appears,
 * changes or goes away (a later deploy that comes up removes it).
 */
export function registerFailureLens(index: DeploymentIndex, status: StatusService): vscode.Disposable {
    const changed = new vscode.EventEmitter<void>();
    let last = '';
    const maybeChanged = (): void => {
        const now = signature(index, status);
        if (now === last) return;
        last = now;
        changed.fire();
    };
    const provider: vscode.CodeLensProvider = {
        onDidChangeCodeLenses: changed.event,
        provideCodeLenses(doc) {
            const uri = doc.uri.toString();
            return index
                .all()
                .filter((d) => d.uri === uri && d.name !== undefined && d.tag !== undefined)
                .flatMap((d) => {
                    const f = status.failureOf(d);
                    if (!f) return [];
                    const ref: DeploymentRef = { uri, name: d.name!, tag: d.tag!, range: d.range };
                    const line = d.range.start.line;
                    return [
                        new vscode.CodeLens(new vscode.Range(line, 0, line, 0), {
                            title: failureLensTitle(f),
                            tooltip: lensTooltip(f),
                            command: CommandId.showLogs,
                            arguments: [ref],
                        }),
                    ];
                });
        },
    };
    return vscode.Disposable.from(
        changed,
        index.onDidChange(maybeChanged),
        status.onDidChange(maybeChanged),
        vscode.languages.registerCodeLensProvider({ language: 'python', scheme: 'file' }, provider),
    );
}

function lensTooltip(f: WorkerFailure): string {
    return `${f.failed > 1 ? `${f.failed} workers` : `Worker ${f.workerId}`} failed to start: ${f.exception}${
        f.where ? ` (${f.where})` : ''
    }. Click to show the worker logs.`;
}

function signature(index: DeploymentIndex, status: StatusService): string {
    return index
        .all()
        .map((d) => {
            const f = status.failureOf(d);
            return f ? `${d.uri}#${d.range.start.line}:${f.exception}:${f.where ?? ''}` : '';
        })
        .filter(Boolean)
        .join('\n');
}
