import Link from "next/link";
import { redirect } from "next/navigation";
import { currentPrincipal } from "@/lib/ui/session";
import { AuthForm } from "../auth-form";

export const dynamic = "force-dynamic";

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string; error?: string; code?: string }> }) {
  const { principal } = await currentPrincipal();
  if (principal) redirect("/workflows");
  const params = await searchParams;
  return (
    <>
      <h1 style={{ marginTop: 0 }}>Sign in to Hetumind</h1>
      {params.error && (
        <p role="alert" style={{ color: "#b00020" }}>
          {params.code === "rate_limited" ? "Too many failed attempts; try again later." : "Invalid email or password."}
        </p>
      )}
      <AuthForm mode="sign-in" next={params.next} />
      <p>
        No account? <Link href="/sign-up">Sign up</Link>
      </p>
    </>
  );
}
