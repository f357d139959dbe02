/**
 * What every import path (API route, UI action, CLI, templates) calls: an n8n export is mapped (with a report),
 * our own JSON passes as it is. Validation stays with the caller (the same `validateWorkflow` as a create).
 */
import type { NodeRegistry } from "@/lib/workflow/node-definition";
import { convertN8nWorkflow, type ConvertedWorkflow, type ExistingCredential } from "./convert";
import { isN8nWorkflow } from "./detect";
import { emptyReport, type ImportReport } from "./types";

export function prepareImport(document: unknown, registry: NodeRegistry, existingCredentials: readonly ExistingCredential[] = []): ConvertedWorkflow {
  if (isN8nWorkflow(document)) return convertN8nWorkflow(document, registry, existingCredentials);
  return { workflow: document as ConvertedWorkflow["workflow"], report: emptyReport("hetumind") };
}

/** The report as lines for a terminal (the CLI prints it). */
export function formatImportReport(report: ImportReport): string[] {
  if (report.format !== "n8n") return [];
  const lines = [`Imported from n8n: ${report.mapped.length} node(s) mapped, ${report.unsupported.length} kept disabled.`];
  for (const entry of report.unsupported) lines.push(`  disabled  "${entry.node}" (${entry.type} v${entry.typeVersion}): ${entry.reason}`);
  for (const entry of report.credentials) {
    const what = `"${entry.node}" ${entry.n8nType}${entry.n8nName ? ` "${entry.n8nName}"` : ""}`;
    if (entry.status === "linked") lines.push(`  credential linked  ${what} -> ${entry.expectedType} ${entry.credentialId}`);
    else if (entry.status === "placeholder") lines.push(`  credential to fill  ${what}: expects ${entry.expectedType} (${entry.credentialId}); ${entry.reason}`);
    else lines.push(`  credential dropped  ${what}: ${entry.reason}`);
  }
  for (const warning of report.warnings) lines.push(`  warning  ${warning.node ? `"${warning.node}"` : ""}${warning.path ? ` ${warning.path}` : ""}: ${warning.message}`);
  return lines;
}

export { convertN8nWorkflow, isCredentialPlaceholder, CREDENTIAL_PLACEHOLDER_PREFIX, n8nMappers, type ExistingCredential } from "./convert";
export { isN8nWorkflow } from "./detect";
export type { ImportReport } from "./types";
