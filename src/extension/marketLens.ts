import * as vscode from 'vscode';
import { CommandId } from '../shared/commands';
import type { DeploymentSummary } from '../shared/protocol';
import type { DeploymentIndex } from './deploymentIndex';
import type { MarketService } from './market';
import { lensTitle, marketDetails, marketInputOf, type MarketView } from './marketWords';

/** Where machines and prices show for a definition: its first `require(...)`, else its `app.image(...)`. */
function anchorOf(d: DeploymentSummary): vscode.Range | undefined {
    const r = d.image?.requireRange ?? d.image?.range;
    return r && new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

/** The view of one definition's search now, and its input when there is one. */
function viewOf(market: MarketService, d: DeploymentSummary) {
    const input = marketInputOf(d);
    if (!input) return undefined;
    if ('unavailable' in input) {
        return { input: undefined, view: { kind: 'error', reason: input.unavailable } as MarketView };
    }
    return { input, view: market.peek(input, `${d.uri}#${d.range.start.line}`) };
}

/**
 * A CodeLens on `image.require(...)` with how many machines match right now and what one worker and `max_workers`
 * workers cost (or "⚠ no machine matches: workers would never start"), and a hover with the details. Searches run in
 * the background (debounced, cached briefly) and never block typing; untrusted workspaces send nothing.
 */
export function registerMarketLens(index: DeploymentIndex, market: MarketService): vscode.Disposable {
    const changed = new vscode.EventEmitter<void>();
    const provider: vscode.CodeLensProvider = {
        onDidChangeCodeLenses: changed.event,
        provideCodeLenses(doc) {
            if (!vscode.workspace.isTrusted) return [];
            const uri = doc.uri.toString();
            return index.all().flatMap((d) => {
                const anchor = d.uri === uri ? anchorOf(d) : undefined;
                const v = anchor && viewOf(market, d);
                if (!anchor || !v) return [];
                const noKey = v.view.kind === 'error' && /API key/.test(v.view.reason);
                return [
                    new vscode.CodeLens(new vscode.Range(anchor.start.line, 0, anchor.start.line, 0), {
                        title: lensTitle(v.view),
                        tooltip: noKey
                            ? 'Set a Vast.ai API key to search the offers'
                            : 'Machines matching image.require(...) right now: search again',
                        command: noKey ? CommandId.setApiKey : CommandId.showMachines,
                        arguments: noKey ? [] : [{ uri, name: d.name, tag: d.tag ?? 'default', range: d.range }],
                    }),
                ];
            });
        },
    };
    const hover: vscode.HoverProvider = {
        async provideHover(doc, pos) {
            if (!vscode.workspace.isTrusted) return undefined;
            const uri = doc.uri.toString();
            const d = index.all().find((x) => x.uri === uri && anchorOf(x)?.contains(pos));
            if (!d) return undefined;
            const input = marketInputOf(d);
            if (!input || 'unavailable' in input) return undefined;
            const view = await market.settled(input);
            const md = new vscode.MarkdownString(marketDetails(view, input));
            return new vscode.Hover(md, anchorOf(d));
        },
    };
    const selector = { language: 'python', scheme: 'file' };
    return vscode.Disposable.from(
        changed,
        index.onDidChange(() => changed.fire()),
        market.onDidChange(() => changed.fire()),
        vscode.languages.registerCodeLensProvider(selector, provider),
        vscode.languages.registerHoverProvider(selector, hover),
    );
}
