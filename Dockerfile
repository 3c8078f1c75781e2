# Image unique du worker et de l'API (docker-compose.yml choisit la commande), en deux étapes :
# la construction (dépendances de développement, `npm run build` : JavaScript et paquet des
# workflows dans dist/), puis l'exécution, sur la version LTS active de Node, avec les seules
# dépendances de production et dist/ (ni sources TypeScript, ni tests). Le worker démarre sans
# empaqueter ses workflows.
ARG NODE_VERSION=26

FROM node:${NODE_VERSION}-bookworm-slim AS construction
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:${NODE_VERSION}-bookworm-slim
ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false
WORKDIR /app

# Couche de dépendances d'abord : elle n'est reconstruite que si le verrou change.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

COPY --from=construction /app/dist ./dist

# Le code appartient à root et n'est que lisible par l'utilisateur d'exécution ; seul .data
# (données locales éventuelles) lui est accessible en écriture.
RUN mkdir -p /app/.data && chown -R node:node /app/.data

USER node

EXPOSE 3000

# Le worker par défaut ; l'API : `node dist/api.mjs`.
CMD ["node", "--max-old-space-size=512", "dist/worker.mjs"]
