// Starts the project's local Vast emulator (src/emulator, compiled by tsc to out/src/emulator) in this process, on
// 127.0.0.1, for the trusted test pass: tests that need a second, runner-owned emulator (a wrong key against
// target "vast", fault injection through its admin API) find it in the suite config. The extension under test starts
// its own embedded emulator for target "local".
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './install.mjs';
import { onShutdown } from './runSuite.mjs';

const ENTRY = join(repoRoot, 'out', 'src', 'emulator', 'index.js');

/**
 * @param {{ log?: (line: string) => void, python?: string, stateDir?: string }} [options]
 * @returns {Promise<{ url: string, apiKey: string, adminToken: string, stop: () => Promise<void> }>}
 */
export async function startLocalEmulator({ log = console.log, python = process.env.VAST_PYTHON, stateDir } = {}) {
    if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: compile first (npx tsc -p .)`);
    const mod = await import(pathToFileURL(ENTRY).href);
    const startEmulator = mod.startEmulator ?? mod.default?.startEmulator;
    if (typeof startEmulator !== 'function') throw new Error(`${ENTRY} exports no startEmulator()`);
    // Our own key, so the runner can hand it to the suite without reading it back from the emulator's state.
    const apiKey = `emu_${randomBytes(16).toString('hex')}`;
    const emu = await startEmulator({
        host: '127.0.0.1',
        port: 0,
        apiKeys: [apiKey],
        ...(python ? { python } : {}),
        ...(stateDir ? { stateDir } : {}),
    });
    log(`local emulator on ${emu.url}`);
    // Its workers run in process groups of their own: a signal must stop them too, not only the VS Code server.
    const unhook = onShutdown(() => emu.stop());
    return {
        url: emu.url,
        apiKey,
        adminToken: emu.adminToken,
        stop: async () => {
            unhook();
            await emu.stop();
        },
    };
}
