import Link from "next/link";
import { redirect } from "next/navigation";
import { currentPrincipal } from "@/lib/ui/session";
import { AuthForm } from "../auth-form";

export const dynamic = "force-dynamic";

export default async function SignUpPage() {
  const { principal } = await currentPrincipal();
  if (principal) redirect("/workflows");
  return (
    <>
      <h1 style={{ marginTop: 0 }}>Create your Hetumind account</h1>
      <AuthForm mode="sign-up" />
      <p>
        Have an account? <Link href="/sign-in">Sign in</Link>
      </p>
    </>
  );
}
