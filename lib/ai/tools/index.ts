/** Agent tools the tool sub-nodes supply. See docs/ai-tools.md. */
export { createHttpRequestTool, type HttpRequestToolOptions, type HttpToolBody, type HttpToolMethod, type NameValue } from "./http-request-tool";
export { createCodeTool, type CodeToolOptions } from "./code-tool";
export { createWorkflowTool, itemsAsToolResult, type WorkflowToolOptions, type RunWorkflowForTool } from "./workflow-tool";
export { createCalculatorTool, calculate, loadCalculator } from "./calculator-tool";
export { ToolConfigError, ToolExecutionError, assertToolName, toToolName } from "./errors";
export type { PlaceholderDefinition, PlaceholderType } from "./placeholders";
