/** The local Vast emulator: public entry points for the CLI, the extension and tests. */
export { startEmulator, findShimDir } from './server';
export type { EmulatorOptions, EmulatorHandle, EmulatorWorkerInfo } from './server';
export { runEmulatorCli, parseEmulatorArgs, EMULATOR_USAGE, UsageError } from './cli';
export type { CliIo } from './cli';
export type { FaultRule } from './faults';
export { StateInUseError, stillHolds, type StateOwner } from './stateLock';
