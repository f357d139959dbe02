import type { ReactNode } from "react";

export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <main style={{ maxWidth: 380, margin: "64px auto", padding: 24, background: "#fff", border: "1px solid #e5e5e5", borderRadius: 8 }}>
      {children}
    </main>
  );
}
