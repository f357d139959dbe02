/**
 * JSON sign-up: POST {email, password, name?, workspaceName?, inviteToken?} -> 201 {user, workspaceId, role, firstUser}
 * + the session cookie (signed in at once). 409 email taken, 410 bad invite, 422 short password or bad body, 400 bad
 * JSON. The first account on an instance owns the default workspace (lib/auth/sign-up.ts).
 */
import { z } from "zod";
import { signUp } from "@/lib/auth/sign-up";
import { parseJsonBody } from "@/lib/http/body";
import { route } from "@/lib/http/route";
import { isSecureRequest, sessionSetCookie } from "@/lib/ui/session-cookie";

const signUpSchema = z.object({
  email: z.string().trim().min(3).max(320).email(),
  password: z.string().min(1).max(1024),
  name: z.string().trim().max(200).optional(),
  workspaceName: z.string().trim().max(200).optional(),
  inviteToken: z.string().min(1).max(200).optional(),
});

export const POST = route({ auth: "none" }, async ({ request, db }) => {
  const body = await parseJsonBody(request, signUpSchema, { maxBytes: 16 * 1024 });
  const result = await signUp(db, {
    email: body.email,
    password: body.password,
    name: body.name || null,
    workspaceName: body.workspaceName || undefined,
    inviteToken: body.inviteToken,
  });
  const headers = new Headers({ "set-cookie": await sessionSetCookie({ userId: result.user.id, workspaceId: result.workspaceId }, isSecureRequest(request)) });
  return Response.json(result, { status: 201, headers });
});
