import Link from "next/link";
import type { ReactNode } from "react";
import { listUserWorkspaces } from "@/lib/db/queries/memberships";
import { getUserById } from "@/lib/db/queries/users";
import { getWorkspace } from "@/lib/db/queries/workspaces";
import { requirePage } from "@/lib/ui/session";
import { signOutAction } from "./actions";
import { WorkspaceSwitcher } from "./workspace-switcher";

export const dynamic = "force-dynamic";

const link = { color: "#111", textDecoration: "none", fontWeight: 500 } as const;

export default async function AppLayout({ children }: { children: ReactNode }) {
  const { principal, db } = await requirePage();
  const [user, workspace, workspaces] = await Promise.all([
    getUserById(db, principal.userId),
    getWorkspace(db, principal.workspaceId),
    principal.via === "session" ? listUserWorkspaces(db, principal.userId) : Promise.resolve([]),
  ]);
  return (
    <>
      <header style={{ display: "flex", gap: 16, alignItems: "center", padding: "10px 24px", background: "#fff", borderBottom: "1px solid #e5e5e5" }}>
        <strong>Hetumind</strong>
        <nav style={{ display: "flex", gap: 14 }}>
          <Link href="/workflows" style={link} data-testid="nav-workflows">Workflows</Link>
          <Link href="/executions" style={link} data-testid="nav-executions">Executions</Link>
          <Link href="/credentials" style={link} data-testid="nav-credentials">Credentials</Link>
          <Link href="/settings" style={link} data-testid="nav-settings">Settings</Link>
          <Link href="/nodes" style={link}>Nodes</Link>
        </nav>
        <span style={{ marginLeft: "auto", fontSize: 13, color: "#555" }} data-testid="whoami">
          {user?.email} · {workspace?.name} ({principal.role})
        </span>
        {workspaces.length > 1 && <WorkspaceSwitcher current={principal.workspaceId} workspaces={workspaces} />}
        <form action={signOutAction}>
          <button type="submit" data-testid="sign-out">Sign out</button>
        </form>
      </header>
      <main style={{ maxWidth: 1100, margin: "0 auto", padding: "16px 24px" }}>{children}</main>
    </>
  );
}
