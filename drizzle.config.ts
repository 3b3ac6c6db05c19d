import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` writes SQL migrations here; src/db/connection.ts applies them at start.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './drizzle',
});
