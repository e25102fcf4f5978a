import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'

export default class PayoutEvent extends BaseModel {
  @column({ isPrimary: true })
  declare id: string

  @column()
  declare payoutId: string

  @column()
  declare type: string

  @column()
  declare fromStatus: string | null

  @column()
  declare toStatus: string | null

  @column()
  declare actor: string

  @column()
  declare details: Record<string, unknown>

  @column.dateTime()
  declare createdAt: DateTime
}
