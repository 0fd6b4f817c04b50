// The suite's passes, shared by test:vscode (server build in headless Chromium) and test:electron (desktop build).
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { repoRoot } from './install.mjs';
import { baseSettings } from './settings.mjs';

export const PASSES = ['trusted', 'untrusted'];

/** The workspace the suite opens: the suite's fixture workspace (test/fixtures/workspace), else the examples. */
export function fixtureWorkspace() {
    const own = join(repoRoot, 'test', 'fixtures', 'workspace');
    return existsSync(own) ? own : join(repoRoot, 'examples');
}

/** A throwaway copy of the fixture workspace, so what the tests write never touches the repo. */
export function copyWorkspace(pass) {
    const dir = join(mkdtempSync(join(tmpdir(), `vast-ws-${pass}-`)), 'workspace');
    cpSync(fixtureWorkspace(), dir, { recursive: true, filter: (src) => !src.includes('__pycache__') });
    return { dir, remove: () => rmSync(dirname(dir), { recursive: true, force: true }) };
}

/** User settings of a pass: trusted = Workspace Trust off; untrusted = on, and the folder never trusted. */
export function passSettings(pass) {
    if (!PASSES.includes(pass)) throw new Error(`unknown pass ${pass} (expected ${PASSES.join(' or ')})`);
    return {
        ...baseSettings(),
        'security.workspace.trust.enabled': pass === 'untrusted',
        'vastDeployments.target': 'local',
    };
}
