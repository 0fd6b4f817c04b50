/** The diagnostics rules: pure functions from the analysis model to problems with quick fixes. */
export { ALL_CODES, CODES, DIAGNOSTIC_SOURCE, isCode, type Code, type CodeInfo } from './codes';
export type { FileRuleContext, Fix, PathKind, Problem, RelatedInfo, Severity, TextEdit } from './types';
export { checkFile } from './check';
export { checkWorkspace, deploymentKey, type WorkspaceFile } from './workspace';
export { applySettings } from './problems';
export { applyEdits } from './edits';
