import { CreatePracticeInput, InitResult, Practice, UpdatePracticeInput } from "../../../sdk/schemas/index.js";
import type { Deps } from "../../domain/deps.js";
import { checkSetupToken, createPractice, updatePractice } from "../../domain/practice/service.js";
import { bearer } from "../auth.js";
import type { RouteTable } from "../route.js";

/** The practice itself: creating one (setup token) and changing its settings. `GET /me` shows it. */
export function practiceRoutes(t: RouteTable, deps: Deps): void {
  const tag = "practice";
  t.add({ method: "POST", access: "public", url: "/practices", operationId: "createPractice", problems: [403], tag, public: true, summary: "Create a practice and its owner (needs the server's setup token)",
    body: CreatePracticeInput, reply: InitResult, status: 201, secretReply: true, limit: { kind: "practice_setup" },
    handler: ({ actor, body, req }) => {
      checkSetupToken(deps, bearer(req));
      return createPractice(deps, actor, body);
    } });
  t.add({ method: "PATCH", access: "manage", url: "/practice", operationId: "updatePractice", tag, summary: "Change the practice's name, time zone, contact, join window (R13) or auto-complete minutes (R18) (owner or manager)",
    body: UpdatePracticeInput, reply: Practice, handler: ({ actor, body }) => updatePractice(deps, actor, body) });
}
