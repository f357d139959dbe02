/** The templates shipped in templates/ validate against the node registry, and importing fills their credential placeholders. */
import { describe, expect, it } from "vitest";
import { instantiateTemplate, listTemplates, templateDocument, TemplateNotFoundError } from "@/lib/templates";
import { validateWorkflow } from "@/lib/workflow/validate";
import { nodeRegistry } from "@/nodes";

describe("templates", () => {
  it("ships the support agent, the MCP agent and the webhook classifier, each valid against the registry", () => {
    const templates = listTemplates();
    expect(templates.map((template) => template.id)).toEqual(["support-agent", "mcp-agent", "webhook-classifier"]);
    for (const template of templates) {
      const result = validateWorkflow(templateDocument(template.id), nodeRegistry);
      expect({ template: template.id, problems: result.ok ? [] : result.problems }).toEqual({ template: template.id, problems: [] });
      expect(template.description.length).toBeGreaterThan(20);
      expect(template.credentials).toEqual([{ type: "openAiCompatibleApi", nodes: ["Chat Model"] }]);
    }
  });

  it("each has the nodes its description promises", () => {
    const types = Object.fromEntries(listTemplates().map((template) => [template.id, template.nodeTypes]));
    expect(types["support-agent"]).toEqual(["hetumind.chatTrigger", "hetumind.agent", "hetumind.lmChatOpenAiCompatible", "hetumind.memoryPostgresChat", "hetumind.toolHttpRequest"]);
    expect(types["mcp-agent"]).toEqual(["hetumind.chatTrigger", "hetumind.agent", "hetumind.lmChatOpenAiCompatible", "hetumind.memoryBufferWindow", "hetumind.mcpClientTool"]);
    expect(types["webhook-classifier"]).toEqual(["hetumind.webhook", "hetumind.chainLlm", "hetumind.lmChatOpenAiCompatible", "hetumind.outputParserStructured", "hetumind.respondToWebhook"]);
  });

  it("instantiating points the placeholders at the chosen credential and leaves the others to fill", () => {
    const filled = instantiateTemplate("support-agent", { openAiCompatibleApi: { id: "cred-1", name: "Local Ollama" } });
    expect(filled.nodes.find((node) => node.name === "Chat Model")?.credentials).toEqual({ openAiCompatibleApi: { id: "cred-1", name: "Local Ollama" } });
    expect(filled.meta).toEqual({ templateId: "support-agent" });
    const unfilled = instantiateTemplate("support-agent");
    expect(unfilled.nodes.find((node) => node.name === "Chat Model")?.credentials).toEqual({ openAiCompatibleApi: { id: "placeholder:openAiCompatibleApi", name: "OpenAI-compatible model" } });
    // The shipped document is not changed by an import.
    expect(templateDocument("support-agent").nodes.find((node) => node.name === "Chat Model")?.credentials?.openAiCompatibleApi.id).toBe("placeholder:openAiCompatibleApi");
    expect(() => instantiateTemplate("nope")).toThrow(TemplateNotFoundError);
  });
});
