import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * worker_heartbeats: one row per consumer process, refreshed every few
 * seconds with what it holds; the workers page marks a row stale when its
 * heartbeat is old. consumer_pauses: a queue an operator paused; workers
 * cancel their consumer of it while the row says paused, also after a restart.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw(`
      CREATE TABLE worker_heartbeats (
        name varchar(255) PRIMARY KEY,
        role varchar(40) NOT NULL,
        host varchar(255) NOT NULL,
        pid integer NOT NULL,
        started_at timestamptz NOT NULL,
        last_seen_at timestamptz NOT NULL,
        prefetch integer NOT NULL,
        consuming jsonb NOT NULL DEFAULT '[]'::jsonb,
        in_flight jsonb NOT NULL DEFAULT '[]'::jsonb
      )
    `)
    this.schema.raw(`
      CREATE TABLE consumer_pauses (
        queue varchar(255) PRIMARY KEY,
        paused boolean NOT NULL,
        changed_by varchar(255) NOT NULL,
        changed_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp())
      )
    `)
  }

  async down() {
    this.schema.raw('DROP TABLE consumer_pauses')
    this.schema.raw('DROP TABLE worker_heartbeats')
  }
}
