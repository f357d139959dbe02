import { describe, expect, it } from "vitest";
import { assertPasswordPolicy, generatePassword, hashPassword, verifyPassword } from "../../lib/auth/password";
import { HetumindError } from "../../lib/errors";

describe("password hashing", () => {
  it("stores scrypt$N$r$p$salt$hash with a fresh salt and verifies only the right password", async () => {
    const first = await hashPassword("correct horse battery");
    const second = await hashPassword("correct horse battery");
    expect(first).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(first).not.toBe(second);
    expect(await verifyPassword("correct horse battery", first)).toBe(true);
    expect(await verifyPassword("correct horse batterY", first)).toBe(false);
    expect(await verifyPassword("", first)).toBe(false);
  });

  it("reads the cost from the stored string, and refuses malformed or absurd hashes", async () => {
    const stored = await hashPassword("eight chars");
    const [, , r, p, salt, hash] = stored.split("$");
    expect(await verifyPassword("eight chars", `scrypt$16384$${r}$${p}$${salt}$${hash}`)).toBe(false);
    expect(await verifyPassword("eight chars", "bcrypt$whatever")).toBe(false);
    expect(await verifyPassword("eight chars", `scrypt$${2 ** 30}$8$1$${salt}$${hash}`)).toBe(false);
    expect(await verifyPassword("eight chars", `scrypt$32768$8$1$$${hash}`)).toBe(false);
  });

  it("refuses passwords shorter than 8 characters with a password_policy error", async () => {
    expect(() => assertPasswordPolicy("seven77")).toThrow(/at least 8 characters/);
    const error = await hashPassword("short").catch((caught: unknown) => caught);
    expect(HetumindError.isInstance(error) && error.code).toBe("password_policy");
    expect(() => assertPasswordPolicy("12345678")).not.toThrow();
  });

  it("generates random passwords that meet the policy", () => {
    const password = generatePassword();
    expect(password.length).toBeGreaterThanOrEqual(24);
    expect(() => assertPasswordPolicy(password)).not.toThrow();
    expect(generatePassword()).not.toBe(password);
  });
});
