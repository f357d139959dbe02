CREATE TABLE "chat_memory_turns" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "chat_memory_turns_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"workspace_id" text NOT NULL,
	"session_id" text NOT NULL,
	"turn_id" text NOT NULL,
	"messages" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "chat_memory_turns" ADD CONSTRAINT "chat_memory_turns_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "chat_memory_turns_turn_idx" ON "chat_memory_turns" USING btree ("workspace_id","session_id","turn_id");--> statement-breakpoint
CREATE INDEX "chat_memory_turns_session_idx" ON "chat_memory_turns" USING btree ("workspace_id","session_id","id");