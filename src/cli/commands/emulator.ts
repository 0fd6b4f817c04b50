/** `emulator`: delegates to the emulator's own CLI entry (src/emulator/cli.ts owns its flags and help). */
import { runEmulatorCli } from '../../emulator';
import type { Io } from '../common';

export function runEmulator(argv: string[], io: Io): Promise<number> {
    // The emulator handles SIGINT/SIGTERM itself and stops its workers before resolving.
    return runEmulatorCli(argv, { out: io.out, err: io.err });
}
