import env from '#start/env'

/* Pagination cursors are signed with a key derived from APP_KEY. */
const cursorConfig = {
  secret: `cursor:${env.get('APP_KEY').release()}`,
}

export default cursorConfig
