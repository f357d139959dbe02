"use client";
/** The header's workspace switcher (only rendered for users in several workspaces). */
import { switchWorkspaceAction } from "./actions";

export function WorkspaceSwitcher({ current, workspaces }: { current: string; workspaces: Array<{ workspaceId: string; name: string; role: string }> }) {
  return (
    <form action={switchWorkspaceAction} data-testid="workspace-switcher" style={{ display: "inline-flex", gap: 4, alignItems: "center" }}>
      <select
        name="workspaceId"
        defaultValue={current}
        key={current}
        aria-label="Workspace"
        data-testid="workspace-select"
        onChange={(event) => event.currentTarget.form?.requestSubmit()}
      >
        {workspaces.map((workspace) => (
          <option key={workspace.workspaceId} value={workspace.workspaceId}>
            {workspace.name} ({workspace.role})
          </option>
        ))}
      </select>
      <noscript>
        <button type="submit">Switch</button>
      </noscript>
    </form>
  );
}
