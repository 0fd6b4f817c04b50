import * as vscode from 'vscode';
import { CommandId, type DeploymentRef } from '../../shared/commands';
import type { StatusService } from '../status';
import { plural } from '../util';
import type { TreeNode } from './nodes';
import {
    SDK_DEFAULT_TERMS,
    shortImageRef,
    shortTermWords,
    signatureLabel,
    termWords,
    uptimeWords,
    workerStateWords,
} from './words';
import {
    contextValueFor,
    iconFor,
    searchTerms,
    shortStatus,
    summaryDescription,
    summaryLabel,
    summaryTooltip,
} from './treeModel';
import { workerKind } from '../statusModel';
import { versionTreeItem } from './versionItems';
import { failureMarkdown, failureOfWorker, failureRowLabel } from '../workerFailure';
import type { WorkerInfo } from '../types';

function icon(id: string, color?: string): vscode.ThemeIcon {
    return new vscode.ThemeIcon(id, color ? new vscode.ThemeColor(color) : undefined);
}

function openCommand(uri: string, range: DeploymentRef['range'], title = 'Go to Definition'): vscode.Command {
    return { command: CommandId.openDefinition, title, arguments: [{ uri, range }] };
}

/** A failed worker's exception and traceback, mapped to the file of the deployment it belongs to. */
function failedWorkerMarkdown(w: WorkerInfo, parent: TreeNode): string {
    const d = parent.kind === 'workers' && parent.parent.kind === 'deployment' ? parent.parent.summary : undefined;
    return failureMarkdown(failureOfWorker(w, d ? vscode.Uri.parse(d.uri).fsPath : ''));
}

