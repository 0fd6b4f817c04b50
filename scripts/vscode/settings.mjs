// User settings of the test and `npm start` profiles: a quiet workbench that shows the extension, not tips,
// update checks or the marketplace (offline here anyway).

/** Settings every profile gets; callers add Workspace Trust and `vastDeployments.*`. */
export function baseSettings() {
    return {
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
        'workbench.enableExperiments': false,
        'workbench.welcomePage.walkthroughs.openOnInstall': false,
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'extensions.ignoreRecommendations': true,
        'security.workspace.trust.startupPrompt': 'never',
        'security.workspace.trust.emptyWindow': false,
        'git.enabled': false,
        'window.commandCenter': false,
        'chat.disableAIFeatures': true,
        'chat.commandCenter.enabled': false,
    };
}
