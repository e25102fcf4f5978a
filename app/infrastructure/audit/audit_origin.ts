import type { HttpContext } from '@adonisjs/core/http'
import { userActor } from '#domain/actors'
import type { AuditOrigin } from '#infrastructure/audit/audit_log'

interface Actor {
  id: string
  email: string
  role: string
}

function fromRequest(ctx: HttpContext, user: Actor, via: 'dashboard' | 'api'): AuditOrigin {
  return {
    actor: userActor(user.id),
    actorEmail: user.email,
    role: user.role,
    via,
    requestId: ctx.request.id() ?? null,
    ip: ctx.request.ip(),
  }
}

/* The signed-in operator of a dashboard request. */
export function dashboardOrigin(ctx: HttpContext): AuditOrigin {
  return fromRequest(ctx, ctx.auth.use('web').getUserOrFail(), 'dashboard')
}

/* The owner of the API token of a request. */
export function apiOrigin(ctx: HttpContext): AuditOrigin {
  return fromRequest(ctx, ctx.auth.use('api').getUserOrFail(), 'api')
}

/* An ace command run on this host: the actor is `cli:<the shell's user>` unless given. */
export function cliOrigin(actor = `cli:${process.env.USER ?? 'operator'}`): AuditOrigin {
  return { actor, actorEmail: null, role: null, via: 'cli', requestId: null, ip: null }
}
