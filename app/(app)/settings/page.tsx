import { hasRole } from "@/lib/auth/roles";
import { listApiKeys } from "@/lib/db/queries/api-keys";
import { listInvites } from "@/lib/db/queries/invites";
import { listMembers } from "@/lib/db/queries/memberships";
import { getWorkspace } from "@/lib/db/queries/workspaces";
import { requirePage } from "@/lib/ui/session";
import { cell, formatTime, table } from "@/lib/ui/status-badge";
import { revokeApiKeyAction } from "./actions";
import { ApiKeyForm } from "./api-key-form";

export const dynamic = "force-dynamic";

export default async function SettingsPage() {
  const { principal, db } = await requirePage();
  const owner = hasRole(principal.role, "owner");
  const [workspace, members, keys, invites] = await Promise.all([
    getWorkspace(db, principal.workspaceId),
    listMembers(db, principal.workspaceId),
    listApiKeys(db, principal.workspaceId, owner ? {} : { userId: principal.userId }),
    owner ? listInvites(db, principal.workspaceId) : Promise.resolve([]),
  ]);
  const emails = new Map(members.map((member) => [member.userId, member.email]));
  return (
    <>
      <h1>Workspace settings: {workspace?.name}</h1>
      <h2>Members</h2>
      <table style={table} data-testid="members-table">
        <thead>
          <tr>
            <th style={cell}>Email</th>
            <th style={cell}>Name</th>
            <th style={cell}>Role</th>
            <th style={cell}>Joined</th>
          </tr>
        </thead>
        <tbody>
          {members.map((member) => (
            <tr key={member.userId} data-testid="member-row">
              <td style={cell}>{member.email}</td>
              <td style={cell}>{member.name}</td>
              <td style={cell} data-testid="member-role">
                {member.role}
              </td>
              <td style={cell}>{formatTime(member.joinedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {owner && invites.length > 0 && (
        <>
          <h2>Pending invites</h2>
          <ul data-testid="invites-list">
            {invites
              .filter((invite) => !invite.acceptedAt)
              .map((invite) => (
                <li key={invite.id}>
                  {invite.email} as {invite.role}, expires {formatTime(invite.expiresAt)}
                </li>
              ))}
          </ul>
        </>
      )}
      <h2>API keys{owner ? "" : " (yours)"}</h2>
      <ApiKeyForm />
      {keys.length === 0 ? (
        <p data-testid="api-keys-empty">No API keys.</p>
      ) : (
        <table style={table} data-testid="api-keys-table">
          <thead>
            <tr>
              <th style={cell}>Name</th>
              <th style={cell}>Key</th>
              <th style={cell}>Owner</th>
              <th style={cell}>Created</th>
              <th style={cell}>Last used</th>
              <th style={cell} />
            </tr>
          </thead>
          <tbody>
            {keys.map((key) => (
              <tr key={key.id} data-testid="api-key-row">
                <td style={cell}>{key.name}</td>
                <td style={cell}>
                  <code>{key.prefix}…</code>
                </td>
                <td style={cell}>{emails.get(key.userId) ?? key.userId}</td>
                <td style={cell}>{formatTime(key.createdAt)}</td>
                <td style={cell}>{formatTime(key.lastUsedAt) || "never"}</td>
                <td style={cell}>
                  {key.revokedAt ? (
                    <span style={{ color: "#777" }}>revoked {formatTime(key.revokedAt)}</span>
                  ) : (
                    <form action={revokeApiKeyAction}>
                      <input type="hidden" name="id" value={key.id} />
                      <button type="submit" data-testid="api-key-revoke">
                        Revoke
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
