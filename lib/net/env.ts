/**
 * The environment variables that shape outbound HTTP, read at call time (never cached at import), validated with zod
 * (the parse of the last value read is remembered).
 */
import { z } from "zod";
import { EnvironmentVariableError } from "../errors";

export const ALLOW_PRIVATE_NETWORK_VARIABLE = "HETUMIND_ALLOW_PRIVATE_NETWORK";

const flag = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(["", "true", "false", "1", "0", "yes", "no", "on", "off"]))
  .transform((value) => value === "true" || value === "1" || value === "yes" || value === "on");

const netEnvironmentSchema = z.object({
  [ALLOW_PRIVATE_NETWORK_VARIABLE]: flag.optional().transform((value) => value ?? false),
});

export interface NetEnvironment {
  /** `HETUMIND_ALLOW_PRIVATE_NETWORK=true`: the guarded fetch may reach loopback, private and link-local addresses. */
  allowPrivateNetwork: boolean;
}

/** Reads the network settings from `environment` (default `process.env`). Throws `EnvironmentVariableError` on a bad value. */
export function readNetEnvironment(environment: NodeJS.ProcessEnv = process.env): NetEnvironment {
  const raw = environment[ALLOW_PRIVATE_NETWORK_VARIABLE];
  // Every outbound request reads it: the last value's parse is remembered (the variable is still read each time).
  if (lastRead && lastRead.raw === raw) return { ...lastRead.value };
  const value = parseNetEnvironment(raw);
  lastRead = { raw, value };
  return { ...value };
}

let lastRead: { raw: string | undefined; value: NetEnvironment } | undefined;

function parseNetEnvironment(raw: string | undefined): NetEnvironment {
  const parsed = netEnvironmentSchema.safeParse({ [ALLOW_PRIVATE_NETWORK_VARIABLE]: raw });
  if (!parsed.success) {
    throw new EnvironmentVariableError(
      `${ALLOW_PRIVATE_NETWORK_VARIABLE} must be true or false (got "${raw}")`,
      { variable: ALLOW_PRIVATE_NETWORK_VARIABLE },
      { cause: parsed.error },
    );
  }
  return { allowPrivateNetwork: parsed.data[ALLOW_PRIVATE_NETWORK_VARIABLE] };
}
