import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * Web processes cache verified API tokens (app/infrastructure/auth/token_cache.ts)
 * and empty the cache on a NOTIFY auth_changed. These triggers send it after
 * any change that could alter a verification: a token deleted or rewritten
 * (not the last_used_at the guard itself writes), and any change to users.
 * Statement-level, so a bulk change is one notification; a notification is
 * delivered only when its transaction commits. CREATE OR REPLACE: migration:fresh
 * drops tables, not functions.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw(`
      CREATE OR REPLACE FUNCTION notify_auth_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('auth_changed', TG_TABLE_NAME);
        RETURN NULL;
      END
      $$`)
    this.schema.raw(`
      CREATE TRIGGER auth_access_tokens_changed
        AFTER UPDATE OF tokenable_id, type, name, hash, abilities, expires_at OR DELETE
        ON auth_access_tokens FOR EACH STATEMENT EXECUTE FUNCTION notify_auth_changed()`)
    this.schema.raw(`
      CREATE TRIGGER auth_access_tokens_truncated
        AFTER TRUNCATE ON auth_access_tokens FOR EACH STATEMENT EXECUTE FUNCTION notify_auth_changed()`)
    this.schema.raw(`
      CREATE TRIGGER users_changed
        AFTER UPDATE OR DELETE OR TRUNCATE
        ON users FOR EACH STATEMENT EXECUTE FUNCTION notify_auth_changed()`)
  }

  async down() {
    this.schema.raw('DROP TRIGGER users_changed ON users')
    this.schema.raw('DROP TRIGGER auth_access_tokens_truncated ON auth_access_tokens')
    this.schema.raw('DROP TRIGGER auth_access_tokens_changed ON auth_access_tokens')
    this.schema.raw('DROP FUNCTION IF EXISTS notify_auth_changed()')
  }
}
