import * as vscode from 'vscode';
import type { TreeNode } from './nodes';
import { versionRowWords, versionsGroupDescription, versionsGroupTooltip } from './versionWords';

type VersionNode = Extract<TreeNode, { kind: 'versions' } | { kind: 'version' }>;

/** The children of a "Versions" row: the versions newest first, or one row saying why there are none yet. */
export function versionChildren(element: Extract<TreeNode, { kind: 'versions' }>): TreeNode[] {
    const v = element.view;
    if (v.kind === 'loading') {
        return [
            {
                kind: 'message',
                id: `${element.id}/loading`,
                parent: element,
                text: 'Loading versions…',
                icon: 'loading~spin',
            },
        ];
    }
    if (v.kind === 'error') {
        return [
            {
                kind: 'message',
                id: `${element.id}/error`,
                parent: element,
                text: 'Versions unavailable',
                detail: v.reason,
                icon: 'warning',
            },
        ];
    }
    if (v.data.versions.length === 0) {
        return [{ kind: 'message', id: `${element.id}/none`, parent: element, text: 'No versions yet', icon: 'info' }];
    }
    return v.data.versions.map((row) => ({
        kind: 'version' as const,
        id: `${element.id}/${row.id}`,
        parent: element,
        row,
        data: v.data,
    }));
}

/** The TreeItem of a "Versions" row or of one version. */
export function versionTreeItem(element: VersionNode): vscode.TreeItem {
    if (element.kind === 'versions') {
        const item = new vscode.TreeItem('Versions', vscode.TreeItemCollapsibleState.Collapsed);
        item.id = element.id;
        item.description = versionsGroupDescription(element.view);
        item.iconPath = new vscode.ThemeIcon('versions');
        item.tooltip = versionsGroupTooltip(element.view);
        item.contextValue = 'versions';
        return item;
    }
    const w = versionRowWords(element.row, element.data);
    const item = new vscode.TreeItem(w.label, vscode.TreeItemCollapsibleState.None);
    item.id = element.id;
    item.description = w.description;
    item.tooltip = new vscode.MarkdownString(w.tooltip);
    item.iconPath = new vscode.ThemeIcon(w.icon.id, w.icon.color ? new vscode.ThemeColor(w.icon.color) : undefined);
    item.contextValue = `version${element.row.current ? ' current' : ''}${element.row.lastHealthy ? ' lastHealthy' : ''}`;
    item.accessibilityInformation = { label: `${w.label}, ${w.description}` };
    return item;
}
