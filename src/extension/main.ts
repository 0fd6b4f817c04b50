// Placeholder entry until the extension issue lands its activation code.
export function activate(): void {}
export function deactivate(): void {}
