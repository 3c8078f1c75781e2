# Image unique du worker et de l'API (docker-compose.yml choisit la commande).
# TypeScript est exécuté tel quel par tsx, qui est une dépendance d'exécution : les
# dépendances de développement (vitest, typescript, serveur de test Temporal…) sont omises.
FROM node:20-bookworm-slim

ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false

WORKDIR /app

# Couche de dépendances d'abord : elle n'est reconstruite que si le verrou change.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

COPY . .

# Le code appartient à root et n'est que lisible par l'utilisateur d'exécution ; seul .data
# (données locales éventuelles) lui est accessible en écriture.
RUN mkdir -p /app/.data/indicateurs && chown -R node:node /app/.data

USER node

EXPOSE 3000

# Le worker par défaut ; l'API : `npx tsx api/main.ts`.
CMD ["npx", "tsx", "worker/main.ts"]
