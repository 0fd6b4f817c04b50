import type { Range } from './model';

/** Command ids shared by the language server (CodeLens) and the extension (registration, menus). */
export const CommandId = {
    deploy: 'vastDeployments.deploy',
    benchmark: 'vastDeployments.benchmark',
    tearDown: 'vastDeployments.tearDown',
    refresh: 'vastDeployments.refresh',
    setApiKey: 'vastDeployments.setApiKey',
    clearApiKey: 'vastDeployments.clearApiKey',
    showLogs: 'vastDeployments.showLogs',
    stop: 'vastDeployments.stop',
    start: 'vastDeployments.start',
    openInConsole: 'vastDeployments.openInConsole',
    chooseTarget: 'vastDeployments.chooseTarget',
    openDefinition: 'vastDeployments.openDefinition',
    newDeployment: 'vastDeployments.newDeployment',
    openWalkthrough: 'vastDeployments.openWalkthrough',
    callFunction: 'vastDeployments.callFunction',
    serveLocally: 'vastDeployments.serveLocally',
    stopServing: 'vastDeployments.stopServing',
    showMachines: 'vastDeployments.showMachines',
    openCallTraceback: 'vastDeployments.openCallTraceback',
} as const;

export type CommandIdValue = (typeof CommandId)[keyof typeof CommandId];

/**
 * The JSON argument of the CodeLens commands (`vastDeployments.deploy` and friends). It crosses JSON, so the uri is a
 * string and the range an LSP range, never a `vscode.Uri`.
 */
export interface DeploymentRef {
    uri: string;
    /** The deployment's name as the SDK would send it (`__main__` for an unnamed one run as a script). */
    name: string;
    tag: string;
    range: Range;
}
