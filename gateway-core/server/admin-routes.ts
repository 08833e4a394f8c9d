/**
 * The admin API, behind `Authorization: Bearer <admin token>` (no token configured: admin is off,
 * every route answers 403). Policy bodies are JSON, or YAML with a yaml content type.
 *
 *   GET    /admin/policy                      current version, hash, document, canary
 *   GET    /admin/policy/versions             history (version, hash, author, restores)
 *   PUT    /admin/policy[?dryRun=true]        validate; dry run: the diff; else apply (hot reload)
 *   POST   /admin/policy/rollback {version}   a new version with that version's document
 *   POST   /admin/canary {policy|version, percent, by}   split traffic; promote / DELETE to end
 *   GET    /admin/usage[/:tenant]             usage per tenant
 *   GET    /admin/audit                       recent audit entries
 *   GET    /admin/backends                    pool snapshots (queue, in flight, breakers)
 *   GET    /admin/cache/demand, POST /admin/cache/prewarm   see admin-cache-routes.ts
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isSluiceError } from '../errors.js';
import { type CacheAdminContext, registerCacheAdminRoutes } from './admin-cache-routes.js';
import { sendError } from './openai-error.js';
import type { PolicyManager, SplitBy } from './policy-manager.js';
import { bearerKey } from './proxy-handler.js';
import type { EngineDriver } from './engine-driver.js';
import type { AuditLog } from './telemetry/audit-log.js';
import type { UsageLedger } from './usage-ledger.js';

export interface AdminContext {
  adminToken: string | null;
  policies: PolicyManager;
  driver: EngineDriver;
  usage: UsageLedger;
  audit: AuditLog;
  /** Cache demand and pre-warming (absent: those routes are not registered). */
  cache?: CacheAdminContext;
}

function sameToken(given: string, want: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(want);
  return a.length === b.length && timingSafeEqual(a, b);
}

function policyError(reply: FastifyReply, e: unknown): FastifyReply {
  if (!isSluiceError(e)) throw e;
  reply.code(e.status);
  return reply.send({
    error: { message: e.message, type: 'invalid_request_error', code: e.code, details: e.details },
  });
}

export function registerAdminRoutes(app: FastifyInstance, ctx: AdminContext): void {
  const guard = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (ctx.adminToken === null) {
      await sendError(
        reply,
        'SLUICE_FORBIDDEN',
        'The admin API is off: start the gateway with an admin token.',
      );
      return;
    }
    const key = bearerKey(request.headers.authorization);
    if (key === null || !sameToken(key, ctx.adminToken)) {
      await sendError(
        reply,
        'SLUICE_UNAUTHORIZED',
        'The admin API needs "Authorization: Bearer <admin token>".',
      );
    }
  };

  app.register(async (admin) => {
    admin.addHook('onRequest', guard);

    admin.get('/admin/policy', async () => {
      const v = ctx.policies.current();
      return {
        version: v.version,
        hash: v.hash,
        author: v.author,
        policy: v.doc,
        canary: ctx.policies.canaryState,
      };
    });

    admin.get('/admin/policy/versions', async () =>
      ctx.policies.store.history().map((v) => ({
        version: v.version,
        hash: v.hash,
        author: v.author,
        restores: v.restores,
        appliedAt: v.appliedAt,
      })),
    );

    admin.put('/admin/policy', async (request, reply) => {
      const dryRun = (request.query as { dryRun?: string }).dryRun === 'true';
      if (dryRun) {
        const r = ctx.policies.dryRun(request.body);
        if (!r.ok)
          return reply.code(400).send({
            error: {
              message: 'policy invalid',
              type: 'invalid_request_error',
              code: 'SLUICE_POLICY_INVALID',
              details: r.errors,
            },
          });
        return { valid: true, diff: r.diff };
      }
      try {
        return ctx.policies.apply(request.body, 'admin');
      } catch (e) {
        return policyError(reply, e);
      }
    });

    admin.post('/admin/policy/rollback', async (request, reply) => {
      const version = Number((request.body as { version?: unknown } | null)?.version);
      try {
        return ctx.policies.rollback(version, 'admin');
      } catch (e) {
        return policyError(reply, e);
      }
    });

    admin.post('/admin/canary', async (request, reply) => {
      const b = (request.body ?? {}) as {
        policy?: unknown;
        version?: number;
        percent?: number;
        by?: SplitBy;
      };
      try {
        return ctx.policies.setCanary(
          { policy: b.policy, version: b.version },
          Number(b.percent),
          b.by ?? 'apiKey',
          'admin',
        );
      } catch (e) {
        return policyError(reply, e);
      }
    });
    admin.post('/admin/canary/promote', async (_request, reply) => {
      const r = ctx.policies.promoteCanary('admin');
      if (r === null)
        return reply.code(409).send({
          error: {
            message: 'no canary to promote',
            type: 'invalid_request_error',
            code: 'SLUICE_CONFIG_INVALID',
          },
        });
      return r;
    });
    admin.delete('/admin/canary', async () => {
      ctx.policies.clearCanary('admin');
      return { canary: null };
    });

    admin.get('/admin/usage', async () => ctx.usage.all());
    admin.get('/admin/usage/:tenant', async (request) =>
      ctx.usage.get((request.params as { tenant: string }).tenant),
    );
    admin.get('/admin/audit', async () => ctx.audit.entries);
    admin.get('/admin/backends', async () =>
      Object.fromEntries(
        ctx.driver.engine.backendNames().map((b) => [b, ctx.driver.engine.backendSnapshot(b)]),
      ),
    );
    if (ctx.cache !== undefined) registerCacheAdminRoutes(admin, ctx.cache);
  });
}
