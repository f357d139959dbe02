export { DrizzleCheckpointSaver, type PruneResult } from "./drizzle-checkpoint-saver";
