import { badRequest } from "../errors.js";
import type { FakeRouter, RouteContext } from "../router.js";
import type { FakePartner, FakeState } from "../state.js";
import { userDto } from "./users.js";
import { Checks, objectBody } from "./validation.js";

function partnerDto(state: FakeState, p: FakePartner, direction: "shared-by" | "shared-with") {
  const other = state.users.get(direction === "shared-by" ? p.sharedWithId : p.sharedById)!;
  return { ...userDto(other), inTimeline: p.inTimeline };
}

/** A partner share made by the caller (the sharing user): their library shown to `sharedWithId`. */
function create(ctx: RouteContext, sharedWithId: string) {
  const me = ctx.auth!.user.id;
  const other = ctx.state.users.get(sharedWithId);
  if (!other || other.deletedAt !== null) throw badRequest("User not found");
  if (sharedWithId === me) throw badRequest("Cannot share with yourself");
  if (ctx.state.partners.some((p) => p.sharedById === me && p.sharedWithId === sharedWithId)) throw badRequest("Partner already exists");
  const partner: FakePartner = { sharedById: me, sharedWithId, inTimeline: false };
  ctx.state.partners.push(partner);
  return { status: 201, body: partnerDto(ctx.state, partner, "shared-by") };
}

/** Partners: made, listed and removed by the sharing user with their own credentials. */
export function partnerRoutes(router: FakeRouter): void {
  router
    .add("GET", "/partners", { permission: "partner.read" }, ({ state, auth, query }) => {
      const direction = query.get("direction");
      if (direction !== "shared-by" && direction !== "shared-with")
        throw badRequest([{ path: ["direction"], message: "direction must be one of the following values: shared-by, shared-with" }]);
      const me = auth!.user.id;
      const mine = state.partners.filter((p) => (direction === "shared-by" ? p.sharedById : p.sharedWithId) === me);
      return { body: mine.map((p) => partnerDto(state, p, direction)) };
    })
    .add("POST", "/partners", { permission: "partner.create" }, (ctx) => {
      const body = objectBody(ctx.body);
      const checks = new Checks();
      checks.uuid("sharedWithId", body.sharedWithId);
      checks.done();
      return create(ctx, body.sharedWithId as string);
    })
    .add("POST", "/partners/:id", { permission: "partner.create" }, (ctx) => create(ctx, ctx.params.id ?? ""))
    .add("DELETE", "/partners/:id", { permission: "partner.delete" }, ({ state, auth, params }) => {
      const at = state.partners.findIndex((p) => p.sharedById === auth!.user.id && p.sharedWithId === params.id);
      if (at < 0) throw badRequest("Partner not found");
      state.partners.splice(at, 1);
      return { status: 204 };
    });
}
