# One image for every process (web, worker, mock provider): the application
# runs its TypeScript directly through @poppinss/ts-exec, so there is no build
# step and the dev dependencies that carry the loader are installed too.
FROM node:24-slim

WORKDIR /app

COPY package.json package-lock.json ./
RUN npm ci --include=dev --no-audit --no-fund --loglevel=error && npm cache clean --force

COPY --chown=node:node . .
# `npm start` writes .env (from .env.example) and tmp/ on first start; the
# touch keeps scripts/ensure-deps.sh from seeing the lock file as newer than
# the installed packages (a reinstall would fail as the non-root user).
RUN mkdir -p tmp && chown node:node /app /app/tmp && touch node_modules/.package-lock.json

USER node

ENV HOST=0.0.0.0 \
    PORT=3333 \
    START_PROCESSES=web

EXPOSE 3333

# Creates/migrates the database, seeds (development only), then serves.
CMD ["npm", "start"]
