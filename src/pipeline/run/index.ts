/** Deploy, plan, wait and benchmark orchestration (vscode-free; used by the CLI and the extension). */
export {
    deploy,
    deployFile,
    DeployError,
    AnalyseError,
    type DeployOptions,
    type DeployProgress,
    type DeployResult,
    type DeployStep,
    type DeployFileStep,
} from './deploy';
export { computePlan, type ServerPlan } from './plan';
export { NoWorkerPossibleError, waitForReady, WorkerStartupError, type WaitOptions } from './wait';
export { describeWorkers } from '../../shared/workerStates';
export { mapTraceback, formatLocation, userPathFor, type MappedTraceback, type SourceLocation } from './traceback';
export { invoke, runBenchmark, type BenchmarkOptions, type BenchmarkResult, type BenchmarkSample } from './benchmark';
export {
    loadDeployment,
    loadBenchmark,
    loadFunction,
    formatSpecError,
    SpecLoadError,
    type BenchmarkTarget,
} from './load';
export { callFunction, defaultHistoryFile, PayloadHistory, type CallOutcome, type CallRequest } from './call';
export {
    marketInput,
    NO_MACHINE_ADVICE,
    noMachineMessage,
    searchMachines,
    type MarketInput,
    type MarketResult,
} from './market';
export { ServeSession, type ServeEvent, type ServeOptions } from './serve';
export { SourceFileError } from './sourceFile';
export { fileRefusals, type FileRefusals } from './gate';
