// JSON sign-out: 204, clearing the session cookie (a JWT cannot be revoked server-side before it expires).
import { signOutResponse } from "@/lib/auth/password-sign-in-route";

export function POST(): Response {
  return signOutResponse();
}
