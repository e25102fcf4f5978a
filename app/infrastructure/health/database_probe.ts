import db from '@adonisjs/lucid/services/db'

/* Readiness of PostgreSQL: a `select 1` on a Lucid connection (the primary one unless named). */
export class DatabaseProbe {
  constructor(private connectionName: string = db.primaryConnectionName) {}

  async ping(timeoutMs: number) {
    const query = Promise.resolve(db.connection(this.connectionName).rawQuery('select 1'))
    query.catch(() => {})
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)
    })
    try {
      await Promise.race([query, timeout])
    } catch (error) {
      throw new Error(`PostgreSQL unreachable: ${(error as Error).message}`, { cause: error })
    } finally {
      clearTimeout(timer)
    }
  }
}
