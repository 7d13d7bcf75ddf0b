// Minimal Backstage backend for the Kiosque benchmark: catalog plugin only.
// Configuration comes from app-config.yaml (passed with --config by run.sh).
'use strict';

const { createBackend } = require('@backstage/backend-defaults');

const backend = createBackend();
backend.add(import('@backstage/plugin-catalog-backend'));
backend.start();
