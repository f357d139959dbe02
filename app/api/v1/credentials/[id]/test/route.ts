import { credentialRoutes } from "@/lib/api/credentials/routes";

export const POST = credentialRoutes().test;
