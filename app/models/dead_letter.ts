import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'

export type DeadLetterStatus = 'open' | 'replayed' | 'discarded'

export default class DeadLetter extends BaseModel {
  @column({ isPrimary: true })
  declare id: string

  @column()
  declare messageId: string

  @column()
  declare queue: string

  @column()
  declare routingKey: string | null

  @column()
  declare payoutId: string | null

  @column()
  declare accountId: string | null

  @column()
  declare reason: string

  @column()
  declare errorCode: string | null

  @column()
  declare attempts: number

  @column()
  declare lastError: string | null

  @column()
  declare errors: { attempt?: number; error?: string; at?: string }[]

  @column()
  declare payload: Record<string, unknown>

  @column()
  declare headers: Record<string, unknown>

  @column()
  declare status: DeadLetterStatus

  @column()
  declare resolvedBy: string | null

  @column.dateTime()
  declare resolvedAt: DateTime | null

  @column.dateTime()
  declare createdAt: DateTime

  @column.dateTime()
  declare updatedAt: DateTime
}
