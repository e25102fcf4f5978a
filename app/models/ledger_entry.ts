import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'
import { bigintColumn } from '#models/columns'

import type { LedgerEntryType } from '#domain/records'

export type { LedgerEntryType }

/*
 * One row of the ledger (`transactions` table): the signed change to an
 * account's balance and the balance right after it. Rows are only inserted,
 * never updated or deleted.
 */
export default class LedgerEntry extends BaseModel {
  static table = 'transactions'

  @column({ isPrimary: true })
  declare id: string

  @column(bigintColumn)
  declare seq: bigint

  @column()
  declare accountId: string

  @column()
  declare type: LedgerEntryType

  @column(bigintColumn)
  declare amount: bigint

  @column(bigintColumn)
  declare fee: bigint

  @column(bigintColumn)
  declare balanceAfter: bigint

  @column()
  declare reference: string | null

  @column()
  declare payoutId: string | null

  @column()
  declare orderId: string | null

  @column()
  declare actor: string | null

  @column.dateTime()
  declare createdAt: DateTime
}
