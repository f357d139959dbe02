import { hasRole } from "@/lib/auth/roles";
import { credentialTypeDefinitions } from "@/lib/credentials";
import { listCredentials } from "@/lib/db/queries/credentials";
import { requirePage } from "@/lib/ui/session";
import { cell, formatTime, table } from "@/lib/ui/status-badge";
import { CredentialDeleteButton, CredentialForm, type CredentialFormField, CredentialTestButton, type StoredCredential } from "./credential-form";

export const dynamic = "force-dynamic";

function formFields(definition: (typeof credentialTypeDefinitions)[number]): CredentialFormField[] {
  const shape = definition.fields.shape as Record<string, { safeParse(value: unknown): { success: boolean } }>;
  const hints = (definition.fieldHints ?? {}) as Record<string, { label?: string; placeholder?: string; description?: string } | undefined>;
  return Object.keys(shape).map((name) => ({
    name,
    label: hints[name]?.label ?? name,
    placeholder: hints[name]?.placeholder,
    description: hints[name]?.description,
    secret: (definition.secretFields as string[]).includes(name),
    required: !shape[name].safeParse(undefined).success,
  }));
}

/** What an edit form may know of a stored credential: plain values, and only whether each secret is set. */
function storedForForm(row: Awaited<ReturnType<typeof listCredentials>>[number]): StoredCredential {
  const values: Record<string, string> = {};
  const secretsStored: Record<string, boolean> = {};
  for (const [field, value] of Object.entries(row.data)) {
    if (typeof value === "string") values[field] = value;
    else secretsStored[field] = value.set;
  }
  return { id: row.id, name: row.name, values, secretsStored };
}

export default async function CredentialsPage() {
  const { principal, db } = await requirePage();
  const canEdit = hasRole(principal.role, "editor");
  const rows = await listCredentials(db, principal.workspaceId);
  const definitions = new Map(credentialTypeDefinitions.map((definition) => [definition.type, definition]));
  return (
    <>
      <h1>Credentials</h1>
      {rows.length === 0 ? (
        <p data-testid="credentials-empty">No credentials yet.</p>
      ) : (
        <table style={table} data-testid="credentials-table">
          <thead>
            <tr>
              <th style={cell}>Name</th>
              <th style={cell}>Type</th>
              <th style={cell}>Fields</th>
              <th style={cell}>Updated</th>
              <th style={cell} />
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id} data-testid="credential-row" data-credential-id={row.id} data-credential-name={row.name}>
                <td style={cell} data-testid="credential-row-name">{row.name}</td>
                <td style={cell}>{definitions.get(row.type)?.displayName ?? row.type}</td>
                <td style={cell}>
                  {row.error ? (
                    <span style={{ color: "#b00020" }}>cannot be decrypted (the encryption key changed)</span>
                  ) : (
                    Object.entries(row.data).map(([field, value]) => (
                      <div key={field} style={{ fontSize: 13 }} data-testid="credential-row-field" data-field={field}>
                        <code>{field}</code>: {typeof value === "string" ? value : value.set ? "•••• (stored)" : "(not set)"}
                      </div>
                    ))
                  )}
                </td>
                <td style={cell}>{formatTime(row.updatedAt)}</td>
                <td style={cell}>
                  {canEdit && (
                    <div style={{ display: "grid", gap: 6 }}>
                      <div>
                        <CredentialTestButton id={row.id} /> <CredentialDeleteButton id={row.id} name={row.name} />
                      </div>
                      {definitions.has(row.type) && !row.error && (
                        <details data-testid="credential-edit">
                          <summary>Edit</summary>
                          <CredentialForm type={row.type} displayName={definitions.get(row.type)!.displayName} fields={formFields(definitions.get(row.type)!)} stored={storedForForm(row)} />
                        </details>
                      )}
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canEdit && (
        <>
          <h2>New credential</h2>
          {credentialTypeDefinitions.map((definition) => (
            <details key={definition.type} style={{ background: "#fff", border: "1px solid #e5e5e5", borderRadius: 8, padding: 10, marginBottom: 8 }} data-testid={`credential-type-${definition.type}`}>
              <summary>
                <strong>{definition.displayName}</strong> <span style={{ color: "#777" }}>{definition.description}</span>
              </summary>
              <CredentialForm type={definition.type} displayName={definition.displayName} fields={formFields(definition)} />
            </details>
          ))}
        </>
      )}
    </>
  );
}
