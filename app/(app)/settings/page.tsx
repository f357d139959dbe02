import { hasRole } from "@/lib/auth/roles";
import { listApiKeys } from "@/lib/db/queries/api-keys";
import { listInvites } from "@/lib/db/queries/invites";
import { listMembers } from "@/lib/db/queries/memberships";
import { getWorkspace } from "@/lib/db/queries/workspaces";
import { requirePage } from "@/lib/ui/session";
import { cell, formatTime, table } from "@/lib/ui/status-badge";
import { changeRoleAction, removeMemberAction, revokeApiKeyAction, revokeInviteAction } from "./actions";
import { ApiKeyForm, InviteForm, RoleForm, RowActionButton } from "./settings-forms";

export const dynamic = "force-dynamic";

/**
 * Workspace settings. Everyone sees the members and manages their own API keys; owners also invite, change roles,
 * remove members, revoke invites and see every key. Controls a role cannot use are not shown (the actions check too).
 */
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
  const now = Date.now();
  return (
    <>
      <h1>Workspace settings: {workspace?.name}</h1>
      <p style={{ color: "#555", fontSize: 14 }} data-testid="my-role">
        Your role here: <strong>{principal.role}</strong>
        {owner ? "" : " (owners manage members and invites)"}
      </p>

      <h2>Members</h2>
      <table style={table} data-testid="members-table">
        <thead>
          <tr>
            <th style={cell}>Email</th>
            <th style={cell}>Name</th>
            <th style={cell}>Role</th>
            <th style={cell}>Joined</th>
            {owner && <th style={cell} />}
          </tr>
        </thead>
        <tbody>
          {members.map((member) => (
            <tr key={member.userId} data-testid="member-row" data-email={member.email}>
              <td style={cell}>
                {member.email}
                {member.userId === principal.userId ? " (you)" : ""}
              </td>
              <td style={cell}>{member.name}</td>
              <td style={cell}>
                <span data-testid="member-role">{member.role}</span>
                {owner && (
                  <div style={{ marginTop: 4 }}>
                    <RoleForm action={changeRoleAction} userId={member.userId} role={member.role} />
                  </div>
                )}
              </td>
              <td style={cell}>{formatTime(member.joinedAt)}</td>
              {owner && (
                <td style={cell}>
                  <RowActionButton
                    action={removeMemberAction}
                    fields={{ userId: member.userId }}
                    label={member.userId === principal.userId ? "Leave" : "Remove"}
                    testId="member-remove"
                    confirm={`Remove ${member.email} from ${workspace?.name ?? "this workspace"}?`}
                  />
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>

      {owner && (
        <>
          <h2>Invite a member</h2>
          <InviteForm />
          <h2>Pending invites</h2>
          {invites.length === 0 ? (
            <p data-testid="invites-empty">No pending invites.</p>
          ) : (
            <table style={table} data-testid="invites-table">
              <thead>
                <tr>
                  <th style={cell}>Email</th>
                  <th style={cell}>Role</th>
                  <th style={cell}>Expires</th>
                  <th style={cell} />
                </tr>
              </thead>
              <tbody>
                {invites.map((invite) => (
                  <tr key={invite.id} data-testid="invite-row" data-email={invite.email}>
                    <td style={cell}>{invite.email}</td>
                    <td style={cell}>{invite.role}</td>
                    <td style={cell}>
                      {formatTime(invite.expiresAt)}
                      {new Date(invite.expiresAt).getTime() <= now ? " (expired)" : ""}
                    </td>
                    <td style={cell}>
                      <RowActionButton action={revokeInviteAction} fields={{ id: invite.id }} label="Revoke" testId="invite-revoke" />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}

      <h2>API keys{owner ? "" : " (yours)"}</h2>
      <p style={{ color: "#555", fontSize: 14 }}>A key acts as its creator in this workspace, with their role; send it as <code>Authorization: Bearer hm_…</code>.</p>
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
              <tr key={key.id} data-testid="api-key-row" data-key-name={key.name} data-revoked={String(Boolean(key.revokedAt))}>
                <td style={cell}>{key.name}</td>
                <td style={cell}>
                  <code data-testid="api-key-prefix">{key.prefix}…</code>
                </td>
                <td style={cell}>{emails.get(key.userId) ?? "(former member)"}</td>
                <td style={cell}>{formatTime(key.createdAt)}</td>
                <td style={cell}>{formatTime(key.lastUsedAt) || "never"}</td>
                <td style={cell}>
                  {key.revokedAt ? (
                    <span data-testid="api-key-revoked" style={{ color: "#777" }}>
                      revoked {formatTime(key.revokedAt)}
                    </span>
                  ) : (
                    <RowActionButton action={revokeApiKeyAction} fields={{ id: key.id }} label="Revoke" testId="api-key-revoke" confirm={`Revoke "${key.name}"? Scripts using it stop working.`} />
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
