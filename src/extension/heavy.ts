/**
 * The entry of the second bundle (dist/extensionHeavy.js): the services in ./heavyServices plus the two commands
 * that need packaging and the pipeline. Only the command layer sees this module's full type (through `heavyBundle()` in
 * ./commands/index); everything below it sees the services, so nothing below commands imports commands.
 */
export * from './heavyServices';
export { deploy } from './commands/deploy';
export { benchmark } from './commands/benchmark';
export { callFunction } from './commands/callFunction';
export { serveLocally, stopServing } from './commands/serve';
