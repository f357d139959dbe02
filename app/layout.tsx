import type { ReactNode } from "react";

export const metadata = {
  title: "Hetumind",
  description: "AI-agent workflows that survive restarts.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body style={{ fontFamily: "system-ui, sans-serif", margin: 0, background: "#fafafa", color: "#111" }}>{children}</body>
    </html>
  );
}