/** The TreeItem for any node of either tree. */
export function treeItemFor(element: TreeNode, status: StatusService): vscode.TreeItem {
    const C = vscode.TreeItemCollapsibleState;
    switch (element.kind) {
        case 'folder': {
            const item = new vscode.TreeItem(element.name, C.Expanded);
            item.id = element.id;
            item.iconPath = vscode.ThemeIcon.Folder;
            item.description = plural(element.children.length, 'deployment');
            item.contextValue = 'folder';
            return item;
        }
        case 'deployment': {
            const d = element.summary;
            const s = status.get(d);
            const item = new vscode.TreeItem(summaryLabel(d), C.Collapsed);
            item.id = element.id;
            item.description = summaryDescription(d, s);
            const file = vscode.workspace.asRelativePath(vscode.Uri.parse(d.uri), false);
            const failure = status.failureOf(d);
            item.tooltip = new vscode.MarkdownString(
                [
                    summaryTooltip(d, s, file),
                    failure ? failureMarkdown(failure) : '',
                    s.remote && status.workerRuntime ? `Workers run ${status.workerRuntime}.` : '',
                ]
                    .filter(Boolean)
                    .join('\n\n'),
            );
            const ic =
                d.problems.errors > 0 && s.state === 'notDeployed'
                    ? { id: 'error', color: 'list.errorForeground' }
                    : iconFor(s.state);
            item.iconPath = icon(ic.id, ic.color);
            item.contextValue = contextValueFor('deployment', s);
            item.command = openCommand(d.uri, d.range);
            item.accessibilityInformation = { label: `${summaryLabel(d)}, ${item.description}` };
            return item;
        }
        case 'function': {
            const fn = element.fn;
            const signature = `${fn.name}(${fn.params.join(', ')})`;
            const item = new vscode.TreeItem(signatureLabel(fn.name, fn.params), C.None);
            item.id = element.id;
            // Async is the norm; only its absence (an error the SDK refuses) is worth the room.
            item.description = [fn.isAsync ? '' : 'not async', fn.isBenchmark ? 'benchmark' : '']
                .filter(Boolean)
                .join(' · ');
            item.iconPath = icon(
                fn.isBenchmark ? 'dashboard' : 'symbol-method',
                fn.isAsync ? undefined : 'list.warningForeground',
            );
            item.tooltip = [
                `@remote ${fn.isAsync ? 'async def' : 'def'} ${signature}`,
                fn.isAsync ? '' : 'Not async: the SDK refuses it. Make it `async def`.',
                fn.isBenchmark ? 'The benchmark function: its dataset or generator drives Benchmark.' : '',
            ]
                .filter(Boolean)
                .join('\n');
            item.contextValue = fn.isBenchmark ? 'remoteFunction benchmark' : 'remoteFunction';
            item.command = openCommand(element.parent.summary.uri, fn.range);
            return item;
        }
        case 'image': {
            const img = element.parent.summary.image;
            const terms = searchTerms(img?.searchParams);
            const short = img?.ref ? shortImageRef(img.ref) : undefined;
            const item = new vscode.TreeItem(
                img ? (short?.name ?? 'image not a literal') : 'No image',
                terms.length ? C.Collapsed : C.None,
            );
            item.id = element.id;
            // The filters are the row's children; the full reference and the query are in the tooltip.
            item.description = img
                ? [short?.automatic ? 'auto tag' : '', img.storage !== undefined ? `${img.storage} GB` : '']
                      .filter(Boolean)
                      .join(' · ')
                : 'call app.image()';
            item.iconPath = icon(img ? 'package' : 'warning', img ? undefined : 'list.warningForeground');
            const machines = terms.filter((t) => !SDK_DEFAULT_TERMS.has(t)).map(termWords);
            item.tooltip = img
                ? [
                      `Image: ${img.ref ?? '(not a literal)'}`,
                      img.storage !== undefined ? `Disk: ${img.storage} GB` : '',
                      terms.length ? `Machines: ${terms.map(termWords).join('; ')}` : '',
                      img.searchParams ? `(search_params: ${img.searchParams})` : '',
                  ]
                      .filter(Boolean)
                      .join('\n')
                : 'No image: call app.image(...) to choose the Docker image and the machines';
            item.accessibilityInformation = {
                label: img
                    ? [
                          `Image ${img.ref ?? 'not a literal'}`,
                          img.storage !== undefined ? `${img.storage} GB disk` : '',
                          machines.length ? `machines: ${machines.join('; ')}` : '',
                      ]
                          .filter(Boolean)
                          .join(', ')
                    : 'No image: call app.image(...)',
            };
            item.contextValue = 'image';
            if (img) item.command = openCommand(element.parent.summary.uri, img.range);
            return item;
        }
        case 'filter': {
            const item = new vscode.TreeItem(shortTermWords(element.term), C.None);
            item.id = element.id;
            if (SDK_DEFAULT_TERMS.has(element.term)) {
                item.description = 'SDK default';
                item.tooltip = `The SDK adds ${element.term} to every query unless the code sets it.`;
            } else {
                item.tooltip = `${termWords(element.term)}\nAs sent to Vast.ai: ${element.term}`;
            }
            item.iconPath = icon(SDK_DEFAULT_TERMS.has(element.term) ? 'filter' : 'filter-filled');
            item.contextValue = 'filter';
            return item;
        }
        case 'autoscaling': {
            const a = element.parent.summary.autoscaling;
            const entries = Object.entries(a ?? {});
            const item = new vscode.TreeItem('Autoscaling', entries.length ? C.Collapsed : C.None);
            item.id = element.id;
            // Each setting is a child row; the description only says how many, the tooltip lists them.
            item.description =
                a === undefined
                    ? 'not configured'
                    : entries.length
                      ? plural(entries.length, 'setting')
                      : 'service defaults';
            item.tooltip =
                a === undefined
                    ? 'configure_autoscaling() is not called: the service defaults apply.'
                    : entries.length
                      ? entries.map(([k, v]) => `${k} = ${String(v)}`).join('\n')
                      : 'configure_autoscaling() with no arguments: the service defaults apply.';
            item.iconPath = icon(
                a === undefined ? 'warning' : 'graph-line',
                a === undefined ? 'list.warningForeground' : undefined,
            );
            item.contextValue = 'autoscaling';
            return item;
        }
        case 'setting': {
            const item = new vscode.TreeItem(element.key, C.None);
            item.id = element.id;
            item.description = element.value;
            item.iconPath = icon('symbol-property');
            item.contextValue = 'setting';
            return item;
        }
        case 'workers': {
            const p = element.parent;
            const s = p.kind === 'deployment' ? status.get(p.summary) : status.getRemote(p.remote);
            const item = new vscode.TreeItem('Workers', C.Expanded);
            item.id = element.id;
            item.description = `${s.readyWorkers} ready of ${s.workers?.length ?? 0}`;
            item.iconPath = icon('server');
            item.contextValue = 'workers';
            return item;
        }
        case 'worker': {
            const w = element.worker;
            const kind = workerKind(w.status);
            const item = new vscode.TreeItem(`Worker ${w.id}`, C.None);
            item.id = element.id;
            const state = workerStateWords(w.status);
            const uptime = uptimeWords(w.startedAt);
            item.description = [state, w.reqsWorking ? `${w.reqsWorking} in flight` : ''].filter(Boolean).join(' · ');
            const version = (element.parent.kind === 'workers' && element.parent.parent.kind === 'deployment'
                ? status.get(element.parent.parent.summary)
                : undefined
            )?.outOfDate
                ? 'an older version of the code (out of date)'
                : 'the deployed code';
            item.tooltip = new vscode.MarkdownString(
                [
                    `**Worker ${w.id}**: ${state}`,
                    `Runs ${version}.`,
                    uptime ? `Up for ${uptime}.` : '',
                    w.reqsWorking ? `${w.reqsWorking} requests in flight.` : '',
                    status.workerRuntime ? `Runs ${status.workerRuntime}.` : '',
                    kind === 'error' && w.statusMsg ? failedWorkerMarkdown(w, element.parent) : '',
                    'Right-click → Show Logs for its output.',
                ]
                    .filter(Boolean)
                    .join('\n\n'),
            );
            item.accessibilityInformation = { label: `Worker ${w.id}, ${item.description}` };
            const ic = {
                ready: { id: 'pass-filled', color: 'testing.iconPassed' },
                starting: { id: 'loading~spin', color: undefined },
                updating: { id: 'sync~spin', color: 'charts.blue' },
                stopped: { id: 'debug-stop', color: 'disabledForeground' },
                error: { id: 'error', color: 'list.errorForeground' },
            }[kind];
            item.iconPath = icon(ic.id, ic.color);
            item.contextValue = `worker ${kind}`;
            return item;
        }
        case 'versions':
        case 'version':
            return versionTreeItem(element);
        case 'failure': {
            const f = element.failure;
            const item = new vscode.TreeItem(failureRowLabel(f), C.None);
            item.id = element.id;
            item.description = f.where ?? '';
            item.iconPath = icon('error', 'list.errorForeground');
            const md = new vscode.MarkdownString(failureMarkdown(f));
            md.appendMarkdown('\n\nClick to open where it raised; Show Logs for the whole worker output.');
            item.tooltip = md;
            item.contextValue = 'workerFailure';
            if (f.location) {
                const line = Math.max(0, f.location.line - 1);
                const range = { start: { line, character: 0 }, end: { line, character: 0 } };
                item.command = openCommand(vscode.Uri.file(f.location.file).toString(), range, 'Open Where It Raised');
            }
            item.accessibilityInformation = {
                label: `Worker failed: ${f.exception}${f.where ? ` at ${f.where}` : ''}`,
            };
            return item;
        }
        case 'message': {
            const item = new vscode.TreeItem(element.text, C.None);
            item.id = element.id;
            item.description = element.detail;
            if (element.tooltip) item.tooltip = element.tooltip;
            item.iconPath = icon(element.icon);
            item.contextValue = 'message';
            return item;
        }
        case 'remoteDeployment': {
            const r = element.remote;
            const s = status.getRemote(r);
            const item = new vscode.TreeItem(r.name, s.workers?.length || r.image ? C.Collapsed : C.None);
            item.id = element.id;
            const running = s.runningWorkers;
            // What may bill is what matters here: the running count, else the state (the tooltip has both).
            item.description = [
                r.tag !== 'default' ? r.tag : '',
                running > 0 ? `${plural(running, 'worker')} running` : shortStatus(s),
            ]
                .filter(Boolean)
                .join(' · ');
            item.tooltip = new vscode.MarkdownString(
                [
                    `**${r.name}** (tag \`${r.tag}\`), deployment id ${r.id}`,
                    '',
                    `Status: ${s.label}`,
                    '',
                    'Not defined by any file in this workspace.',
                    running > 0 ? `\n${plural(running, 'worker')} running: it may still be billing.` : '',
                ].join('\n'),
            );
            const ic = iconFor(s.state);
            item.iconPath = icon(ic.id, ic.color);
            item.contextValue = contextValueFor('remoteDeployment', s);
            return item;
        }
    }
}
