import { describe, expect, it } from "vitest";
import { EnvironmentVariableError } from "@/lib/errors";
import { ALLOW_PRIVATE_NETWORK_VARIABLE, readNetEnvironment } from "@/lib/net/env";

describe("readNetEnvironment", () => {
  it("follows the variable from one call to the next, and refuses a bad value every time it is read", () => {
    const env = {} as NodeJS.ProcessEnv;
    expect(readNetEnvironment(env)).toEqual({ allowPrivateNetwork: false });
    env[ALLOW_PRIVATE_NETWORK_VARIABLE] = "TRUE ";
    expect(readNetEnvironment(env)).toEqual({ allowPrivateNetwork: true });
    expect(readNetEnvironment(env)).toEqual({ allowPrivateNetwork: true });
    env[ALLOW_PRIVATE_NETWORK_VARIABLE] = "maybe";
    expect(() => readNetEnvironment(env)).toThrow(EnvironmentVariableError);
    expect(() => readNetEnvironment(env)).toThrow(/must be true or false \(got "maybe"\)/);
    env[ALLOW_PRIVATE_NETWORK_VARIABLE] = "off";
    expect(readNetEnvironment(env)).toEqual({ allowPrivateNetwork: false });
  });

  it("hands out a copy: a caller changing its answer changes no later answer", () => {
    const env = {} as NodeJS.ProcessEnv;
    env[ALLOW_PRIVATE_NETWORK_VARIABLE] = "false";
    const first = readNetEnvironment(env);
    first.allowPrivateNetwork = true;
    expect(readNetEnvironment(env)).toEqual({ allowPrivateNetwork: false });
  });
});
