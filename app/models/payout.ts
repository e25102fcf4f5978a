import { DateTime } from 'luxon'
import { BaseModel, column, hasMany } from '@adonisjs/lucid/orm'
import type { HasMany } from '@adonisjs/lucid/types/relations'
import { bigintColumn } from '#models/columns'
import type { PayoutStatus } from '#domain/payout_state'
import { heldBy } from '#domain/records'
import PayoutEvent from '#models/payout_event'

export default class Payout extends BaseModel {
  @column({ isPrimary: true })
  declare id: string

  @column()
  declare accountId: string

  @column(bigintColumn)
  declare amount: bigint

  @column(bigintColumn)
  declare fee: bigint

  @column()
  declare currency: string

  @column()
  declare status: PayoutStatus

  @column()
  declare recipientDetails: string

  @column()
  declare comment: string | null

  @column()
  declare attempts: number

  @column()
  declare failureCode: string | null

  @column()
  declare failureMessage: string | null

  @column()
  declare providerReference: string | null

  @column()
  declare createdBy: string | null

  @column.dateTime()
  declare createdAt: DateTime

  @column.dateTime()
  declare updatedAt: DateTime

  @column.dateTime()
  declare completedAt: DateTime | null

  /* Set while the provider has accepted the payout as pending and we wait for its result. */
  @column.dateTime()
  declare awaitingProviderSince: DateTime | null

  /* W3C traceparent of the request that created it (docs/observability.md, tracing). */
  @column()
  declare traceparent: string | null

  @hasMany(() => PayoutEvent)
  declare events: HasMany<typeof PayoutEvent>

  /* amount + fee: what is held on the account while the payout is open. */
  get held() {
    return heldBy(this)
  }
}
