import * as vscode from 'vscode';

/**
 * Every question and message the extension puts in front of the user goes through this, so the extension-host suite
 * can answer modals (which would otherwise block it) and read what was said. Non-modal notifications are never awaited
 * by commands, so a test (or a user) who ignores them never blocks anything.
 */
export interface Ui {
    /** A modal question; resolves to the chosen action or undefined (Cancel / Escape). */
    confirm(message: string, detail: string, ...actions: string[]): Promise<string | undefined>;
    /** A notification; resolves when the user picks an action or dismisses it. */
    notify(kind: 'info' | 'warning' | 'error', message: string, ...actions: string[]): Promise<string | undefined>;
    input(options: vscode.InputBoxOptions): Promise<string | undefined>;
    pick<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Promise<T | undefined>;
}

export const vscodeUi: Ui = {
    async confirm(message, detail, ...actions) {
        return vscode.window.showWarningMessage(message, { modal: true, detail }, ...actions);
    },
    async notify(kind, message, ...actions) {
        switch (kind) {
            case 'info':
                return vscode.window.showInformationMessage(message, ...actions);
            case 'warning':
                return vscode.window.showWarningMessage(message, ...actions);
            case 'error':
                return vscode.window.showErrorMessage(message, ...actions);
        }
    },
    async input(options) {
        return vscode.window.showInputBox(options);
    },
    async pick(items, options) {
        return vscode.window.showQuickPick(items, options);
    },
};
