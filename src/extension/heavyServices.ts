/**
 * The services of the second bundle (dist/extensionHeavy.js, entry ./heavy): everything activation does not need. The language client, the HTTP
 * client (undici), packaging, the deploy/benchmark pipeline, the embedded emulator and the benchmark webview's HTML
 * are parsed only when first used, through `heavy()` in ./lazy. Classes whose `instanceof` the light bundle checks
 * (ApiError) are exported from here so both sides test against the same class.
 */
export { startLanguageClient, listDeployments, onDeploymentsChanged, refreshCodeLenses } from './client';
export { startEmbeddedEmulator } from './emulatorHost';
export { VastClient } from '../pipeline/api/client';
export { ApiError } from '../pipeline/api/errors';
export { localHash } from './pipelineBridge';
export { noMachineMessage } from '../pipeline/run/market';
export { renderBenchmarkHtml } from './views/benchmarkHtml';
