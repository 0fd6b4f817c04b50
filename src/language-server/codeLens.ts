// CodeLens above each `Deployment(...)`: Deploy, Benchmark, Tear down. The client implements the commands; the
// argument is one JSON `DeploymentRef`, so any LSP client can run them.
import type { CancellationToken, CodeLens } from 'vscode-languageserver';
import { CommandId, type DeploymentRef } from '../shared/commands';
import type { DeploymentModel, FileAnalysis } from '../shared/model';
import { deploymentKey } from '../shared/rules';

const LENSES = [
    { title: '$(rocket) Deploy', command: CommandId.deploy },
    { title: '$(dashboard) Benchmark', command: CommandId.benchmark },
    { title: '$(trash) Tear down', command: CommandId.tearDown },
] as const;

/** The command argument for a deployment, or undefined when its name or tag cannot be read statically. */
export function deploymentRef(uri: string, d: DeploymentModel): DeploymentRef | undefined {
    const key = deploymentKey(d);
    return key ? { uri, name: key.name, tag: key.tag, range: d.call.range } : undefined;
}

/** Three lenses per deployment whose name and tag are literals (a dynamic one gets the `dynamic-value` hint). */
export function codeLenses(uri: string, analysis: FileAnalysis, token?: CancellationToken): CodeLens[] {
    const out: CodeLens[] = [];
    for (const d of analysis.deployments) {
        if (token?.isCancellationRequested) return [];
        const ref = deploymentRef(uri, d);
        if (!ref) continue;
        const range = { start: d.call.range.start, end: d.call.range.start };
        for (const l of LENSES) out.push({ range, command: { title: l.title, command: l.command, arguments: [ref] } });
    }
    return out;
}
