import Link from "next/link";
import { redirect } from "next/navigation";
import { currentPrincipal } from "@/lib/ui/session";
import { AuthForm } from "../auth-form";
import { OAuthButtons } from "../oauth-buttons";

export const dynamic = "force-dynamic";

function safeNext(value: string | undefined): string | undefined {
  return value && value.startsWith("/") && !value.startsWith("//") ? value : undefined;
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string; error?: string; code?: string }> }) {
  const params = await searchParams;
  const next = safeNext(params.next);
  const { principal } = await currentPrincipal();
  if (principal) redirect(next ?? "/workflows");
  return (
    <>
      <h1 style={{ marginTop: 0 }}>Sign in to Hetumind</h1>
      {params.error && (
        <p role="alert" style={{ color: "#b00020" }}>
          {params.code === "rate_limited"
            ? "Too many failed attempts; try again later."
            : params.error === "CredentialsSignin"
              ? "Invalid email or password."
              : "That sign-in did not work (the provider gave no verified email, or refused)."}
        </p>
      )}
      <OAuthButtons next={next} />
      <AuthForm mode="sign-in" next={next} />
      <p>
        No account? <Link href={next?.startsWith("/sign-up?invite=") ? next : "/sign-up"}>Sign up</Link>
      </p>
    </>
  );
}
