// Document symbols: each deployment with its remote functions, contexts, image and autoscaling.
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver';
import type { DeploymentModel, FileAnalysis, Range } from '../shared/model';
import { deploymentKey } from '../shared/rules';
import { before, within } from './ranges';

/** Outline of the file's deployments. */
export function documentSymbols(analysis: FileAnalysis): DocumentSymbol[] {
    return analysis.deployments.map(deploymentSymbol);
}

function deploymentSymbol(d: DeploymentModel): DocumentSymbol {
    const key = deploymentKey(d);
    const name = key?.name ?? d.variable;
    const tag = key?.tag;
    const children: DocumentSymbol[] = [];
    for (const r of d.remotes) {
        children.push(
            symbol(r.name, SymbolKind.Function, r.range, r.nameRange, r.benchmark ? 'remote · benchmark' : 'remote'),
        );
    }
    for (const c of d.contexts) {
        children.push(
            symbol(c.name, c.isClass ? SymbolKind.Class : SymbolKind.Variable, c.range, c.nameRange, 'context'),
        );
    }
    if (d.image) {
        const ref = d.image.call.args[0]?.value;
        const label = ref?.kind === 'str' ? ref.value : (d.image.variable ?? 'image');
        children.push(symbol(label, SymbolKind.Package, d.image.call.range, d.image.call.methodRange, 'image'));
    }
    for (const a of d.autoscalingCalls) {
        children.push(symbol('configure_autoscaling', SymbolKind.Property, a.range, a.methodRange, 'autoscaling'));
    }
    const detail = `Deployment${tag && tag !== 'default' ? ` · ${tag}` : ''}`;
    // Children lie outside the `app = Deployment(...)` statement; the parent range must enclose them.
    const range = children.reduce((acc, c) => union(acc, c.range), d.range);
    return { ...symbol(name, SymbolKind.Module, range, d.call.range, detail), children };
}

function union(a: Range, b: Range): Range {
    return { start: before(b.start, a.start) ? b.start : a.start, end: before(a.end, b.end) ? b.end : a.end };
}

function symbol(name: string, kind: SymbolKind, range: Range, selection: Range, detail: string): DocumentSymbol {
    // LSP requires selectionRange inside range; analysis of broken code could violate it, so clamp.
    return { name: name || '?', kind, range, selectionRange: within(range, selection) ? selection : range, detail };
}
