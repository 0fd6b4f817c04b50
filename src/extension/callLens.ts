import * as vscode from 'vscode';
import { CommandId } from '../shared/commands';
import type { DeploymentIndex } from './deploymentIndex';

/**
 * "▶ Call" above each `@remote` function of an indexed deployment (the language server's lenses sit on the
 * `Deployment(...)` line). Its argument is the CallRef of commands/callFunction.
 */
export function registerCallLens(index: DeploymentIndex): vscode.Disposable {
    const changed = new vscode.EventEmitter<void>();
    const provider: vscode.CodeLensProvider = {
        onDidChangeCodeLenses: changed.event,
        provideCodeLenses(doc) {
            const uri = doc.uri.toString();
            return index
                .all()
                .filter((d) => d.uri === uri && d.name !== undefined)
                .flatMap((d) =>
                    d.functions.map(
                        (fn) =>
                            new vscode.CodeLens(new vscode.Range(fn.range.start.line, 0, fn.range.start.line, 0), {
                                title: '▶ Call',
                                tooltip: `Call ${fn.name}(${fn.params.join(', ')}) on the current target`,
                                command: CommandId.callFunction,
                                arguments: [{ uri, name: d.name, tag: d.tag ?? 'default', function: fn.name }],
                            }),
                    ),
                );
        },
    };
    return vscode.Disposable.from(
        changed,
        index.onDidChange(() => changed.fire()),
        vscode.languages.registerCodeLensProvider({ language: 'python', scheme: 'file' }, provider),
    );
}
